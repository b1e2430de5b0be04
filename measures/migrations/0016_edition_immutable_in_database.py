"""The database keeps a published edition whole: every column, and the row itself.

0006 froze the content columns on UPDATE only; the publishing time, the
publisher and the row (DELETE, TRUNCATE) stayed open to anyone bypassing the
model. Now:

- UPDATE may change nothing but the withdrawal, and that once: from "not
  withdrawn" (withdrawn_at empty) to withdrawn, never changed or cleared after.
  PostgreSQL compares the whole row, so a column added later is frozen too; a
  data migration that must fill one in for published editions disables the
  trigger around its UPDATE (migrations run as the owner, who may). On SQLite
  a migration that remakes the table drops its triggers: create them again.
- DELETE is refused row by row, TRUNCATE (also by CASCADE from the plans or
  users) while the table holds any edition. An empty table has nothing to
  protect, and Django's test runner empties tables with TRUNCATE.

The errors are integrity errors naming the edition and the columns. Only the
table's owner can disable these triggers: run the app with a role that owns
nothing (README, "Database roles").
"""

import importlib

from django.db import migrations

WITHDRAWAL_COLUMNS = ["withdrawn_at", "withdrawn_by_id", "withdrawal_reason"]
# SQLite compares column by column: every column of the edition but the withdrawal.
FROZEN_COLUMNS = [
    "id",
    "plan_id",
    "title",
    "slug",
    "date",
    "reference",
    "preface",
    "snapshot",
    "published_at",
    "published_by_id",
]
WITHDRAWAL = ", ".join(f"'{c}'" for c in WITHDRAWAL_COLUMNS)

# One statement per string: a database driver runs one at a time.
POSTGRESQL = [
    f"""
CREATE OR REPLACE FUNCTION measures_edition_frozen() RETURNS trigger AS $$
DECLARE
    changed text;
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'edition % was published and cannot be deleted; withdraw it instead',
            OLD.id USING ERRCODE = 'restrict_violation';
    END IF;
    SELECT string_agg(new_column.key, ', ' ORDER BY new_column.key) INTO changed
    FROM jsonb_each(to_jsonb(NEW)) AS new_column
    WHERE new_column.value IS DISTINCT FROM to_jsonb(OLD) -> new_column.key
        AND NOT (
            new_column.key IN ({WITHDRAWAL})
            AND OLD.withdrawn_at IS NULL AND NEW.withdrawn_at IS NOT NULL
        );
    IF changed IS NOT NULL THEN
        RAISE EXCEPTION 'edition % was published and cannot change (%); only a withdrawal may be set, once',
            OLD.id, changed USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql""",
    """
CREATE OR REPLACE FUNCTION measures_edition_not_truncated() RETURNS trigger AS $$
DECLARE
    held boolean;
BEGIN
    EXECUTE format('SELECT EXISTS (SELECT FROM %s)', TG_RELID::regclass) INTO held;
    IF held THEN
        RAISE EXCEPTION '% holds published editions and cannot be truncated; withdraw them instead',
            TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS measures_edition_frozen ON measures_edition",
    "DROP TRIGGER IF EXISTS measures_edition_not_truncated ON measures_edition",
    """CREATE TRIGGER measures_edition_frozen BEFORE UPDATE OR DELETE ON measures_edition
    FOR EACH ROW EXECUTE FUNCTION measures_edition_frozen()""",
    """CREATE TRIGGER measures_edition_not_truncated BEFORE TRUNCATE ON measures_edition
    FOR EACH STATEMENT EXECUTE FUNCTION measures_edition_not_truncated()""",
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER measures_edition_not_truncated ON measures_edition",
    "DROP FUNCTION measures_edition_not_truncated()",
    "DROP TRIGGER measures_edition_frozen ON measures_edition",
    "DROP FUNCTION measures_edition_frozen()",
]

_changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in FROZEN_COLUMNS)
_withdrawal_changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in WITHDRAWAL_COLUMNS)
SQLITE = [
    "DROP TRIGGER IF EXISTS measures_edition_frozen",
    f"""
CREATE TRIGGER measures_edition_frozen BEFORE UPDATE ON measures_edition
FOR EACH ROW WHEN {_changed} OR (
    NOT (OLD.withdrawn_at IS NULL AND NEW.withdrawn_at IS NOT NULL) AND ({_withdrawal_changed})
)
BEGIN SELECT RAISE(ABORT, 'edition was published and cannot change; only a withdrawal may be set, once'); END""",
    """
CREATE TRIGGER measures_edition_undeletable BEFORE DELETE ON measures_edition
FOR EACH ROW
BEGIN SELECT RAISE(ABORT, 'edition was published and cannot be deleted; withdraw it instead'); END""",
]
SQLITE_REVERSE = ["DROP TRIGGER measures_edition_undeletable", "DROP TRIGGER measures_edition_frozen"]

# Going back restores 0006's trigger.
_previous = importlib.import_module("measures.migrations.0006_edition_frozen_trigger")


def create_triggers(apps, schema_editor) -> None:
    _execute(schema_editor, {"postgresql": POSTGRESQL, "sqlite": SQLITE})


def drop_triggers(apps, schema_editor) -> None:
    _execute(schema_editor, {"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE})
    _previous.create_trigger(apps, schema_editor)


def _execute(schema_editor, sql_by_vendor: dict[str, list[str]]) -> None:
    statements = sql_by_vendor.get(schema_editor.connection.vendor)
    if statements is None:
        raise NotImplementedError(f"no edition trigger for {schema_editor.connection.vendor}")
    for sql in statements:
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("measures", "0015_edition_preface_length"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
