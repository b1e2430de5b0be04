"""A database outage: 503 with Retry-After and a static page, one log line per
few seconds instead of a traceback per request, and recovery without restart."""

import logging
import socket
import urllib.error
import urllib.request

import psycopg
import pytest
from django.db import OperationalError, ProgrammingError, connection

from bielefeld_digital import errors
from tests.factories import make_measure


@pytest.fixture
def request_log(caplog):
    """The records of django.request (every thread: the live server's too)."""
    caplog.set_level(logging.INFO)
    errors.outage.reset()
    yield lambda: [r for r in caplog.records if r.name == "django.request"]
    errors.outage.reset()


def _get(url: str):
    """(status, headers, body) of a GET; errors are answers too."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


@pytest.fixture
def database_switch(transactional_db, live_server):
    """Takes the live server's database away and gives it back.

    Away: new connections go to a port where nothing listens (a socket bound
    but not listening refuses at once), and the server ends the connections it
    has (pg_terminate_backend), as a restart or failover would. The test's own
    connection stays: it only has to clean up afterwards.
    """
    settings_dict = connection.settings_dict  # shared by every thread's connections
    real_port = settings_dict["PORT"]
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))

    class Switch:
        def away(self) -> None:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            settings_dict["PORT"] = str(blocker.getsockname()[1])

        def back(self) -> None:
            settings_dict["PORT"] = real_port

    try:
        yield Switch()
    finally:
        settings_dict["PORT"] = real_port
        blocker.close()
        errors.outage.reset()  # no "wieder erreichbar" line in a later test


def test_outage_answers_503_logs_one_line_and_recovers(live_server, database_switch, request_log):
    make_measure()  # the public plan, committed (transactional_db): the server sees it
    page = f"{live_server.url}/"
    assert _get(page)[0] == 200

    database_switch.away()
    answers = [_get(page) for _ in range(4)] + [_get(f"{live_server.url}/berichte/")]
    for status, headers, body in answers:
        assert status == 503
        assert headers["Retry-After"] == str(errors.RETRY_AFTER)
        assert headers["Cache-Control"] == "no-store"
        assert "Vorübergehend nicht erreichbar" in body
        assert "Traceback" not in body
        assert "Content-Security-Policy" in headers  # the middleware still runs
    status, headers, body = _get(f"{live_server.url}/healthz/")
    assert (status, headers["Retry-After"]) == (503, str(errors.RETRY_AFTER))
    assert '"database": "unavailable"' in body

    # Six refused requests, one line: the rest is counted until the next one.
    [line] = request_log()
    assert line.levelno == logging.ERROR
    assert line.exc_info is None
    assert line.getMessage().startswith("Datenbank nicht erreichbar (")
    assert line.getMessage().endswith("): 1 Anfrage(n) mit 503 beantwortet")

    database_switch.back()
    assert _get(page)[0] == 200
    assert _get(f"{live_server.url}/healthz/")[0] == 200
    messages = [r.getMessage() for r in request_log()]
    assert len(messages) == 2
    assert messages[1].startswith("Datenbank wieder erreichbar nach ")
    assert messages[1].endswith(": 6 Anfrage(n) mit 503 beantwortet (5 seit der letzten Meldung)")


def _unreachable() -> OperationalError:
    error = OperationalError("connection failed: Connection refused")
    error.__cause__ = psycopg.OperationalError("connection failed: Connection refused")
    return error


def _record(exc: BaseException | None, status: int = 503) -> logging.LogRecord:
    exc_info = (type(exc), exc, None) if exc else None
    record = logging.LogRecord(
        "django.request", logging.ERROR, __file__, 1, "%s: %s", ("x", "/"), exc_info
    )
    record.status_code = status
    return record


def test_one_line_per_interval_with_the_count(monkeypatch, request_log):
    now = [1000.0]
    monkeypatch.setattr(errors.time, "monotonic", lambda: now[0])
    log_filter = errors.DatabaseOutageFilter()
    passed = []
    for second in range(25):  # one refused request a second for 25 s
        now[0] = 1000.0 + second
        record = _record(_unreachable())
        if log_filter.filter(record):
            passed.append(record)
    assert [r.getMessage().rsplit(": ", 1)[1] for r in passed] == [
        "1 Anfrage(n) mit 503 beantwortet",
        "10 Anfrage(n) mit 503 beantwortet",
        "10 Anfrage(n) mit 503 beantwortet",
    ]
    assert all(r.exc_info is None for r in passed)


def test_a_failed_query_is_no_outage():
    """A broken statement (here: a missing table) stays a 500 with its traceback."""
    error = ProgrammingError("relation does not exist")
    error.__cause__ = psycopg.errors.UndefinedTable("relation does not exist")
    timeout = OperationalError("canceling statement due to statement timeout")
    timeout.__cause__ = psycopg.errors.QueryCanceled("canceling statement")
    shutdown = OperationalError("terminating connection due to administrator command")
    shutdown.__cause__ = psycopg.errors.AdminShutdown("terminating connection")
    assert not errors.database_unreachable(error)
    assert not errors.database_unreachable(timeout)
    assert errors.database_unreachable(shutdown)
    full = OperationalError("sorry, too many clients already")
    full.__cause__ = psycopg.errors.TooManyConnections("sorry, too many clients already")
    assert errors.database_unreachable(full)
    assert errors.database_unreachable(_unreachable())
    record = _record(timeout, status=500)
    assert errors.DatabaseOutageFilter().filter(record)
    assert record.exc_info is not None


def test_the_page_is_static_and_translated(django_assert_num_queries, db):
    from django.utils import translation

    with django_assert_num_queries(0):
        german = errors.unavailable_response()
        with translation.override("en"):
            english = errors.unavailable_response()
    assert german.status_code == 503
    assert '<html lang="de">' in german.content.decode()
    assert '<h1 class="kern-heading-large">Vorübergehend nicht erreichbar</h1>' in (
        german.content.decode()
    )
    assert '<html lang="en">' in english.content.decode()
    assert "Temporarily unavailable" in english.content.decode()
