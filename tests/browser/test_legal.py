"""The legal pages in a real browser: axe on every page and state, the feedback form
without JavaScript, the staff draft notice, the video, and reflow at 320 px."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.test import Client
from playwright.sync_api import expect

from legal.models import Feedback, LegalPage, PageKind
from tests.browser.axe import assert_accessible
from tests.browser.test_report import OVERFLOWING
from tests.legal.media import mp4

PATHS = [
    "/impressum/",
    "/datenschutz/",
    "/barrierefreiheit/",
    "/leichte-sprache/",
    "/gebaerdensprache/",
    "/barrierefreiheit/danke/",
]
NARROW = {"width": 320, "height": 640}


def expect_only_the_422(page) -> None:
    """The refused form is what the test wants; anything else still counts."""
    problems = page.problems
    problems.console_errors[:] = [e for e in problems.console_errors if "422" not in e]
    problems.failed_requests[:] = [r for r in problems.failed_requests if not r.startswith("422")]


@pytest.mark.parametrize("language", ["de", "en"])
def test_legal_pages_are_accessible(new_page, bielefeld_live, language):
    page = new_page()
    if language == "en":
        page.context.add_cookies(
            [{"name": "django_language", "value": "en", "url": bielefeld_live}]
        )
    for path in PATHS:
        page.goto(bielefeld_live + path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)


def test_footer_leads_to_the_legal_pages(page, bielefeld_live):
    page.goto(bielefeld_live + "/")
    footer = page.get_by_role("navigation", name="Rechtliches und Barrierefreiheit")
    footer.get_by_role("link", name="Leichte Sprache").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Leichte Sprache")
    page.get_by_role("link", name="Gebärdensprache").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gebärdensprache")


def test_feedback_form_without_javascript(new_page, bielefeld_live, monkeypatch):
    # The live server runs in this process: no waiting for the "too fast" guard.
    monkeypatch.setattr("legal.forms.MIN_SECONDS", 0)
    page = new_page(java_script_enabled=False)
    page.goto(bielefeld_live + "/barrierefreiheit/")
    page.get_by_label("Ihre Nachricht").fill("Der Kontrast der Fußzeile ist zu schwach.")
    page.get_by_label("Ich möchte eine Antwort.").check()
    page.get_by_role("button", name="Nachricht senden").click()

    # Refused (an answer needs an address), the text still there; an accessible error state.
    expect(page.get_by_role("alert")).to_contain_text(
        "Für eine Antwort brauchen wir Ihre E-Mail-Adresse."
    )
    expect(page.get_by_label("Ihre Nachricht")).to_have_value(
        "Der Kontrast der Fußzeile ist zu schwach."
    )
    assert page.title().startswith("Fehler:")
    expect_only_the_422(page)

    page.get_by_label("Ihre E-Mail-Adresse").fill("leserin@example.org")
    page.get_by_role("button", name="Nachricht senden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vielen Dank für Ihre Rückmeldung")
    feedback = Feedback.objects.get()
    assert (feedback.email, feedback.wants_reply) == ("leserin@example.org", True)


def test_feedback_form_with_errors_is_accessible(page, bielefeld_live, monkeypatch):
    # axe needs JavaScript; the form itself is the same with and without it.
    monkeypatch.setattr("legal.forms.MIN_SECONDS", 0)
    page.goto(bielefeld_live + "/barrierefreiheit/")
    page.get_by_label("Ich möchte eine Antwort.").check()
    page.get_by_role("button", name="Nachricht senden").click()
    expect(page.get_by_role("alert")).to_contain_text("Bitte schreiben Sie uns")
    assert_accessible(page)
    expect_only_the_422(page)


def test_staff_see_the_draft_notice(new_page, bielefeld_live):
    user = get_user_model().objects.create_user("sachbearbeitung")
    client = Client()
    client.force_login(user)
    page = new_page()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": bielefeld_live}]
    )
    page.goto(bielefeld_live + "/barrierefreiheit/")
    expect(page.get_by_role("note")).to_contain_text("Entwurf:")
    expect(page.get_by_text("Kontakt der Schlichtungsstelle noch nicht geprüft")).to_be_visible()
    assert_accessible(page)


def test_the_video_is_served_and_described(new_page, bielefeld_live, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    content = mp4(seconds=245, padding=20_000)
    sign = LegalPage.objects.get(kind=PageKind.SIGN_LANGUAGE)
    sign.video.save("dgs.mp4", ContentFile(content), save=False)
    sign.video_type, sign.video_size, sign.video_seconds = "video/mp4", len(content), 245.0
    sign.save()
    page = new_page()
    page.goto(bielefeld_live + "/gebaerdensprache/")
    expect(page.locator("video source")).to_have_attribute("src", "/gebaerdensprache/video/")
    expect(page.get_by_text("Länge: 4:05 Minuten")).to_be_visible()
    assert_accessible(page)
    response = page.request.get(
        bielefeld_live + "/gebaerdensprache/video/", headers={"Range": "bytes=0-9"}
    )
    assert response.status == 206 and response.body() == content[:10]


@pytest.mark.parametrize("path", PATHS)
def test_legal_pages_reflow_at_320_px(new_page, bielefeld_live, path):
    page = new_page(viewport=NARROW, device_scale_factor=2, is_mobile=True, has_touch=True)
    page.goto(bielefeld_live + path)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    scroll_width, inner_width = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert max(scroll_width, inner_width) <= NARROW["width"], (
        f"{path} is {scroll_width}px wide at 320 px; too wide: "
        + "; ".join(page.evaluate(OVERFLOWING, NARROW["width"]))
    )
