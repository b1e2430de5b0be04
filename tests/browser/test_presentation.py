"""Presentation mode in a real browser: paging with the keyboard, accessibility,
printing, and the long page of slides without JavaScript.

The deck of the Bielefeld plan has 12 slides: title, overview, Technische
Infrastruktur, Hardware (2), Software (2), Support, Medienlabor, Organisation,
Berufskollegs, closing.
"""

import io

from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.axe import assert_accessible

SLIDES = 12


def slides(page):
    return page.locator("#deck > section.slide")


def indicator(page):
    return page.locator("#deck-indicator")


def expect_on_slide(page, number: int) -> None:
    expect(indicator(page)).to_have_text(f"Folie {number} von {SLIDES}")
    expect(page.locator(f"#folie-{number}")).to_be_visible()
    expect(page.locator("#deck > section.slide:visible")).to_have_count(1)


def test_keyboard_pages_through_the_slides(page, bielefeld_live):
    response = page.goto(bielefeld_live + "/praesentation/")

    assert response.status == 200
    assert "script-src 'self' 'nonce-" in response.headers["content-security-policy"]
    expect(slides(page)).to_have_count(SLIDES)
    expect(indicator(page)).to_have_attribute("aria-live", "polite")
    expect_on_slide(page, 1)
    expect(page.locator("#folie-1").get_by_role("heading", level=1)).to_have_text(
        "Fortschrittsbericht"
    )
    assert_accessible(page)

    page.keyboard.press("ArrowRight")
    expect_on_slide(page, 2)
    expect(page.locator("#folie-2")).to_be_focused()
    expect(page.locator("#folie-2").get_by_role("heading", level=2)).to_have_text("Überblick")
    expect(page.locator("#folie-2 .tile")).to_have_count(8)
    assert_accessible(page)
    page.keyboard.press("ArrowRight")
    expect_on_slide(page, 3)
    expect(page.locator("#folie-3").get_by_role("heading", level=2)).to_have_text(
        "Technische Infrastruktur"
    )
    page.keyboard.press("ArrowRight")
    expect_on_slide(page, 4)
    expect(page.locator("#folie-4").get_by_role("heading", level=3)).to_have_count(3)
    assert page.url.endswith("#folie-4")
    assert_accessible(page)

    page.keyboard.press("End")
    expect_on_slide(page, SLIDES)
    expect(page.locator(f"#folie-{SLIDES}")).to_contain_text("Vielen Dank für Ihre Aufmerksamkeit!")
    page.keyboard.press("PageDown")  # past the end: stays
    expect_on_slide(page, SLIDES)

    page.keyboard.press("Home")
    expect_on_slide(page, 1)
    page.keyboard.press("PageDown")
    page.keyboard.press("Space")
    expect_on_slide(page, 3)
    page.keyboard.press("PageUp")
    page.keyboard.press("ArrowLeft")
    expect_on_slide(page, 1)


def test_buttons_and_address_keep_the_slide(page, bielefeld_live):
    page.goto(bielefeld_live + "/praesentation/#folie-4")
    expect_on_slide(page, 4)

    page.get_by_role("button", name="Nächste Folie").click()
    expect_on_slide(page, 5)
    page.get_by_role("button", name="Vorherige Folie").click()
    page.get_by_role("button", name="Vorherige Folie").click()
    expect_on_slide(page, 3)

    page.reload()
    expect_on_slide(page, 3)

    page.keyboard.press("Home")
    expect(page.get_by_role("button", name="Vorherige Folie")).to_be_disabled()


def test_without_javascript_all_slides_form_one_long_page(new_page, bielefeld_live):
    page = new_page(java_script_enabled=False)
    page.goto(bielefeld_live + "/praesentation/")

    expect(slides(page)).to_have_count(SLIDES)
    for number in range(1, SLIDES + 1):
        expect(page.locator(f"#folie-{number}")).to_be_visible()
        expect(page.locator(f"#folie-{number}")).to_contain_text(f"Folie {number} von {SLIDES}")
    # The controls need the script, so they stay hidden.
    expect(page.get_by_role("button", name="Nächste Folie")).to_be_hidden()
    expect(page.get_by_role("heading", level=2)).to_have_count(SLIDES - 1)
    # (axe itself needs JavaScript, so it runs in the tests above only.)


def test_print_shows_every_slide_on_its_own_page(page, bielefeld_live):
    page.goto(bielefeld_live + "/praesentation/")
    expect_on_slide(page, 1)
    page.emulate_media(media="print")

    expect(page.locator(".presentation__bar")).to_be_hidden()
    expect(page.locator("#deck > section.slide:visible")).to_have_count(SLIDES)
    printed = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    assert len(printed.pages) == SLIDES
    width, height = printed.pages[0].mediabox.width, printed.pages[0].mediabox.height
    assert round(width / height, 2) == round(16 / 9, 2)


def test_changes_and_a_markdown_preface_on_slides(page, bielefeld_live):
    from django.contrib.auth.models import User
    from django.utils import timezone

    from editions.models import Edition
    from measures.models import Plan

    today = timezone.localdate()
    Edition.publish(
        Plan.objects.get(),
        user=User.objects.create_user("petra", password="x" * 20),
        today=today,
        date=today,
        title="Bericht heute",
        slug="heute",
        preface="Sehr geehrte **Damen** und Herren,\n\n- erstens\n- zweitens",
    )

    page.goto(bielefeld_live + "/berichte/heute/praesentation/#folie-3")
    expect(page.locator("#folie-3").get_by_role("heading", level=2)).to_have_text("Vorwort")
    expect(page.locator("#folie-3 strong")).to_have_text("Damen")
    expect(page.locator("#folie-3 li")).to_have_count(2)
    assert_accessible(page)

    # The live deck: what changed since that edition (today: nothing).
    page.goto(bielefeld_live + "/praesentation/#folie-3")
    expect(indicator(page)).to_have_text(f"Folie 3 von {SLIDES + 1}")
    expect(page.locator("#folie-3").get_by_role("heading", level=2)).to_have_text(
        "Änderungen seit dem letzten Bericht"
    )
    expect(page.locator("#folie-3")).to_contain_text("Verglichen mit „Bericht heute“")
    assert_accessible(page)
