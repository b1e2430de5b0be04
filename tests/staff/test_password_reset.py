"""Forgotten passwords: a link by mail, no user enumeration, rate limits, the security log."""

import logging
import re

import pytest
from django.contrib.auth.models import User
from django.core import mail

from tests.staff.test_security_log import PASSWORD, _fail_five_times, _login
from tests.two_factor import log_in

RESET = "/verwaltung/passwort/vergessen/"
DONE = "/verwaltung/passwort/vergessen/gesendet/"
COMPLETE = "/verwaltung/passwort/neu/fertig/"
NEW_PASSWORD = "ein-ganz-neues-passwort-7"


@pytest.fixture
def anna(db):
    return User.objects.create_user(
        "anna", email="anna@schulamt.example", password=PASSWORD, is_staff=True
    )


@pytest.fixture
def security_records(caplog):
    caplog.set_level(logging.INFO, logger="portal.security")
    return lambda: [r.getMessage() for r in caplog.records if r.name == "portal.security"]


def _request(client, email, address="10.0.0.1", **extra):
    return client.post(RESET, {"email": email}, REMOTE_ADDR=address, **extra)


def _link(message) -> str:
    [url] = re.findall(r"https?://\S+", message.body)
    return url.removeprefix("http://testserver")


def _set_password(client, link, password1=NEW_PASSWORD, password2=None):
    page = client.get(link)  # moves the token into the session
    assert page.status_code == 302
    return client.post(
        page.url, {"new_password1": password1, "new_password2": password2 or password1}
    )


def test_login_page_links_to_the_reset_and_focuses_nothing(client, db):
    html = client.get("/verwaltung/anmelden/").content.decode()
    assert f'href="{RESET}"' in html
    assert "Passwort vergessen?" in html
    assert "autofocus" not in html  # the heading comes first, not the username field


def test_reset_page_is_german(client, db):
    response = client.get(RESET)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1" in html and "Passwort vergessen</h1>" in html
    assert 'for="id_email">E-Mail-Adresse' in html
    assert 'autocomplete="email"' in html


def test_known_active_user_gets_a_german_mail_with_a_link(client, anna):
    response = _request(client, "Anna@Schulamt.example ")
    assert response.status_code == 302
    assert response.url == DONE
    [message] = mail.outbox
    assert message.to == ["anna@schulamt.example"]
    assert message.subject == "Ihr Passwort für den Schuldigital-Monitor"
    assert "für Ihr Konto „anna“" in message.body
    assert "Der Link gilt 60 Minuten und nur einmal." in message.body
    assert _link(message).startswith("/verwaltung/passwort/neu/")


def test_same_answer_for_unknown_inactive_and_passwordless_accounts(client, anna):
    User.objects.create_user("bernd", email="bernd@schulamt.example", is_active=False)
    carla = User.objects.create_user("carla", email="carla@schulamt.example")
    carla.set_unusable_password()
    carla.save()
    known = _request(client, "anna@schulamt.example")
    others = [
        _request(client, "niemand@schulamt.example"),
        _request(client, "bernd@schulamt.example"),
        _request(client, "carla@schulamt.example"),
    ]
    assert len(mail.outbox) == 1  # only anna's
    for response in others:
        assert (response.status_code, response.url) == (known.status_code, known.url)
    done = client.get(DONE)
    html = done.content.decode()
    assert "Wenn zu der Adresse ein aktives Konto gehört" in html
    assert "Der Link gilt 60 Minuten und nur einmal." in html


def test_invalid_address_is_422_with_a_german_message(client, db):
    response = _request(client, "keine-adresse")
    assert response.status_code == 422
    html = response.content.decode()
    assert "Bitte gültige E-Mail-Adresse eingeben." in html
    assert "<title>Fehler: Passwort vergessen" in html
    assert not mail.outbox


def test_the_link_sets_a_new_password_once(client, anna, security_records):
    _request(client, "anna@schulamt.example")
    link = _link(mail.outbox[0])
    response = _set_password(client, link)
    assert response.status_code == 302
    assert response.url == COMPLETE
    assert "Passwort gespeichert" in client.get(COMPLETE).content.decode()
    anna.refresh_from_db()
    assert anna.check_password(NEW_PASSWORD)
    assert "Passwort zurückgesetzt: anna von 127.0.0.1" in security_records()

    # Used once: the same link now leads nowhere, and cannot set another password.
    again = client.get(link, follow=True)
    assert again.status_code == 400
    assert "Dieser Link ist abgelaufen, schon benutzt oder unvollständig." in again.content.decode()
    anna.refresh_from_db()
    assert anna.check_password(NEW_PASSWORD)


def test_the_link_expires(client, anna, settings):
    _request(client, "anna@schulamt.example")
    link = _link(mail.outbox[0])
    settings.PASSWORD_RESET_TIMEOUT = -1  # the token is older than the timeout
    response = client.get(link, follow=True)
    assert response.status_code == 400
    assert "Link ungültig" in response.content.decode()
    anna.refresh_from_db()
    assert anna.check_password(PASSWORD)


def test_a_mistyped_link_is_400_not_500(client, anna):
    response = client.get("/verwaltung/passwort/neu/xx/kaputt-123/")
    assert response.status_code == 400
    assert "Neuen Link anfordern" in response.content.decode()


def test_password_validators_apply_in_german(client, anna):
    _request(client, "anna@schulamt.example")
    response = _set_password(client, _link(mail.outbox[0]), password1="12345678")
    assert response.status_code == 422
    html = response.content.decode()
    assert "Dieses Passwort ist zu üblich." in html
    assert "Dieses Passwort ist komplett numerisch." in html
    assert "<title>Fehler: Neues Passwort festlegen" in html
    mismatch = client.post(
        response.wsgi_request.path,
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"},
    )
    assert mismatch.status_code == 422
    assert "Die beiden Passwörter sind nicht identisch." in mismatch.content.decode()
    anna.refresh_from_db()
    assert anna.check_password(PASSWORD)


def test_reset_ends_other_sessions(client, anna):
    other = client.__class__()
    log_in(other, anna)
    assert other.get("/verwaltung/").status_code == 200
    _request(client, "anna@schulamt.example")
    _set_password(client, _link(mail.outbox[0]))
    assert other.get("/verwaltung/").status_code == 302  # to the login


def test_reset_lifts_the_lockout_of_failed_logins(client, anna):
    _fail_five_times(client)
    _request(client, "anna@schulamt.example")
    _set_password(client, _link(mail.outbox[0]))
    assert _login(client, "anna", NEW_PASSWORD).status_code == 302


def test_forms_need_csrf(anna):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    assert _request(client, "anna@schulamt.example").status_code == 403
    assert not mail.outbox
    page = client.get(RESET)
    token = page.cookies["csrftoken"].value
    response = client.post(RESET, {"email": "anna@schulamt.example", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    # The page to set the new password is protected likewise.
    link = _link(mail.outbox[0])
    form_url = client.get(link).url
    refused = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert refused.status_code == 403
    anna.refresh_from_db()
    assert anna.check_password(PASSWORD)


def test_requests_are_logged_without_telling_the_client(client, anna, security_records):
    _request(client, "anna@schulamt.example", address="10.0.0.5")
    _request(client, "niemand@schulamt.example", address="10.0.0.5")
    assert security_records() == [
        "Passwort-Zurücksetzen angefordert für anna@schulamt.example von 10.0.0.5: anna",
        "Passwort-Zurücksetzen angefordert für niemand@schulamt.example von 10.0.0.5: "
        "kein aktives Konto",
    ]


def test_too_many_requests_for_one_address_are_429(client, anna, security_records):
    for n in range(3):
        assert _request(client, "anna@schulamt.example", address=f"10.0.1.{n}").status_code == 302
    response = _request(client, " ANNA@schulamt.example", address="10.0.1.9")
    assert response.status_code == 429
    html = response.content.decode()
    assert "Zu viele Anfragen" in html
    assert "Bitte warten Sie eine Stunde" in html
    assert len(mail.outbox) == 3
    assert security_records()[-1] == (
        "Passwort-Zurücksetzen abgelehnt (zu viele Anfragen) für  ANNA@schulamt.example "
        "von 10.0.1.9"
    )
    # Unknown addresses are limited just the same: the 429 tells nothing.
    for _ in range(3):
        _request(client, "niemand@schulamt.example", address="10.0.2.1")
    assert _request(client, "niemand@schulamt.example", address="10.0.2.2").status_code == 429


def test_too_many_requests_from_one_client_are_429(client, anna):
    for n in range(10):
        assert _request(client, f"person{n}@schulamt.example").status_code == 302
    assert _request(client, "anna@schulamt.example").status_code == 429
    assert not mail.outbox
    # Another client is not affected, and the page itself stays readable.
    assert _request(client, "anna@schulamt.example", address="10.0.0.2").status_code == 302
    assert client.get(RESET, REMOTE_ADDR="10.0.0.1").status_code == 200


def test_forged_forwarded_for_does_not_escape_the_client_limit(client, db):
    """Without TRUSTED_PROXY_COUNT, X-Forwarded-For is the client's to forge: ignored."""
    for n in range(10):
        _request(client, f"person{n}@schulamt.example", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    response = _request(client, "x@schulamt.example", HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert response.status_code == 429


def test_behind_a_proxy_each_client_has_its_own_limit(client, db, settings):
    """With TRUSTED_PROXY_COUNT=1 the proxy's address is not everybody's.

    The client is the entry the proxy appended to X-Forwarded-For, as for axes.
    """
    settings.TRUSTED_PROXY_COUNT = 1

    def via_proxy(email, client_address):
        return _request(client, email, address="10.9.9.9", HTTP_X_FORWARDED_FOR=client_address)

    for n in range(10):
        assert via_proxy(f"person{n}@schulamt.example", "203.0.113.7").status_code == 302
    assert via_proxy("x@schulamt.example", "203.0.113.7").status_code == 429
    assert via_proxy("y@schulamt.example", "203.0.113.8").status_code == 302


def test_mail_failure_looks_the_same_to_the_client(client, anna, settings, caplog):
    """Production without EMAIL_HOST: the mail fails when sent, logged, the page is the same."""
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": None},
        }
    }
    caplog.set_level(logging.ERROR)
    response = _request(client, "anna@schulamt.example")
    assert (response.status_code, response.url) == (302, DONE)
    assert any("Failed to send password reset email" in r.getMessage() for r in caplog.records)


def test_wrong_method_is_405(client, db):
    assert client.put(RESET).status_code == 405
    assert client.post(DONE).status_code == 405


def test_reset_pages_and_mail_in_english(client, anna):
    client.post("/i18n/setlang/", {"language": "en"})
    assert "Forgotten your password?" in client.get("/verwaltung/anmelden/").content.decode()
    page = client.get(RESET).content.decode()
    assert "Forgotten password" in page and "Email address" in page
    _request(client, "anna@schulamt.example")
    [message] = mail.outbox
    assert message.subject == "Your password for the School Digitalisation Monitor"
    assert "The link works for 60 minutes and only once." in message.body
    assert "If the address belongs to an active account" in client.get(DONE).content.decode()


def test_locked_out_page_offers_the_reset(client, anna):
    _fail_five_times(client)
    html = _login(client, "anna", PASSWORD).content.decode()
    assert f'href="{RESET}"' in html
    assert "damit ist auch die Sperre aufgehoben" in html
