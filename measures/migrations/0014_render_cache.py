"""The table of the "renders" cache (settings.CACHES): rendered report files.

`createcachetable` would make it too, but every deployment runs `migrate`, not
that. It creates the tables of all database caches that do not exist yet and
nothing else, so it is safe to run again; with "renders" configured elsewhere
(Redis) it does nothing.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor) -> None:
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def drop_cache_table(apps, schema_editor) -> None:
    schema_editor.execute("DROP TABLE IF EXISTS render_cache")


class Migration(migrations.Migration):
    dependencies = [
        ("measures", "0013_text_validators"),
    ]

    operations = [
        migrations.RunPython(create_cache_table, drop_cache_table),
    ]
