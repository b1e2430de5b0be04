"""Setting up the second factor and logging in with it, in Chromium, with and without JS."""

import re
from base64 import b32decode

import pytest
from django.contrib.auth.models import User
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible

PASSWORD = "zwei-faktoren-im-browser-9"
CODE_LABEL = "Code aus der Authenticator-App"


def code_from_the_shown_key(page) -> str:
    """What an authenticator app shows after the key on the page was typed into it."""
    secret = page.locator("code.secret").inner_text().replace(" ", "")
    return f"{TOTP(b32decode(secret)).token():06d}"


def log_in_with_password(page, base: str) -> None:
    page.goto(base + "/admin/login/?next=/admin/")
    page.get_by_label("Benutzername").fill("verwaltung")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_an_administrator_sets_up_the_second_factor_and_logs_in_with_it(
    new_page, transactional_db, live_server, javascript
):
    base = live_server.url
    User.objects.create_superuser("verwaltung", "verwaltung@example.org", PASSWORD)
    page = new_page(java_script_enabled=javascript)

    log_in_with_password(page, base)
    expect(page).to_have_url(re.compile(r"/verwaltung/konto/zwei-faktor/einrichten/\?next="))
    expect(page.get_by_role("heading", level=1)).to_have_text("Zwei-Faktor-Anmeldung einrichten")
    qr = page.get_by_role("img", name="QR-Code zum Einrichten der Authenticator-App")
    expect(qr).to_be_visible()
    assert qr.evaluate("image => image.naturalWidth") > 100  # the SVG renders
    if javascript:
        assert_accessible(page)

    page.get_by_label(CODE_LABEL).fill(code_from_the_shown_key(page))
    page.get_by_role("button", name="Bestätigen und einschalten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ihre Wiederherstellungscodes")
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    if javascript:
        assert_accessible(page)
    page.get_by_role("link", name=re.compile("Codes gesichert")).click()
    expect(page).to_have_url(base + "/admin/")

    # The next login (another browser) asks for the code; a recovery code does
    # when the phone is away.
    page = new_page(java_script_enabled=javascript)
    log_in_with_password(page, base)
    expect(page).to_have_url(re.compile(r"/verwaltung/konto/code/\?next=%2Fadmin%2F"))
    expect(page.get_by_label(CODE_LABEL)).to_have_attribute("autocomplete", "one-time-code")
    expect(page.get_by_label(CODE_LABEL)).to_have_attribute("inputmode", "numeric")
    if javascript:
        assert_accessible(page)
    page.get_by_role("link", name=re.compile("Wiederherstellungscode anmelden")).click()
    page.get_by_label("Wiederherstellungscode").fill(codes[0])
    page.get_by_role("button", name="Anmelden").click()
    expect(page).to_have_url(base + "/admin/")
    assert TOTPDevice.objects.get(user__username="verwaltung").confirmed

    page.goto(base + "/verwaltung/konto/")
    expect(page.get_by_text("Sie haben noch 9 Wiederherstellungscodes.")).to_be_visible()
    if javascript:
        assert_accessible(page)
