"""The database itself refuses to change a dossier event (and, on PostgreSQL, to delete one).

SQLite gets no DELETE trigger: Django's test flush empties tables with DELETE there. A
deleted event is still caught by ``motcua audit verify`` through the hash chain and the
chain head kept on the dossier row.
"""

from django.db import migrations

PG_FORWARD = [
    """CREATE OR REPLACE FUNCTION dossiers_event_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'dossier events are append-only';
    END;
    $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER dossiers_event_no_update BEFORE UPDATE ON dossiers_dossierevent
    FOR EACH ROW EXECUTE FUNCTION dossiers_event_append_only()""",
    """CREATE TRIGGER dossiers_event_no_delete BEFORE DELETE ON dossiers_dossierevent
    FOR EACH ROW EXECUTE FUNCTION dossiers_event_append_only()""",
]
PG_BACKWARD = [
    "DROP TRIGGER IF EXISTS dossiers_event_no_update ON dossiers_dossierevent",
    "DROP TRIGGER IF EXISTS dossiers_event_no_delete ON dossiers_dossierevent",
    "DROP FUNCTION IF EXISTS dossiers_event_append_only()",
]
SQLITE_FORWARD = ["""
CREATE TRIGGER dossiers_event_no_update BEFORE UPDATE ON dossiers_dossierevent
BEGIN
    SELECT RAISE(ABORT, 'dossier events are append-only');
END
"""]
SQLITE_BACKWARD = ["DROP TRIGGER IF EXISTS dossiers_event_no_update"]


def _run(schema_editor, statements):
    for sql in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql, params=None)


def forward(apps, schema_editor):
    _run(schema_editor, {"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD})


def backward(apps, schema_editor):
    _run(schema_editor, {"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD})


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
