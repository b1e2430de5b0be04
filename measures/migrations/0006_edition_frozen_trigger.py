"""The database itself refuses to change a published edition.

`Edition.save()` already refuses, but `QuerySet.update()`, a raw query or a
console session would not pass through it. Only the withdrawal fields may
change. Both databases report the refusal as an integrity error.
"""

from django.db import migrations

# The columns of Edition.FROZEN_FIELDS.
FROZEN_COLUMNS = ["plan_id", "title", "slug", "date", "reference", "preface", "snapshot"]
MESSAGE = "edition was published and cannot change"

# One statement per string: a database driver runs one at a time.
POSTGRESQL = [
    f"""
CREATE FUNCTION measures_edition_frozen() RETURNS trigger AS $$
BEGIN
    IF {" OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in FROZEN_COLUMNS)} THEN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql""",
    """CREATE TRIGGER measures_edition_frozen BEFORE UPDATE ON measures_edition
    FOR EACH ROW EXECUTE FUNCTION measures_edition_frozen()""",
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER measures_edition_frozen ON measures_edition",
    "DROP FUNCTION measures_edition_frozen()",
]

SQLITE = [
    f"""
CREATE TRIGGER measures_edition_frozen BEFORE UPDATE ON measures_edition
FOR EACH ROW WHEN {" OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in FROZEN_COLUMNS)}
BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"""
]
SQLITE_REVERSE = ["DROP TRIGGER measures_edition_frozen"]


def create_trigger(apps, schema_editor) -> None:
    _execute(schema_editor, {"postgresql": POSTGRESQL, "sqlite": SQLITE})


def drop_trigger(apps, schema_editor) -> None:
    _execute(schema_editor, {"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE})


def _execute(schema_editor, sql_by_vendor: dict[str, list[str]]) -> None:
    statements = sql_by_vendor.get(schema_editor.connection.vendor)
    if statements is None:
        raise NotImplementedError(f"no edition trigger for {schema_editor.connection.vendor}")
    for sql in statements:
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("measures", "0005_initial_history_records"),
    ]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
