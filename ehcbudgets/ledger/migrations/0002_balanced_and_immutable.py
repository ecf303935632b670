"""The database itself keeps the ledger whole, whatever code runs against it (ADR 9):

- a transaction is inserted unposted; marking it posted checks that it has two or more legs summing to zero;
- a posted transaction cannot change, and cannot gain legs; a leg can never change;
- PostgreSQL also refuses DELETE (SQLite test flushes empty tables with DELETE, so there the ORM guard refuses it).
"""

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION ledger_txn_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'ledger transactions cannot be deleted';
  END IF;
  IF TG_OP = 'INSERT' THEN
    IF NEW.posted THEN
      RAISE EXCEPTION 'a ledger transaction is posted only after its legs are written';
    END IF;
    RETURN NEW;
  END IF;
  IF OLD.posted THEN
    RAISE EXCEPTION 'posted ledger transactions cannot be changed';
  END IF;
  IF NEW.posted THEN
    IF (SELECT COUNT(*) FROM ledger_leg WHERE transaction_id = NEW.id) < 2 THEN
      RAISE EXCEPTION 'a ledger transaction needs at least two legs';
    END IF;
    IF (SELECT SUM(amount) FROM ledger_leg WHERE transaction_id = NEW.id) <> 0 THEN
      RAISE EXCEPTION 'the legs of a ledger transaction must sum to zero';
    END IF;
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER ledger_txn_guard BEFORE INSERT OR UPDATE OR DELETE ON ledger_transaction
  FOR EACH ROW EXECUTE FUNCTION ledger_txn_guard();
CREATE OR REPLACE FUNCTION ledger_leg_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    RAISE EXCEPTION 'ledger legs cannot be changed or deleted';
  END IF;
  IF (SELECT posted FROM ledger_transaction WHERE id = NEW.transaction_id) THEN
    RAISE EXCEPTION 'a posted ledger transaction cannot gain legs';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER ledger_leg_guard BEFORE INSERT OR UPDATE OR DELETE ON ledger_leg
  FOR EACH ROW EXECUTE FUNCTION ledger_leg_guard();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS ledger_txn_guard ON ledger_transaction;
DROP TRIGGER IF EXISTS ledger_leg_guard ON ledger_leg;
DROP FUNCTION IF EXISTS ledger_txn_guard();
DROP FUNCTION IF EXISTS ledger_leg_guard();
"""
SQLITE_UP = """
CREATE TRIGGER ledger_txn_insert_unposted BEFORE INSERT ON ledger_transaction WHEN NEW.posted
BEGIN SELECT RAISE(ABORT, 'a ledger transaction is posted only after its legs are written'); END;
CREATE TRIGGER ledger_txn_posted_unchanged BEFORE UPDATE ON ledger_transaction WHEN OLD.posted
BEGIN SELECT RAISE(ABORT, 'posted ledger transactions cannot be changed'); END;
CREATE TRIGGER ledger_txn_balanced BEFORE UPDATE ON ledger_transaction WHEN NEW.posted AND (
  (SELECT COUNT(*) FROM ledger_leg WHERE transaction_id = NEW.id) < 2
  OR ROUND((SELECT SUM(amount) FROM ledger_leg WHERE transaction_id = NEW.id), 2) <> 0)
BEGIN SELECT RAISE(ABORT, 'the legs of a ledger transaction must sum to zero'); END;
CREATE TRIGGER ledger_leg_unchanged BEFORE UPDATE ON ledger_leg
BEGIN SELECT RAISE(ABORT, 'ledger legs cannot be changed'); END;
CREATE TRIGGER ledger_leg_not_on_posted BEFORE INSERT ON ledger_leg
  WHEN (SELECT posted FROM ledger_transaction WHERE id = NEW.transaction_id)
BEGIN SELECT RAISE(ABORT, 'a posted ledger transaction cannot gain legs'); END;
"""
SQLITE_DOWN = """
DROP TRIGGER IF EXISTS ledger_txn_insert_unposted;
DROP TRIGGER IF EXISTS ledger_txn_posted_unchanged;
DROP TRIGGER IF EXISTS ledger_txn_balanced;
DROP TRIGGER IF EXISTS ledger_leg_unchanged;
DROP TRIGGER IF EXISTS ledger_leg_not_on_posted;
"""


def _statements(script: str) -> list[str]:
    """Split a script into statements: each CREATE or DROP at the start of a line begins a new one."""
    statements, current = [], []
    for line in script.strip().splitlines():
        if line.startswith(("CREATE ", "DROP ")) and current:
            statements.append("\n".join(current))
            current = []
        current.append(line)
    if current:
        statements.append("\n".join(current))
    return statements


def up(apps, schema_editor):
    script = {"postgresql": PG_UP, "sqlite": SQLITE_UP}.get(schema_editor.connection.vendor, "")
    for statement in _statements(script):
        schema_editor.execute(statement)


def down(apps, schema_editor):
    script = {"postgresql": PG_DOWN, "sqlite": SQLITE_DOWN}.get(schema_editor.connection.vendor, "")
    for statement in _statements(script):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]
    operations = [migrations.RunPython(up, down)]
