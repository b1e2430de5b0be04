"""Staff sessions end when the browser closes and a working day (10 hours) after the login."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.db.models import F
from django.utils import timezone

from tests.measures.test_client_address import _settings_error
from tests.staff.test_security_log import PASSWORD

LOGIN = "/verwaltung/anmelden/"
DASHBOARD = "/verwaltung/"


@pytest.fixture
def logged_in(client, db):
    User.objects.create_user("anna", password=PASSWORD)  # no admin access: no second factor
    response = client.post(LOGIN, {"username": "anna", "password": PASSWORD})
    assert response.status_code == 302
    return client, response


def test_the_session_cookie_ends_with_the_browser(logged_in):
    _, response = logged_in
    cookie = response.cookies["sessionid"]
    assert cookie["max-age"] == ""
    assert cookie["expires"] == ""
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_the_session_ends_a_working_day_after_the_login(logged_in):
    client, _ = logged_in
    [session] = Session.objects.all()
    expected = timezone.now() + datetime.timedelta(hours=10)
    assert expected - datetime.timedelta(minutes=1) < session.expire_date <= expected

    # Working in the staff area does not move the end.
    for _ in range(3):
        assert client.get(DASHBOARD).status_code == 200
    assert Session.objects.get().expire_date == session.expire_date

    # Nine hours and 59 minutes after the login: still logged in.
    Session.objects.update(expire_date=F("expire_date") - datetime.timedelta(hours=9, minutes=59))
    assert client.get(DASHBOARD).status_code == 200

    # Two minutes later (10 hours and a minute after it): logged out, to the login page.
    Session.objects.update(expire_date=F("expire_date") - datetime.timedelta(minutes=2))
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response.url.startswith(f"{LOGIN}?next=")
    assert "_auth_user_id" not in client.session


def test_the_working_day_is_a_setting():
    assert "between 1 and 24, not 0" in _settings_error(SESSION_HOURS="0")
    assert "must be a whole number" in _settings_error(SESSION_HOURS="zehn")
    assert _settings_error(SESSION_HOURS="8") == ""
