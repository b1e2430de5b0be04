from django.db import migrations

from bielefeld_digital import migration_helpers


def forwards(apps, schema_editor) -> None:
    migration_helpers.first_records(apps, schema_editor, "schools", ["SchoolRollout"])


class Migration(migrations.Migration):
    dependencies = [("schools", "0003_long_history_reasons")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
