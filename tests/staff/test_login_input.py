"""Fuzzed input to the login and password forms: never a 500, always a German message.

A username of 256+ characters was a 500 at both logins: django-axes stores what
was typed in a 255-character column. Such input is refused by the form, before
authenticate() and axes see it.
"""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.staff.test_security_log import PASSWORD, WRONG
from tests.two_factor import log_in

LOGINS = ["/verwaltung/anmelden/", "/admin/login/"]

TOO_LONG_NAME = "Der Benutzername darf höchstens 150 Zeichen lang sein"
TOO_LONG_PASSWORD = "Das Passwort darf höchstens 4096 Zeichen lang sein."
REQUIRED = "Dieses Feld ist zwingend erforderlich."
NUL = "Nullzeichen sind nicht erlaubt."
CONTROL = "Steuerzeichen"
WRONG_LOGIN = "Bitte Benutzername und Passwort"  # staff and admin wording both start so
TOO_LONG_EMAIL = "Bitte sicherstellen, dass der Wert aus höchstens 254 Zeichen besteht."
BAD_EMAIL = "Bitte gültige E-Mail-Adresse eingeben."

# (form data, the German message expected, whether the attempt reaches axes)
LOGIN_CASES = {
    "name-256": ({"username": "a" * 256, "password": WRONG}, TOO_LONG_NAME, False),
    "name-151": ({"username": "a" * 151, "password": WRONG}, TOO_LONG_NAME, False),
    "name-150": ({"username": "a" * 150, "password": WRONG}, WRONG_LOGIN, True),
    "name-umlauts-10000": ({"username": "ä" * 10000, "password": WRONG}, TOO_LONG_NAME, False),
    # 20 characters that Unicode normalisation (NFKC) turns into 360.
    "name-expands": ({"username": "\ufdfa" * 20, "password": WRONG}, TOO_LONG_NAME, False),
    "name-emoji-200": ({"username": "😀" * 200, "password": WRONG}, TOO_LONG_NAME, False),
    "password-5000": ({"username": "anna", "password": "x" * 5000}, TOO_LONG_PASSWORD, False),
    "password-4096": ({"username": "anna", "password": "x" * 4096}, WRONG_LOGIN, True),
    "both-long": ({"username": "a" * 300, "password": "x" * 5000}, TOO_LONG_NAME, False),
    "empty": ({"username": "", "password": ""}, REQUIRED, False),
    "spaces": ({"username": "   ", "password": WRONG}, REQUIRED, False),
    "missing": ({}, REQUIRED, False),
    "nul-name": ({"username": "an\x00na", "password": WRONG}, NUL, False),
    "nul-password": ({"username": "anna", "password": "x\x00y"}, NUL, False),
    # Refused by the text rule (bielefeld_digital/text.py) before axes sees it.
    "control": ({"username": "anna\x1b[31m\r\n\u202e\x7f", "password": WRONG}, CONTROL, False),
    "unicode": ({"username": "Ünïcødé 名前 😀", "password": "pässwört"}, WRONG_LOGIN, True),
    "arrays": ({"username": ["anna", "bernd"], "password": [WRONG, WRONG]}, WRONG_LOGIN, True),
    # The last of several values counts, as Django's QueryDict reads them.
    "array-long-last": ({"username": ["anna", "a" * 300], "password": WRONG}, TOO_LONG_NAME, False),
    "php-array": ({"username[]": ["a" * 300], "password[]": [WRONG]}, REQUIRED, False),
}


@pytest.fixture
def anna(db):
    return User.objects.create_user(
        "anna", email="anna@schulamt.example", password=PASSWORD, is_staff=True
    )


@pytest.mark.parametrize("url", LOGINS)
@pytest.mark.parametrize("case", LOGIN_CASES)
def test_login_fuzz(client, anna, url, case):
    data, message, reaches_axes = LOGIN_CASES[case]
    response = client.post(url, data)
    assert response.status_code == 200  # the form again, with its message
    html = response.content.decode()
    assert 'lang="de"' in html
    assert message in html
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.exists() is reaches_axes


@pytest.mark.parametrize("url", LOGINS)
def test_the_longest_username_still_logs_in(client, db, url):
    name = "a" * 150
    User.objects.create_user(name, password="x" * 4096, is_staff=True)
    response = client.post(url, {"username": name, "password": "x" * 4096})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_staff_login_links_the_message_to_the_field(client, db):
    html = client.post(LOGINS[0], {"username": "a" * 256, "password": WRONG}).content.decode()
    assert 'id="id_username_error"' in html
    assert 'aria-describedby="id_username_error"' in html
    assert "eingegeben sind 256 Zeichen" in html


# --- Password forms ----------------------------------------------------------

RESET_CASES = {
    "long": ("a" * 290 + "@schulamt.example", TOO_LONG_EMAIL),
    "empty": ("", REQUIRED),
    "nul": ("anna\x00@schulamt.example", NUL),
    "control": ("anna\x1b@schulamt.example", BAD_EMAIL),
    "bidi": ("anna\u202e@schulamt.example", BAD_EMAIL),
    "array": (["anna@schulamt.example", "kein-at-zeichen"], BAD_EMAIL),
}


@pytest.mark.parametrize("case", RESET_CASES)
def test_password_reset_fuzz(client, anna, mailoutbox, case):
    email, message = RESET_CASES[case]
    response = client.post("/verwaltung/passwort/vergessen/", {"email": email})
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not mailoutbox


def _reset_form(client, user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    page = client.get(f"/verwaltung/passwort/neu/{uid}/{token}/")  # token into the session
    assert page.status_code == 302
    return page.url


@pytest.mark.parametrize(
    ("password", "message"),
    [("x" * 5000, TOO_LONG_PASSWORD), ("ein-neues\x00passwort", NUL), ("", REQUIRED)],
)
def test_set_password_fuzz(client, anna, password, message):
    url = _reset_form(client, anna)
    response = client.post(url, {"new_password1": password, "new_password2": password})
    assert response.status_code == 422
    assert message in response.content.decode()
    anna.refresh_from_db()
    assert anna.check_password(PASSWORD)


def test_password_change_refuses_long_passwords(client, anna):
    log_in(client, anna)
    response = client.post(
        "/verwaltung/passwort/",
        {"old_password": "x" * 5000, "new_password1": "y" * 5000, "new_password2": "y" * 5000},
    )
    assert response.status_code == 200
    # Three fields, each message in the error summary and at its field.
    assert response.content.decode().count(TOO_LONG_PASSWORD) == 6
    anna.refresh_from_db()
    assert anna.check_password(PASSWORD)


def test_admin_password_forms_refuse_long_passwords(admin_client, anna):
    own = admin_client.post(
        "/admin/password_change/",
        {"old_password": "x" * 5000, "new_password1": "y" * 5000, "new_password2": "y" * 5000},
    )
    assert own.status_code == 200
    assert own.content.decode().count(TOO_LONG_PASSWORD) == 3

    other = admin_client.post(
        f"/admin/auth/user/{anna.pk}/password/",
        {"password1": "y" * 5000, "password2": "y" * 5000},
    )
    assert other.status_code == 200
    assert TOO_LONG_PASSWORD in other.content.decode()
    anna.refresh_from_db()
    assert anna.check_password(PASSWORD)

    added = admin_client.post(
        "/admin/auth/user/add/",
        {
            "username": "bernd",
            "usable_password": "true",
            "password1": "y" * 5000,
            "password2": "y" * 5000,
        },
    )
    assert added.status_code == 422  # a refused add form (bielefeld_digital.admin)
    assert TOO_LONG_PASSWORD in added.content.decode()
    assert not User.objects.filter(username="bernd").exists()
