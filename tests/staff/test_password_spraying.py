"""Password spraying: failures from one address across usernames lock the address.

axes locks a username+address pair after 5 failures; one wrong password for each
of 40 usernames locked nothing. AXES_ADDRESS_FAILURE_LIMIT (30) failures within the
cool-off from one address, with any usernames, now lock that address
(bielefeld_digital.lockouts), high enough for a school office behind one address.
"""

import datetime
import logging

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.utils import timezone

from tests.staff.test_security_log import PASSWORD, WRONG, _is_logged_in, _login

ADDRESS_LOCK_TEXT = "zu viele fehlgeschlagene Anmeldeversuche mit verschiedenen Benutzernamen"


@pytest.fixture
def anna(db):
    return User.objects.create_user("anna", password=PASSWORD, is_staff=True)


def _spray(client, count, address="10.0.0.1") -> list[int]:
    return [_login(client, f"person{n}", WRONG, address=address).status_code for n in range(count)]


def test_thirty_usernames_from_one_address_lock_it(client, anna, caplog):
    caplog.set_level(logging.INFO, logger="portal.security")
    assert _spray(client, 31) == [200] * 29 + [429] * 2

    # Anna, with her right password, from that address: the same locked-out page.
    response = _login(client, "anna", PASSWORD)
    assert response.status_code == 429
    html = response.content.decode()
    assert "Anmeldung vorübergehend gesperrt" in html
    assert ADDRESS_LOCK_TEXT in html
    assert "für 15 Minuten gesperrt, mit jedem Benutzernamen" in html
    assert "damit ist auch die Sperre aufgehoben" not in html  # a new password would not
    assert not _is_logged_in(client)

    messages = [r.getMessage() for r in caplog.records if r.name == "portal.security"]
    assert (
        "Anmeldung von 10.0.0.1 gesperrt nach zu vielen Fehlversuchen mit verschiedenen "
        "Benutzernamen (zuletzt: person29)"
    ) in messages
    assert (
        "Anmeldung von 10.0.0.1 gesperrt nach zu vielen Fehlversuchen mit verschiedenen "
        "Benutzernamen (zuletzt: anna)"
    ) in messages

    # Every other address is unaffected.
    assert _login(client, "anna", PASSWORD, address="10.0.0.2").status_code == 302


def test_a_school_office_making_typos_is_not_locked(client, db):
    """Six colleagues behind one address, four typos each before they get it right."""
    names = [f"kollegin{n}" for n in range(6)]
    for name in names:
        User.objects.create_user(name, password=PASSWORD)
    for name in names:
        for _ in range(4):
            assert _login(client, name, WRONG).status_code == 200
    for name in names:
        assert _login(client, name, PASSWORD).status_code == 302
        client.logout()


# The tests below lower the limit: each failed login costs some ten queries.


def test_a_success_does_not_wipe_the_addresses_other_failures(client, anna, settings):
    """A sprayer who knows one password cannot reset the count with it."""
    settings.AXES_ADDRESS_FAILURE_LIMIT = 6
    assert _spray(client, 5) == [200] * 5
    assert _login(client, "anna", PASSWORD).status_code == 302
    client.logout()
    assert _login(client, "person99", WRONG).status_code == 429


def test_the_lock_ends_after_the_cool_off(client, anna, settings):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 6
    _spray(client, 6)
    assert _login(client, "anna", PASSWORD).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - datetime.timedelta(minutes=15, seconds=1)
    )
    assert _login(client, "anna", PASSWORD).status_code == 302


def test_the_pair_lock_keeps_its_own_page(client, anna):
    """Five failures for one username: the pair lock, whose page offers a new password."""
    for _ in range(5):
        _login(client, "anna", WRONG)
    html = _login(client, "anna", PASSWORD).content.decode()
    assert "mit diesem Benutzernamen von Ihrem Anschluss aus" in html
    assert ADDRESS_LOCK_TEXT not in html


def test_the_limit_is_a_setting(client, anna, settings):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 8
    assert _spray(client, 9) == [200] * 7 + [429] * 2


def test_zero_switches_the_address_lock_off(client, anna, settings):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 0
    assert _spray(client, 31) == [200] * 31
