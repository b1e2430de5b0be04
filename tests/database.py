"""Helpers for tests that commit to the database (transactional tests)."""

from django.db import connection, transaction


def remove_editions_as_owner() -> None:
    """Delete every edition as only the tables' owner can: past the trigger refusing it.

    A transactional test ends with a TRUNCATE of every table, which the trigger
    refuses while an edition exists (measures migration 0016). The test role
    owns the tables, as the role running migrations does; the app role could not.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("ALTER TABLE measures_edition DISABLE TRIGGER measures_edition_frozen")
        cursor.execute("DELETE FROM measures_edition")
        cursor.execute("ALTER TABLE measures_edition ENABLE TRIGGER measures_edition_frozen")
