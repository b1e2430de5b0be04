"""Load a data set once per test process and copy it back into later tests.

`load_bielefeld` takes about half a second and hundreds of tests need its
result. On PostgreSQL the first test of a process runs the real command and
keeps the rows it wrote (COPY ... TO STDOUT, per table); every later test of
that process copies the same rows back inside its own transaction, which is
rolled back as usual. The rows keep their ids: sequences never go back, so
ids handed out later in a test cannot collide with them.

Only tables the command filled from empty are kept; if it changed a table
that already had rows (something this scheme cannot replay), or the database
is not PostgreSQL, every test runs the command itself.
"""

from collections.abc import Callable

from django.apps import apps
from django.db import connection


def _tables() -> list[str]:
    models = apps.get_models(include_auto_created=True)
    names = {model._meta.db_table for model in models if model._meta.managed}
    existing = set(connection.introspection.table_names())
    return sorted(names & existing)


def _counts(tables: list[str]) -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
        return counts


class Snapshot:
    """The rows one loader wrote, replayable into an otherwise untouched database."""

    def __init__(self, load: Callable[[], None]) -> None:
        self.load = load
        self.rows: dict[str, bytes] | None = None
        self.replayable = connection.vendor == "postgresql"

    def apply(self) -> None:
        if self.rows is not None:
            self._copy_in()
            return
        if not self.replayable:
            self.load()
            return
        tables = _tables()
        before = _counts(tables)
        self.load()
        after = _counts(tables)
        changed = [table for table in tables if after[table] != before[table]]
        if any(before[table] for table in changed):
            self.replayable = False  # it changed existing rows: replay could not repeat that
            return
        self.rows = self._copy_out(changed)

    def _copy_out(self, tables: list[str]) -> dict[str, bytes]:
        rows = {}
        with connection.cursor() as cursor:
            for table in tables:
                with cursor.copy(f"COPY {connection.ops.quote_name(table)} TO STDOUT") as copy:
                    rows[table] = b"".join(bytes(block) for block in copy)
        return rows

    def _copy_in(self) -> None:
        with connection.cursor() as cursor:
            # Foreign keys are DEFERRABLE INITIALLY DEFERRED: the order of tables is free.
            for table, data in self.rows.items():
                with cursor.copy(f"COPY {connection.ops.quote_name(table)} FROM STDIN") as copy:
                    copy.write(data)
