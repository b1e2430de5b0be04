"""The login's refusals in a real browser: an over-long username and the address lock."""

import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible

PASSWORD = "geheim-und-lang-genug"


@pytest.fixture
def login_url(transactional_db, live_server) -> str:
    User.objects.create_user("anna", password=PASSWORD)
    return live_server.url + "/verwaltung/anmelden/"


def test_an_over_long_username_is_refused_with_the_summary(page, login_url):
    page.goto(login_url)
    page.locator("#id_username").fill("a" * 300)  # no maxlength cuts it
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden", exact=True).click()
    expect(page).to_have_title(re.compile(r"^Fehler: Anmelden – "))
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Der Benutzername darf höchstens 150 Zeichen lang sein")
    expect(page.locator("#id_username")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)


def test_the_address_lock_page(page, login_url):
    # 30 failures from this address with other usernames, as a sprayer leaves them.
    AccessAttempt.objects.create(
        username="jemand",
        ip_address="127.0.0.1",
        user_agent="x",
        http_accept="*/*",
        path_info="/verwaltung/anmelden/",
        get_data="",
        post_data="",
        failures_since_start=30,
    )
    page.goto(login_url)
    page.locator("#id_username").fill("anna")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Anmeldung vorübergehend gesperrt")
    expect(page.locator("main")).to_contain_text("mit jedem Benutzernamen")
    assert_accessible(page)
    # The 429 is the point here, not a fault.
    problems = page.problems
    problems.failed_requests[:] = [r for r in problems.failed_requests if not r.startswith("429")]
    problems.console_errors[:] = [e for e in problems.console_errors if "429" not in e]
