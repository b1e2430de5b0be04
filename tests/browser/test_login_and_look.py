"""Login, password reset and the portal's look in a real browser (issue 9).

Errors after a full-page submit: the title says "Fehler:", the error summary
gets the focus (with JavaScript) or is first in the main content (without).
Body text is KERN's 18/24 px on public and staff pages, at desktop and phone width.
"""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible
from tests.browser.session import log_in_as

PASSWORD = "geheim-und-lang-genug"


@pytest.fixture
def anna(bielefeld_live) -> str:
    User.objects.create_user("anna", email="anna@schulamt.example", password=PASSWORD)
    return bielefeld_live


def _ignore_expected_422(page) -> None:
    problems = page.problems
    problems.console_errors[:] = [e for e in problems.console_errors if "422" not in e]
    problems.failed_requests[:] = [r for r in problems.failed_requests if not r.startswith("422")]


def test_login_starts_at_the_top_and_focuses_the_error_summary(page, anna):
    page.goto(anna + "/verwaltung/anmelden/")
    # Nothing is focused past the heading: the first Tab goes to the skip link.
    expect(page.locator("#id_username")).not_to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    assert_accessible(page)

    page.locator("#id_username").fill("anna")
    page.locator("#id_password").fill("falsch")
    page.get_by_role("button", name="Anmelden", exact=True).click()
    expect(page).to_have_title(re.compile(r"^Fehler: Anmelden – "))
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Es gibt ein Problem")
    assert_accessible(page)


def test_without_javascript_the_summary_is_first_in_main(new_page, anna):
    page = new_page(java_script_enabled=False)
    page.goto(anna + "/verwaltung/anmelden/")
    page.locator("#id_username").fill("anna")
    page.locator("#id_password").fill("falsch")
    page.get_by_role("button", name="Anmelden", exact=True).click()
    expect(page).to_have_title(re.compile(r"^Fehler: Anmelden – "))
    # Skip link, then Tab: the summary's first link (to the field) comes before the form.
    first_visible = page.locator("main .narrow > *").first
    expect(first_visible).to_have_class("error-summary")


def test_password_reset_in_the_browser(page, anna):
    page.goto(anna + "/verwaltung/anmelden/")
    page.get_by_role("link", name="Passwort vergessen?").click()
    expect(page).to_have_title(re.compile(r"^Passwort vergessen – "))
    assert_accessible(page)

    page.locator("#id_email").fill("keine adresse")
    page.get_by_role("button", name="Link anfordern").click()
    expect(page).to_have_title(re.compile(r"^Fehler: Passwort vergessen – "))
    expect(page.locator(".error-summary")).to_be_focused()
    assert_accessible(page)
    _ignore_expected_422(page)

    page.locator("#id_email").fill("anna@schulamt.example")
    page.get_by_role("button", name="Link anfordern").click()
    expect(page.get_by_role("heading", name="Link angefordert")).to_be_visible()
    assert_accessible(page)

    [message] = mail.outbox
    [link] = re.findall(r"https?://\S+", message.body)
    page.goto(link)
    expect(page.get_by_role("heading", name="Neues Passwort festlegen")).to_be_visible()
    assert_accessible(page)
    page.locator("#id_new_password1").fill("ein-ganz-neues-passwort-7")
    page.locator("#id_new_password2").fill("ein-ganz-neues-passwort-7")
    page.get_by_role("button", name="Passwort speichern").click()
    expect(page.get_by_role("heading", name="Passwort gespeichert")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Jetzt anmelden").click()
    page.locator("#id_username").fill("anna")
    page.locator("#id_password").fill("ein-ganz-neues-passwort-7")
    page.get_by_role("button", name="Anmelden", exact=True).click()
    expect(page).to_have_url(anna + "/verwaltung/")


BODY_TEXT = {
    "/": "main p",
    "/massnahmen/digitale-schulplattform/": ".facts dd",
    "/schulen/": "main p",
    "/verwaltung/anmelden/": "main p",
}


@pytest.mark.parametrize("width", [1280, 390])
def test_body_text_is_kern_body_typography(new_page, anna, width):
    page = new_page(viewport={"width": width, "height": 900})
    pages = {**BODY_TEXT}
    for path, selector in pages.items():
        page.goto(anna + path)
        size, line = page.locator(selector).first.evaluate(
            "e => [getComputedStyle(e).fontSize, getComputedStyle(e).lineHeight]"
        )
        assert (size, line) == ("18px", "24px"), path
    # Staff pages too.
    log_in_as(page, anna, "anna")
    page.goto(anna + "/verwaltung/")
    size = page.locator("main p").first.evaluate("e => getComputedStyle(e).fontSize")
    assert size == "18px"
    # Nothing scrolls sideways because of the larger text.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
