from django.db import migrations

from measures.migrations import _history


def forwards(apps, schema_editor) -> None:
    _history.first_records(apps, schema_editor, "schools", ["SchoolRollout"])


class Migration(migrations.Migration):
    dependencies = [("schools", "0003_long_history_reasons")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
