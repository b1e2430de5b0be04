"""Give rows that predate their history a first history record.

A timeline pairs each change with the record before it; a measure saved
before django-simple-history was added would otherwise lose its first change.
"""

from django.db import migrations

from bielefeld_digital import migration_helpers


def forwards(apps, schema_editor) -> None:
    migration_helpers.first_records(apps, schema_editor, "measures", ["Plan", "FieldOfAction", "Measure"])


class Migration(migrations.Migration):
    dependencies = [("measures", "0004_long_history_reasons")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
