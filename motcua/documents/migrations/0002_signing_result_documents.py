# A signature event seals each electronic result of the dossier: one signed-result document
# per (event, result); slips stay one per (event, form, content type).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="generateddocument",
            name="generated_document_once_per_event",
        ),
        migrations.AddConstraint(
            model_name="generateddocument",
            constraint=models.UniqueConstraint(
                condition=models.Q(("event__isnull", False), ("result__isnull", True)),
                fields=("event", "form", "content_type"),
                name="generated_document_once_per_event",
            ),
        ),
        migrations.AddConstraint(
            model_name="generateddocument",
            constraint=models.UniqueConstraint(
                condition=models.Q(("event__isnull", False), ("result__isnull", False)),
                fields=("event", "result"),
                name="generated_document_once_per_result_event",
            ),
        ),
    ]
