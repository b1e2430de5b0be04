"""Load a data set once per test process and copy it back into later tests.

`load_bielefeld` takes about half a second and hundreds of tests need its
result. On PostgreSQL the first test of a process runs the real command and
keeps the rows it wrote (COPY ... TO STDOUT, per table); every later test of
that process copies the same rows back inside its own transaction, which is
rolled back as usual (a transactional test, whose rows the live server must
see, commits them and empties the tables afterwards). The rows keep their
ids: sequences never go back, so ids handed out later in a test cannot
collide with them.

Only tables the command filled from empty are kept; if it changed a table
that already had rows (something this scheme cannot replay), or the database
is not PostgreSQL, every test runs the command itself.
"""

import os
from collections.abc import Callable

from django.apps import apps
from django.core.management import call_command
from django.db import connection, transaction


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
        # Foreign keys are DEFERRABLE INITIALLY DEFERRED and checked at the end of
        # the transaction: the order of tables is free. (In a transactional test
        # this is the transaction that commits the rows.)
        with transaction.atomic(), connection.cursor() as cursor:
            for table, data in self.rows.items():
                with cursor.copy(f"COPY {connection.ops.quote_name(table)} FROM STDIN") as copy:
                    copy.write(data)


def _run_load_bielefeld() -> None:
    call_command("load_bielefeld", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115


_bielefeld = Snapshot(_run_load_bielefeld)


def load_bielefeld() -> None:
    """Write what `manage.py load_bielefeld` writes into this test's database.

    Inside the test's transaction, or committed in a transactional test (whose
    clean-up empties the tables again).
    """
    _bielefeld.apply()
