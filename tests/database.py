"""Helpers for tests that commit to the database (transactional tests)."""

from django.db import connection, transaction

# Rows that migrations (post_migrate) write and every test expects as they are.
MIGRATION_ROWS = ("django_content_type", "auth_permission")


def migration_rows_fingerprint() -> str | None:
    """A digest of the content types and permissions (None off PostgreSQL)."""
    if connection.vendor != "postgresql":
        return None
    parts = " || ".join(
        f"(SELECT coalesce(md5(string_agg(t::text, ',' ORDER BY t.id)), '') FROM {table} t)"  # noqa: S608
        for table in MIGRATION_ROWS
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {parts}")  # noqa: S608 - fixed table names above
        return cursor.fetchone()[0]


def empty_written_tables(fingerprint: str | None) -> bool:
    """Empty the tables a transactional test wrote to, as Django's flush would; cheaply.

    Django's flush after a transactional test truncates every table (about a
    second on PostgreSQL) and then writes the content types and permissions
    again. Here only the tables that have rows are emptied, with DELETE, and the
    content types and permissions stay as migrations wrote them. That is only
    right if the test left those alone: `fingerprint` is their digest from
    before the test; if it differs, the other tables are emptied all the same
    (the flush could not truncate an edition) and False is returned, so the
    caller flushes as Django does. Off PostgreSQL nothing is done.
    """
    if fingerprint is None:
        return False
    _delete_written_rows()
    return migration_rows_fingerprint() == fingerprint


def _delete_written_rows() -> None:
    tables = [
        table
        for table in connection.introspection.django_table_names(
            only_existing=True, include_views=False
        )
        if table not in MIGRATION_ROWS
    ]
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            " UNION ALL ".join(
                f"SELECT %s WHERE EXISTS (SELECT 1 FROM {quote(table)})"  # noqa: S608
                for table in tables
            ),
            tables,
        )
        written = [row[0] for row in cursor.fetchall()]
        if not written:
            return
        # Triggers of our own (an edition refuses DELETE) do not apply to the
        # owner's clean-up; foreign keys are checked at the end, as always.
        cursor.execute(
            "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal AND c.relname = ANY(%s)",
            [written],
        )
        triggered = [row[0] for row in cursor.fetchall()]
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for table in triggered:
            cursor.execute(f"ALTER TABLE {quote(table)} DISABLE TRIGGER USER")
        for table in written:
            cursor.execute(f"DELETE FROM {quote(table)}")  # noqa: S608
        for table in triggered:
            cursor.execute(f"ALTER TABLE {quote(table)} ENABLE TRIGGER USER")
