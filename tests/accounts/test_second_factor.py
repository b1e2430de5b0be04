"""The second factor (issue 10): administrators must, staff may; per role and per step."""

import datetime
import logging
import re

import pytest
from django.contrib.auth.models import Permission, User
from django.core.management import CommandError, call_command
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.two_factor import CODE_URL, add_app_device, totp_code, verified_login

PASSWORD = "ein-langes-Passwort-7"
LOGIN_URL = "/verwaltung/anmelden/"
SETUP_URL = "/verwaltung/konto/zwei-faktor/einrichten/"
RECOVERY_URL = "/verwaltung/konto/code/wiederherstellung/"
ACCOUNT_URL = "/verwaltung/konto/"
REMOVE_URL = "/verwaltung/konto/zwei-faktor/entfernen/"
NEW_CODES_URL = "/verwaltung/konto/zwei-faktor/neue-codes/"


@pytest.fixture
def security_log(caplog):
    caplog.set_level(logging.INFO, logger="portal.security")
    return caplog


@pytest.fixture
def ada(db) -> User:
    """An administrator (admin access)."""
    return User.objects.create_user("ada", password=PASSWORD, is_staff=True)


@pytest.fixture
def clara(db) -> User:
    """A clerk of the staff area, without admin access."""
    return User.objects.create_user("clara", password=PASSWORD)


def log_in_with_password(client: Client, user: User, next_url: str = "") -> None:
    data = {"username": user.username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    response = client.post(LOGIN_URL, data)
    assert response.status_code == 302, response.content.decode()[:1000]


def assert_redirects_to(response, url: str) -> None:
    assert response.status_code == 302
    assert response["Location"].split("?")[0] == url


def set_up(client: Client, user: User) -> tuple[TOTPDevice, list[str]]:
    """Through the set-up page as a person would; returns the device and the codes."""
    page = client.get(SETUP_URL)
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(SETUP_URL, {"otp_token": totp_code(device)})
    assert response.status_code == 200
    codes = response.context["codes"]
    return TOTPDevice.objects.get(pk=device.pk), codes


# --- Clerks without a second factor --------------------------------------------


def test_a_clerk_without_device_logs_in_with_the_password_alone(client, clara):
    log_in_with_password(client, clara)
    assert client.get("/verwaltung/").status_code == 200
    assert client.get(ACCOUNT_URL).status_code == 200


# --- Administrators -----------------------------------------------------------


def test_an_administrator_without_device_is_led_to_set_one_up(client, ada, security_log):
    log_in_with_password(client, ada, next_url="/admin/")
    for url in ["/admin/", "/verwaltung/", "/", ACCOUNT_URL]:
        response = client.get(url)
        assert_redirects_to(response, SETUP_URL)
    assert client.get("/admin/")["Location"] == f"{SETUP_URL}?next=%2Fadmin%2F"

    page = client.get(f"{SETUP_URL}?next=/admin/")
    html = page.content.decode()
    device = TOTPDevice.objects.get(user=ada, confirmed=False)
    assert 'src="data:image/svg+xml' in html and 'alt="QR-Code' in html
    secret = page.context["secret"]
    assert len(secret.replace(" ", "")) == 32 and secret in html
    assert 'autocomplete="one-time-code"' in html and 'inputmode="numeric"' in html
    assert "no-store" in page["Cache-Control"]
    # A reload shows the same secret: the app scanned first keeps working.
    assert client.get(SETUP_URL).context["secret"] == secret

    wrong = client.post(SETUP_URL, {"otp_token": "000000", "next": "/admin/"})
    assert wrong.status_code == 422
    assert "Der Code stimmt nicht" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=ada, confirmed=True).exists()
    device.refresh_from_db()
    device.throttling_failure_timestamp -= datetime.timedelta(seconds=5)
    device.save()

    done = client.post(SETUP_URL, {"otp_token": totp_code(device), "next": "/admin/"})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(code in done.content.decode() for code in codes)
    assert 'href="/admin/"' in done.content.decode()
    assert "no-store" in done["Cache-Control"]
    assert TOTPDevice.objects.get(user=ada).confirmed
    assert StaticToken.objects.filter(device__user=ada).count() == 10
    assert client.get("/admin/").status_code == 200

    log = security_log.text
    assert "Falscher Code: ada von 127.0.0.1 (Einrichtung)" in log
    assert "Zwei-Faktor-Anmeldung eingerichtet: ada" in log
    assert secret.replace(" ", "") not in log and not any(code in log for code in codes)


def test_an_administrator_with_device_gives_a_code_after_the_password(client, ada, security_log):
    device = add_app_device(ada)
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "ada", "password": PASSWORD, "next": "/admin/"}
    )
    assert response["Location"] == "/admin/"
    assert client.get("/admin/")["Location"] == f"{CODE_URL}?next=%2Fadmin%2F"
    assert_redirects_to(client.get("/verwaltung/"), CODE_URL)

    page = client.get(f"{CODE_URL}?next=/admin/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'autocomplete="one-time-code"' in html and 'inputmode="numeric"' in html
    assert 'name="csrfmiddlewaretoken"' in html and 'for="id_otp_token"' in html
    assert "(optional)" not in html
    code = totp_code(device)
    # Typed with a space, as apps show it.
    response = client.post(CODE_URL, {"otp_token": f"{code[:3]} {code[3:]}", "next": "/admin/"})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert "Zweiter Faktor bestätigt: ada von 127.0.0.1 (Authenticator-App)" in security_log.text
    assert code not in security_log.text


def test_the_session_key_changes_when_the_second_factor_is_given(client, ada):
    device = add_app_device(ada)
    client.force_login(ada)
    before = client.session.session_key
    client.post(CODE_URL, {"otp_token": totp_code(device)})
    assert client.session.session_key != before


def test_wrong_old_and_replayed_codes_are_refused(client, ada, security_log):
    device = add_app_device(ada)
    client.force_login(ada)

    def unthrottle() -> None:
        TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)

    for wrong in ["123", "abcdef", totp_code(device, offset=-3), totp_code(device, offset=3)]:
        response = client.post(CODE_URL, {"otp_token": wrong})
        assert response.status_code == 422, wrong
        assert "Der Code stimmt nicht" in response.content.decode()
        unthrottle()
    assert client.get("/admin/").status_code == 302
    assert security_log.text.count("Falscher Code: ada von 127.0.0.1 (Anmeldung)") == 4

    code = totp_code(device)
    assert client.post(CODE_URL, {"otp_token": code}).status_code == 302
    other = Client()
    other.force_login(ada)
    replay = other.post(CODE_URL, {"otp_token": code})
    assert replay.status_code == 422
    assert other.get("/admin/").status_code == 302


def test_an_empty_code_is_asked_for_and_not_counted(client, ada, security_log):
    device = add_app_device(ada)
    client.force_login(ada)
    response = client.post(CODE_URL, {"otp_token": " "})
    assert response.status_code == 422
    assert "Bitte geben Sie den Code ein." in response.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 0
    assert "Falscher Code" not in security_log.text


def test_wrong_codes_are_throttled_and_logged(client, ada, security_log):
    device = add_app_device(ada)
    client.force_login(ada)
    assert client.post(CODE_URL, {"otp_token": "000000"}).status_code == 422
    # Right after a wrong code even the right one waits (1 s, then 2, 4, 8 ...).
    throttled = client.post(CODE_URL, {"otp_token": totp_code(device)})
    assert throttled.status_code == 429
    assert "gesperrt" in throttled.content.decode()
    assert "Code-Eingabe gesperrt nach falschen Codes: ada von 127.0.0.1 (Anmeldung)" in (
        security_log.text
    )
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # a refused try does not count again
    device.throttling_failure_timestamp -= datetime.timedelta(seconds=2)
    device.save()
    assert client.post(CODE_URL, {"otp_token": totp_code(device)}).status_code == 302


def test_the_admin_itself_refuses_an_unverified_administrator(client, ada, settings):
    # Even without the middleware that leads to the code page.
    settings.MIDDLEWARE = [
        name for name in settings.MIDDLEWARE if name != "accounts.middleware.SecondFactorMiddleware"
    ]
    add_app_device(ada)
    client.force_login(ada)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_no_new_device_without_the_code_of_the_first(client, ada):
    """With a device, the set-up page must not become a way around the code page."""
    add_app_device(ada)
    client.force_login(ada)
    assert_redirects_to(client.get(SETUP_URL), ACCOUNT_URL)
    assert client.post(SETUP_URL, {"otp_token": "123456"}).status_code == 302
    assert TOTPDevice.objects.filter(user=ada).count() == 1
    assert_redirects_to(client.get(ACCOUNT_URL), CODE_URL)


def test_an_htmx_request_is_sent_to_the_code_page_as_a_whole_page(client, ada):
    add_app_device(ada)
    client.force_login(ada)
    response = client.get("/verwaltung/schulen/", headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == CODE_URL


def test_only_the_sites_own_pages_follow_the_login(client, ada):
    device = add_app_device(ada)
    client.force_login(ada)
    response = client.post(
        CODE_URL, {"otp_token": totp_code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/verwaltung/"


def test_logging_out_works_before_the_code(client, ada):
    add_app_device(ada)
    client.force_login(ada)
    assert client.post("/verwaltung/abmelden/").status_code == 302
    assert "_auth_user_id" not in client.session


# --- Recovery codes -----------------------------------------------------------


def test_recovery_codes_work_once(client, ada, security_log):
    log_in_with_password(client, ada)
    _, codes = set_up(client, ada)
    second = Client()
    log_in_with_password(second, ada)
    page = second.get(CODE_URL)
    assert RECOVERY_URL in page.content.decode()
    response = second.post(RECOVERY_URL, {"otp_token": codes[0].upper()})
    assert response.status_code == 302
    assert second.get("/admin/").status_code == 200
    assert StaticToken.objects.filter(device__user=ada).count() == 9
    assert "Wiederherstellungscode verwendet: ada von 127.0.0.1 (noch 9)" in security_log.text

    third = Client()
    log_in_with_password(third, ada)
    assert third.post(RECOVERY_URL, {"otp_token": codes[0]}).status_code == 422
    assert third.get("/admin/").status_code == 302


def test_new_recovery_codes_replace_the_old_ones(ada):
    client = Client()
    verified_login(client, ada)
    first = client.post(NEW_CODES_URL).context["codes"]
    second = client.post(NEW_CODES_URL).context["codes"]
    assert set(first).isdisjoint(second)
    stored = set(StaticToken.objects.filter(device__user=ada).values_list("token", flat=True))
    assert stored == set(second)
    assert client.get(NEW_CODES_URL).status_code == 405


# --- Staff who opt in ---------------------------------------------------------


def test_a_clerk_switches_it_on_and_then_needs_a_code_at_every_login(client, clara):
    log_in_with_password(client, clara)
    assert "Ausgeschaltet" in client.get(ACCOUNT_URL).content.decode()
    device, _ = set_up(client, clara)
    assert "Eingeschaltet seit" in client.get(ACCOUNT_URL).content.decode()

    later = Client()
    log_in_with_password(later, clara)
    assert_redirects_to(later.get("/verwaltung/"), CODE_URL)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)  # the same 30 s as the set-up
    assert later.post(CODE_URL, {"otp_token": totp_code(device)}).status_code == 302
    assert later.get("/verwaltung/").status_code == 200
    # A clerk never reaches the admin, second factor or not.
    assert later.get("/admin/").status_code == 302


def test_a_clerk_switches_it_off_with_a_current_code(clara, security_log):
    client = Client()
    device = verified_login(client, clara)
    wrong = client.post(REMOVE_URL, {"entfernen-otp_token": "000000"})
    assert wrong.status_code == 422 and TOTPDevice.objects.filter(user=clara).exists()
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None, last_t=-1)
    response = client.post(REMOVE_URL, {"entfernen-otp_token": totp_code(device)})
    assert_redirects_to(response, ACCOUNT_URL)
    assert not TOTPDevice.objects.filter(user=clara).exists()
    assert not StaticDevice.objects.filter(user=clara).exists()
    assert client.get("/verwaltung/").status_code == 200
    assert "Zwei-Faktor-Anmeldung entfernt: clara von 127.0.0.1 (durch clara)" in security_log.text

    later = Client()
    log_in_with_password(later, clara)
    assert later.get("/verwaltung/").status_code == 200


def test_an_administrator_cannot_switch_it_off_only_set_it_up_anew(ada):
    client = Client()
    device = verified_login(client, ada)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    page = client.get(ACCOUNT_URL).content.decode()
    assert "Neu einrichten" in page and "ausschalten" not in page
    response = client.post(REMOVE_URL, {"entfernen-otp_token": totp_code(device)})
    assert_redirects_to(response, SETUP_URL)
    assert_redirects_to(client.get("/admin/"), SETUP_URL)


def test_the_account_pages_need_a_login(client, db):
    for url in [ACCOUNT_URL, CODE_URL, RECOVERY_URL, SETUP_URL]:
        assert_redirects_to(client.get(url), LOGIN_URL)
    assert_redirects_to(client.post(NEW_CODES_URL), LOGIN_URL)
    assert_redirects_to(client.post(REMOVE_URL), LOGIN_URL)


def test_a_clerk_without_device_gets_no_recovery_codes(client, clara):
    client.force_login(clara)
    assert_redirects_to(client.post(NEW_CODES_URL), ACCOUNT_URL)
    assert not StaticDevice.objects.filter(user=clara).exists()


# --- Reset by an administrator or an operator ----------------------------------


def test_an_administrator_resets_another_users_second_factor(admin_client, ada, security_log):
    add_app_device(ada)
    response = admin_client.post(
        "/admin/auth/user/",
        {"action": "reset_second_factor", "_selected_action": [ada.pk]},
        follow=True,
    )
    assert "Zwei-Faktor-Anmeldung zurückgesetzt für ada." in response.content.decode()
    assert not TOTPDevice.objects.filter(user=ada).exists()
    assert "Zwei-Faktor-Anmeldung entfernt: ada von 127.0.0.1 (durch admin)" in security_log.text


def test_resetting_needs_the_change_permission(ada):
    viewer = User.objects.create_user("vera", password=PASSWORD, is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_user"))
    client = Client()
    verified_login(client, viewer)
    add_app_device(ada)
    page = client.get("/admin/auth/user/").content.decode()
    assert "reset_second_factor" not in page
    client.post(
        "/admin/auth/user/", {"action": "reset_second_factor", "_selected_action": [ada.pk]}
    )
    assert TOTPDevice.objects.filter(user=ada).exists()


def test_an_operator_removes_a_lost_device(ada, capsys, security_log):
    add_app_device(ada)
    call_command("reset_second_factor", "ada")
    assert "entfernt" in capsys.readouterr().out
    assert not TOTPDevice.objects.filter(user=ada).exists()
    assert (
        "Zwei-Faktor-Anmeldung entfernt: ada von - (durch manage.py reset_second_factor)"
        in security_log.text
    )
    call_command("reset_second_factor", "ada")
    assert "hatte keine" in capsys.readouterr().out
    with pytest.raises(CommandError, match="niemand"):
        call_command("reset_second_factor", "niemand")


def test_the_admin_never_shows_device_secrets(admin_client):
    assert admin_client.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert admin_client.get("/admin/otp_static/staticdevice/").status_code == 404


def test_the_user_list_shows_who_has_a_second_factor(admin_client, ada, clara):
    add_app_device(ada)
    TOTPDevice.objects.create(user=clara, name="halb eingerichtet", confirmed=False)
    html = admin_client.get("/admin/auth/user/").content.decode()

    def cell(username: str) -> str:
        [row] = [row for row in html.split("<tr") if f">{username}</a>" in row]
        return re.search(r'class="field-second_factor_flag"><img [^>]*alt="(\w+)"', row).group(1)

    assert (cell("ada"), cell("clara"), cell("admin")) == ("Ja", "Nein", "Ja")


def test_the_code_page_speaks_english_when_chosen(ada):
    add_app_device(ada)
    client = Client()
    client.post("/i18n/setlang/", {"language": "en"})
    client.force_login(ada)
    html = client.get(CODE_URL).content.decode()
    assert "Log in: enter the code" in html and "Code from the authenticator app" in html
    wrong = client.post(CODE_URL, {"otp_token": "000000"}).content.decode()
    assert "The code is wrong or has expired." in wrong
