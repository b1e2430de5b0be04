"""A 403 is one log line, not a traceback (the refusal's reason, where the code
knows it, is in the security log)."""

import logging

import pytest
from django.test import Client

from tests.factories import make_plan, make_user
from tests.two_factor import client_for


@pytest.fixture
def clerk(db) -> Client:
    """Staff with admin access and no permission at all."""
    return client_for(make_user("klara", is_staff=True))


def _console_output(records: list[logging.LogRecord]) -> str:
    """What the console handler writes for these records."""
    formatter = logging.Formatter()
    return "".join(formatter.format(record) + "\n" for record in records)


def test_a_403_logs_one_line_without_traceback(clerk, caplog):
    caplog.set_level(logging.DEBUG)
    response = clerk.get("/admin/measures/plan/add/")
    assert response.status_code == 403
    [record] = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert record.name == "django.request"
    assert record.exc_info is None
    assert _console_output([record]) == "Forbidden (Permission denied): /admin/measures/plan/add/\n"


def test_a_logged_refusal_adds_its_reason_and_no_traceback(clerk, caplog):
    make_plan()
    caplog.set_level(logging.DEBUG)
    response = clerk.get("/verwaltung/berichte/neu/")
    assert response.status_code == 403
    records = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.name for r in records] == ["portal.security", "django.request"]
    assert _console_output(records) == (
        "Zugriff verweigert: klara wollte einen Bericht veröffentlichen "
        "(GET /verwaltung/berichte/neu/)\n"
        "Forbidden (Permission denied): /verwaltung/berichte/neu/\n"
    )
