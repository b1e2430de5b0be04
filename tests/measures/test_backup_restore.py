"""The README's backup and restore drill, run against the test database.

pg_dump in custom format, pg_restore into a new database with the edition
triggers in place, then every table compared: rows, their whole content, the
sequences, the history and the published editions' frozen data (from which
their PDF and PowerPoint are rendered: `measures.views._edition_deck`). The
restored database is dropped at the end.
"""

import datetime
import os
import re
import shutil
import subprocess

import psycopg
import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from psycopg import sql

from editions.models import Edition
from measures.models import Measure, Plan

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="backup and restore are PostgreSQL's tools"
)


def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    """Run a PostgreSQL client tool found by `_tool`, without a shell; it must succeed."""
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)  # noqa: S603
    assert result.returncode == 0, f"{' '.join(command)}: {result.stderr}"
    return result


def _tool(name: str) -> str:
    """The client tool, which must be at least as new as the server it reads."""
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is missing: install postgresql-client (make test does)")
    major = int(re.search(r"(\d+)(?:\.\d+)?", _run([path, "--version"]).stdout).group(1))
    server_major = connection.pg_version // 10000
    assert major >= server_major, (
        f"{name} {major} cannot handle PostgreSQL {server_major}: install its client tools"
    )
    return path


def _conninfo(name: str) -> dict:
    settings = connection.settings_dict
    return {
        "dbname": name,
        "host": settings["HOST"] or None,
        "port": settings["PORT"] or None,
        "user": settings["USER"],
        "password": settings["PASSWORD"],
    }


def _client_args(name: str) -> tuple[list[str], dict]:
    """Command-line arguments and environment for pg_dump/pg_restore on `name`."""
    info = _conninfo(name)
    args = ["--dbname", name, "--username", info["user"]]
    if info["host"]:
        args += ["--host", info["host"]]
    if info["port"]:
        args += ["--port", str(info["port"])]
    return args, {**os.environ, "PGPASSWORD": info["password"] or ""}


def _inventory(name: str) -> dict:
    """Per table: its row count and a digest of its whole content; per sequence: its value."""
    with psycopg.connect(**_conninfo(name), autocommit=True) as db:
        db.execute("SET TIME ZONE 'UTC'")  # rows as text must not depend on the session
        tables = [
            row[0]
            for row in db.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        inventory = {}
        for table in tables:
            query = sql.SQL(
                "SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), ''))"
                " FROM {} AS t"
            ).format(sql.Identifier(table))
            inventory[table] = tuple(db.execute(query).fetchone())
        for sequence, value in db.execute(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"
        ):
            inventory[f"sequence {sequence}"] = value
        editions = db.execute(
            "SELECT to_jsonb(e) FROM measures_edition AS e ORDER BY id"
        ).fetchall()
        inventory["editions"] = [row[0] for row in editions]
        triggers = db.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'measures_edition'::regclass"
            " AND NOT tgisinternal AND tgenabled = 'O' ORDER BY 1"
        )
        inventory["edition triggers"] = [row[0] for row in triggers]
    return inventory


@pytest.fixture
def published(transactional_db):
    """The Bielefeld plan with history, a published and a withdrawn edition, committed."""
    call_command("load_bielefeld", stdout=open(os.devnull, "w"))  # noqa: SIM115
    user = User.objects.create_user("petra")
    plan = Plan.objects.get()
    today = datetime.date.today()
    first = Edition.publish(plan, user=user, today=today, date=today, title="Erste", slug="erste")
    measure = Measure.objects.get(slug="voip")
    Measure.objects.apply_change(
        measure.pk, expected_version=measure.version, user=user, reason="Test", status="done"
    )
    Edition.publish(plan, user=user, today=today, date=today, title="Zweite", slug="zweite")
    first.withdraw(user=user, reason="Zahlen falsch")
    yield  # the clean-up after the test removes the editions (tests/database.py)


@pytest.fixture
def restored_name(transactional_db):
    """A new database's name, dropped at the end (and before, if a broken run left it)."""
    name = f"{connection.settings_dict['NAME']}_restored"
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    with psycopg.connect(**_conninfo("postgres"), autocommit=True) as db:
        db.execute(drop)
        db.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name)))
    yield name
    with psycopg.connect(**_conninfo("postgres"), autocommit=True) as db:
        db.execute(drop)


def test_a_dump_restores_into_a_new_database_with_everything(published, restored_name, tmp_path):
    pg_dump, pg_restore = _tool("pg_dump"), _tool("pg_restore")
    source = connection.settings_dict["NAME"]
    dump = tmp_path / "portal.dump"
    args, env = _client_args(source)
    _run([pg_dump, "--format=custom", "--file", str(dump), *args], env=env)

    args, env = _client_args(restored_name)
    restore = [pg_restore, "--exit-on-error", "--single-transaction", "--no-owner", *args]
    _run([*restore, str(dump)], env=env)

    before, after = _inventory(source), _inventory(restored_name)
    assert after == before
    # Not vacuously: the plan, its history and both editions went through.
    assert before["measures_measure"][0] == 20
    assert before["measures_historicalmeasure"][0] > 20
    assert [edition["slug"] for edition in after["editions"]] == ["erste", "zweite"]
    assert after["editions"][0]["withdrawal_reason"] == "Zahlen falsch"
    assert after["editions"][1]["snapshot"]["fields"][0]["measures"]
    assert after["edition triggers"] == [
        "measures_edition_frozen",
        "measures_edition_not_truncated",
    ]

    # And they work in the restored database.
    with psycopg.connect(**_conninfo(restored_name)) as db:
        with pytest.raises(psycopg.errors.CheckViolation, match="cannot change"):
            db.execute("UPDATE measures_edition SET title = 'Anders'")
        db.rollback()
        with pytest.raises(psycopg.errors.RestrictViolation, match="cannot be truncated"):
            db.execute("TRUNCATE measures_edition")
