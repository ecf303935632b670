"""Make audit events append-only in the database itself, not only in the ORM.

PostgreSQL: UPDATE and DELETE of a row raise. TRUNCATE (test flushes, a deliberate retention purge) stays possible.
SQLite: UPDATE raises. DELETE is left to the ORM guard, because test flushes on SQLite empty tables with DELETE.
"""

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION audit_event_immutable() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit events cannot be changed or deleted';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent
  FOR EACH ROW EXECUTE FUNCTION audit_event_immutable();
CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent
  FOR EACH ROW EXECUTE FUNCTION audit_event_immutable();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS audit_event_no_update ON audit_auditevent;
DROP TRIGGER IF EXISTS audit_event_no_delete ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_event_immutable();
"""
SQLITE_UP = """
CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent
BEGIN SELECT RAISE(ABORT, 'audit events cannot be changed'); END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS audit_event_no_update;"


def _run(schema_editor, scripts: dict) -> None:
    script = scripts.get(schema_editor.connection.vendor, "")
    # One statement at a time; the PL/pgSQL body holds semicolons, so statements are split on blank-line-free
    # boundaries: each CREATE/DROP starts a new statement.
    statements, current = [], []
    for line in script.strip().splitlines():
        if line.startswith(("CREATE ", "DROP ")) and current:
            statements.append("\n".join(current))
            current = []
        current.append(line)
    if current:
        statements.append("\n".join(current))
    for statement in statements:
        schema_editor.execute(statement)


def up(apps, schema_editor):
    _run(schema_editor, {"postgresql": PG_UP, "sqlite": SQLITE_UP})


def down(apps, schema_editor):
    _run(schema_editor, {"postgresql": PG_DOWN, "sqlite": SQLITE_DOWN})


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(up, down)]
