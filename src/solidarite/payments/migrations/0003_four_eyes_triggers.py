"""The database itself enforces two money rules that no code path may skip:

- only a batch's preparer puts payments in it, and only while it is prepared (so whoever
  validates it, never its preparer by constraint batch_four_eyes, never added a euro to it);
- a payment draws on an envelope of the organisation that runs its file (the scheme's
  provider), never on another organisation's money.

Triggers, for SQLite and PostgreSQL alike; each raises a constraint violation (IntegrityError).
"""

from django.db import migrations

SQLITE = [
    """
    CREATE TRIGGER payment_batched_by_preparer
    BEFORE UPDATE OF batch_id, batched_by_id ON payments_payment
    WHEN NEW.batch_id IS NOT NULL
      AND (OLD.batch_id IS NULL OR OLD.batch_id <> NEW.batch_id
           OR OLD.batched_by_id IS NOT NEW.batched_by_id)
    BEGIN
      SELECT RAISE(ABORT, 'four eyes: only the preparer of a prepared batch adds payments to it')
      WHERE NOT EXISTS (
        SELECT 1 FROM payments_paymentbatch b
        WHERE b.id = NEW.batch_id AND b.prepared_by_id = NEW.batched_by_id
          AND b.status = 'prepared'
      );
    END
    """,
    """
    CREATE TRIGGER payment_inserted_unbatched
    BEFORE INSERT ON payments_payment
    WHEN NEW.batch_id IS NOT NULL
    BEGIN
      SELECT RAISE(ABORT, 'four eyes: a payment joins a batch only through its preparer');
    END
    """,
    """
    CREATE TRIGGER payment_envelope_of_file_organisation
    BEFORE INSERT ON payments_payment
    BEGIN
      SELECT RAISE(ABORT, 'a payment draws on an envelope of the organisation running its file')
      WHERE (SELECT owner_id FROM payments_envelope WHERE id = NEW.envelope_id)
         <> (SELECT organisation_id FROM cases_casefile WHERE id = NEW.file_id);
    END
    """,
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS payment_batched_by_preparer",
    "DROP TRIGGER IF EXISTS payment_inserted_unbatched",
    "DROP TRIGGER IF EXISTS payment_envelope_of_file_organisation",
]

POSTGRES = [
    """
    CREATE FUNCTION payments_payment_guard() RETURNS trigger AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        IF NEW.batch_id IS NOT NULL THEN
          RAISE EXCEPTION 'four eyes: a payment joins a batch only through its preparer'
            USING ERRCODE = 'check_violation';
        END IF;
        IF (SELECT owner_id FROM payments_envelope WHERE id = NEW.envelope_id)
           <> (SELECT organisation_id FROM cases_casefile WHERE id = NEW.file_id) THEN
          RAISE EXCEPTION 'a payment draws on an envelope of the organisation running its file'
            USING ERRCODE = 'check_violation';
        END IF;
      ELSIF NEW.batch_id IS NOT NULL
        AND (OLD.batch_id IS DISTINCT FROM NEW.batch_id
             OR OLD.batched_by_id IS DISTINCT FROM NEW.batched_by_id) THEN
        IF NOT EXISTS (
          SELECT 1 FROM payments_paymentbatch b
          WHERE b.id = NEW.batch_id AND b.prepared_by_id = NEW.batched_by_id
            AND b.status = 'prepared'
        ) THEN
          RAISE EXCEPTION 'four eyes: only the preparer of a prepared batch adds payments to it'
            USING ERRCODE = 'check_violation';
        END IF;
      END IF;
      RETURN NEW;
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER payments_payment_guard
    BEFORE INSERT OR UPDATE ON payments_payment
    FOR EACH ROW EXECUTE FUNCTION payments_payment_guard()
    """,
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS payments_payment_guard ON payments_payment",
    "DROP FUNCTION IF EXISTS payments_payment_guard()",
]


def _run(statements_by_vendor: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("payments", "0002_catch_up_four_eyes_batch_cancel")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        ),
    ]
