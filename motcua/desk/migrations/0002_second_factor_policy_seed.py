"""One policy row per role: the province administrator, center managers and leaders (who
sign results) confirm their sign-in with a one-time code; editable in the admin."""

from django.db import migrations

REQUIRED = {"province_admin", "center_manager", "leader"}
ROLES = [
    "reception_officer",
    "specialist",
    "leader",
    "center_manager",
    "province_admin",
    "auditor",
]


def seed(apps, schema_editor):
    Policy = apps.get_model("desk", "SecondFactorPolicy")
    for role in ROLES:
        Policy.objects.get_or_create(role=role, defaults={"required": role in REQUIRED})


def unseed(apps, schema_editor):
    apps.get_model("desk", "SecondFactorPolicy").objects.filter(role__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("desk", "0001_sign_in"),
    ]

    operations = [
        migrations.RunPython(seed, unseed),
    ]
