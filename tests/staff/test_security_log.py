"""Security log ("portal.security") and the lockout after failed logins (django-axes)."""

import logging
import re

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group, User

from tests.factories import make_measure
from tests.two_factor import log_in

LOGIN = "/verwaltung/anmelden/"
LOGOUT = "/verwaltung/abmelden/"
PASSWORD = "richtig-geheim-42"
WRONG = "falsch-geheim-17"


# Staff of /verwaltung/ without admin access: their login is the password alone
# (administrators' second factor: tests/accounts/).
@pytest.fixture
def anna(db):
    return User.objects.create_user("anna", password=PASSWORD)


@pytest.fixture
def bernd(db):
    return User.objects.create_user("bernd", password=PASSWORD)


@pytest.fixture
def security_records(caplog):
    """All records of the whole run (any logger, any level), and those of portal.security."""
    caplog.set_level(logging.DEBUG)
    return lambda: [r for r in caplog.records if r.name == "portal.security"]


def _login(client, username, password, address="10.0.0.1", **extra):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


def _is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- Security log ------------------------------------------------------------


def test_login_is_logged_with_username_and_address(client, anna, security_records):
    response = _login(client, "anna", PASSWORD, address="10.0.0.5")
    assert response.status_code == 302
    [record] = security_records()
    assert record.levelno == logging.INFO
    message = record.getMessage()
    assert "Anmeldung" in message
    assert "anna" in message
    assert "10.0.0.5" in message


def test_logout_is_logged(client, anna, security_records):
    _login(client, "anna", PASSWORD, address="10.0.0.5")
    response = client.post(LOGOUT, REMOTE_ADDR="10.0.0.5")
    assert response.status_code == 302
    assert not _is_logged_in(client)
    messages = [r.getMessage() for r in security_records()]
    assert messages[-1] == "Abmeldung: anna von 10.0.0.5"


def test_logout_without_login_is_logged_too(client, db, security_records):
    client.post(LOGOUT, REMOTE_ADDR="10.0.0.5")
    assert [r.getMessage() for r in security_records()] == [
        "Abmeldung: (nicht angemeldet) von 10.0.0.5"
    ]


def test_failed_login_is_logged_without_the_password(client, anna, caplog, security_records):
    response = _login(client, "anna", WRONG, address="10.0.0.5")
    assert response.status_code == 200  # the form again, with its error
    assert not _is_logged_in(client)
    [record] = security_records()
    assert record.levelno == logging.WARNING
    assert record.getMessage() == "Fehlgeschlagene Anmeldung: anna von 10.0.0.5"
    # Neither our log nor any other (axes, django) contains the password typed.
    assert WRONG not in caplog.text
    for record in caplog.records:
        assert WRONG not in record.getMessage()
        assert WRONG not in repr(record.args)


def test_failed_login_for_unknown_user_is_logged(client, db, security_records):
    _login(client, "niemand", WRONG)
    assert [r.getMessage() for r in security_records()] == [
        "Fehlgeschlagene Anmeldung: niemand von 10.0.0.1"
    ]


def test_typed_username_cannot_forge_log_lines(client, db, security_records, rf):
    # The login form refuses the line break before anything is looked up or logged ...
    response = _login(client, "anna\nAnmeldung: admin von 10.0.0.9", WRONG)
    assert "Zeilenumbruch ist in diesem Feld nicht erlaubt" in response.content.decode()
    assert security_records() == []
    # ... and a name that reaches authentication another way is logged escaped.
    request = rf.post(LOGIN, REMOTE_ADDR="10.0.0.1")
    authenticate(request, username="anna\nAnmeldung: admin von 10.0.0.9", password=WRONG)
    [record] = security_records()
    message = record.getMessage()
    assert "\n" not in message
    assert "anna\\nAnmeldung: admin" in message


def test_refused_measure_is_403_and_logged(client, db, security_records):
    """A staff user whose groups are not responsible for the measure may not edit it."""
    measure = make_measure(slug="fremde-massnahme")
    measure.responsible_groups.add(Group.objects.create(name="Medienzentrum"))
    carl = User.objects.create_user("carl", password=PASSWORD, is_staff=True)
    carl.groups.add(Group.objects.create(name="Schulverwaltung"))
    log_in(client, carl)

    for response in [
        client.get("/verwaltung/massnahmen/fremde-massnahme/"),
        client.post("/verwaltung/massnahmen/fremde-massnahme/", {"reason": "x", "version": 1}),
        client.get("/verwaltung/massnahmen/fremde-massnahme/schulen/"),
    ]:
        assert response.status_code == 403
        assert "Keine Berechtigung" in response.content.decode()

    refused = [r for r in security_records() if r.levelno == logging.WARNING]
    assert len(refused) == 3
    assert all("Zugriff verweigert" in r.getMessage() for r in refused)
    assert all("carl" in r.getMessage() for r in refused)
    assert "fremde-massnahme" in refused[0].getMessage()
    assert "POST" in refused[1].getMessage()
    measure.refresh_from_db()
    assert measure.version == 1


# --- Lockout (django-axes) ---------------------------------------------------


def _fail_five_times(client, username="anna", address="10.0.0.1", **extra):
    statuses = [
        _login(client, username, WRONG, address=address, **extra).status_code for _ in range(5)
    ]
    # Four times the form again; the fifth failure already locks.
    assert statuses == [200, 200, 200, 200, 429]


def _assert_locked_out_page(response):
    assert response.status_code == 429
    html = response.content.decode()
    assert re.search(r'<html[^>]* lang="de"', html)
    assert "Anmeldung vorübergehend gesperrt" in html
    assert "Nach mehreren fehlgeschlagenen Versuchen" in html
    assert "wenden Sie sich an die Administration" in html


def test_five_failures_lock_the_username_from_that_address(client, anna, security_records):
    _fail_five_times(client)
    response = _login(client, "anna", PASSWORD)
    _assert_locked_out_page(response)
    assert not _is_logged_in(client)
    messages = [r.getMessage() for r in security_records()]
    assert messages.count("Fehlgeschlagene Anmeldung: anna von 10.0.0.1") == 6
    assert "Anmeldung gesperrt nach zu vielen Fehlversuchen: anna von 10.0.0.1" in messages


def test_locked_out_page_says_how_long_in_german(client, anna):
    _fail_five_times(client)
    html = _login(client, "anna", PASSWORD).content.decode()
    assert "für 15 Minuten gesperrt" in html
    assert "PT15M" not in html  # axes' ISO 8601 duration is not for people


def test_lock_is_per_username_and_address(client, anna, bernd):
    """A whole school office behind one address is not locked out by one person."""
    _fail_five_times(client)

    assert _login(client, "bernd", PASSWORD, address="10.0.0.1").status_code == 302
    assert _is_logged_in(client)
    client.logout()

    assert _login(client, "anna", PASSWORD, address="10.0.0.2").status_code == 302
    assert _is_logged_in(client)
    client.logout()

    # Anna's success elsewhere does not lift the lock on 10.0.0.1.
    _assert_locked_out_page(_login(client, "anna", PASSWORD, address="10.0.0.1"))


def test_forwarded_for_header_does_not_escape_the_lock(client, anna):
    """Without TRUSTED_PROXY_COUNT, X-Forwarded-For is the client's to forge: it is ignored."""
    _fail_five_times(client)
    for n in range(1, 6):
        response = _login(client, "anna", PASSWORD, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
        _assert_locked_out_page(response)
    assert not _is_logged_in(client)


def test_rotating_forwarded_for_still_counts_towards_the_lock(client, anna):
    for n in range(1, 5):
        response = _login(client, "anna", WRONG, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
        assert response.status_code == 200
    response = _login(client, "anna", WRONG, HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert response.status_code == 429
    _assert_locked_out_page(_login(client, "anna", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.100"))


def test_success_before_the_limit_resets_the_count(client, anna):
    for _ in range(4):
        assert _login(client, "anna", WRONG).status_code == 200
    assert _login(client, "anna", PASSWORD).status_code == 302
    client.logout()
    # Counting starts again: four more failures do not lock.
    for _ in range(4):
        assert _login(client, "anna", WRONG).status_code == 200
    assert _login(client, "anna", PASSWORD).status_code == 302


def test_admin_refusal_is_logged_by_django(client, db, caplog):
    """Admin pages a staff user has no permission for are 403, logged on "django.request"."""
    caplog.set_level(logging.WARNING)
    log_in(client, User.objects.create_user("dora", is_staff=True))
    response = client.get("/admin/measures/measure/")
    assert response.status_code == 403
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == "Forbidden (Permission denied): /admin/measures/measure/"
