from django.db import migrations

from bielefeld_digital import history_records


def forwards(apps, schema_editor) -> None:
    history_records.first_records(apps, schema_editor, "schools", ["SchoolRollout"])


class Migration(migrations.Migration):
    dependencies = [("schools", "0003_long_history_reasons")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
