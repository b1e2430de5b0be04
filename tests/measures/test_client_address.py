"""The client address behind TRUSTED_PROXY_COUNT proxies: axes, rate limits, security log.

Each trusted proxy appends the address it was connected from to X-Forwarded-For;
the client is the entry the outermost trusted proxy wrote, anything left of it is
forged.
"""

import logging
import os
import subprocess
import sys

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.core.checks import run_checks
from django.test import RequestFactory

from bielefeld_digital.proxies import client_ip

LOGIN = "/verwaltung/anmelden/"
PASSWORD = "richtig-geheim-42"
WRONG = "falsch-geheim-17"
PROXY = "10.9.9.9"  # the proxy nearest to the portal: REMOTE_ADDR


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        # No proxy (unset or 0): the header is the client's to forge and ignored.
        (None, "10.0.0.1", None, "10.0.0.1"),
        (None, "10.0.0.1", "192.0.2.7", "10.0.0.1"),
        (0, "10.0.0.1", "192.0.2.7, 198.51.100.1", "10.0.0.1"),
        # One proxy: the entry it appended, also when it is the only one.
        (1, PROXY, "203.0.113.7", "203.0.113.7"),
        (1, PROXY, " 203.0.113.7 ", "203.0.113.7"),
        (1, PROXY, "192.0.2.66, 203.0.113.7", "203.0.113.7"),  # forged prefix
        (1, PROXY, "evil, 203.0.113.7", "203.0.113.7"),
        (1, PROXY, ", 203.0.113.7", "203.0.113.7"),  # an empty header, appended to
        (1, PROXY, "2001:DB8::1", "2001:db8::1"),
        # Two proxies: the outer one wrote the client, the inner one the outer proxy.
        (2, PROXY, "203.0.113.7, 10.9.9.8", "203.0.113.7"),
        (2, PROXY, "192.0.2.66, 203.0.113.7, 10.9.9.8", "203.0.113.7"),
        # Header missing, too short or broken: only the connection is known.
        (1, PROXY, None, PROXY),
        (1, PROXY, "", PROXY),
        (1, PROXY, "nicht-eine-adresse", PROXY),
        (1, PROXY, "203.0.113.7:4711", PROXY),
        (2, PROXY, "10.9.9.8", PROXY),
        (1, "kaputt", "203.0.113.7", "203.0.113.7"),
        (0, "kaputt", None, None),
    ],
)
def test_client_ip(settings, proxies, remote, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    assert client_ip(RequestFactory().get("/", **headers)) == expected


@pytest.fixture
def anna(db):
    return User.objects.create_user("anna", password=PASSWORD, is_staff=True)


def _via_proxy(client, client_address, password=WRONG, username="anna"):
    return client.post(
        LOGIN,
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=client_address,
    )


def test_behind_one_proxy_a_lock_is_the_clients_not_everybodys(client, anna, settings, caplog):
    """The proxy's own address would let anyone lock any staff account."""
    settings.TRUSTED_PROXY_COUNT = 1
    caplog.set_level(logging.INFO, logger="portal.security")
    statuses = [_via_proxy(client, "203.0.113.7").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    assert _via_proxy(client, "203.0.113.7", PASSWORD).status_code == 429

    [attempt] = AccessAttempt.objects.all()
    assert attempt.ip_address == "203.0.113.7"
    messages = [r.getMessage() for r in caplog.records if r.name == "portal.security"]
    assert "Fehlgeschlagene Anmeldung: anna von 203.0.113.7" in messages
    assert "Anmeldung gesperrt nach zu vielen Fehlversuchen: anna von 203.0.113.7" in messages

    # Anna at another address, through the same proxy, still gets in.
    assert _via_proxy(client, "198.51.100.4", PASSWORD).status_code == 302
    assert "Anmeldung: anna von 198.51.100.4" in [
        r.getMessage() for r in caplog.records if r.name == "portal.security"
    ]


def test_behind_one_proxy_a_forged_prefix_does_not_escape_the_lock(client, anna, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(5):
        _via_proxy(client, f"192.0.2.{n}, 203.0.113.7")
    response = _via_proxy(client, "192.0.2.99, 203.0.113.7", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_deploy_check_warns_until_the_proxies_are_set(settings):
    settings.TRUSTED_PROXY_COUNT = None
    warnings = [
        m
        for m in run_checks(include_deployment_checks=True)
        if m.id.startswith("bielefeld_digital")
    ]
    assert [w.id for w in warnings] == ["bielefeld_digital.W001"]
    assert "TRUSTED_PROXY_COUNT ist nicht gesetzt" in warnings[0].msg
    assert "TRUSTED_PROXY_COUNT=1" in warnings[0].hint

    for proxies in (0, 1):
        settings.TRUSTED_PROXY_COUNT = proxies
        assert not [
            m
            for m in run_checks(include_deployment_checks=True)
            if m.id.startswith("bielefeld_digital")
        ]


def _settings_error(**env) -> str:
    """What loading the settings with this environment says (one interpreter, ~0.2 s)."""
    environment = {**os.environ, "DJANGO_DEBUG": "1", **env}
    result = subprocess.run(
        [sys.executable, "-c", "import bielefeld_digital.settings"],
        env=environment,
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stderr


def test_settings_refuse_the_old_name_and_nonsense():
    # The old name meant ipware's count (which missed a lone X-Forwarded-For
    # value): refused, not silently ignored, so behind a proxy nobody loses it.
    assert "AXES_PROXY_COUNT is now TRUSTED_PROXY_COUNT" in _settings_error(AXES_PROXY_COUNT="1")
    assert "between 0 and 10, not -1" in _settings_error(TRUSTED_PROXY_COUNT="-1")
    assert "must be a whole number" in _settings_error(TRUSTED_PROXY_COUNT="eins")
    assert _settings_error(TRUSTED_PROXY_COUNT="1") == ""
