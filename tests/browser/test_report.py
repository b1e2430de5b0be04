"""The public report in a real browser: accessibility, htmx filtering with and
without JavaScript, keyboard use and the phone layout.

Every page is also checked (in the `new_page` fixture) for console errors,
Content-Security-Policy violations, uncaught exceptions and failed requests.
"""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from measures.models import Measure, Plan
from tests.browser.axe import assert_accessible
from tests.browser.test_staff import tab_to

MEASURES = 20
FIELD = "hardwareausstattung"
FIELD_TITLE = "Hardwareausstattung"
FIELD_MEASURES = 6
CLASSROOM = "bielefelder-klassenzimmerstandard"
CLASSROOM_TITLE = "Bielefelder Klassenzimmerstandard"


def cards(page):
    return page.locator("#results article.measure-card")


def count_text(shown: int) -> str:
    return f"{shown} von {MEASURES} Maßnahmen angezeigt"


def expect_htmx_ready(page) -> None:
    """htmx was served (as a static file) and ran; its script is deferred."""
    page.wait_for_function("() => typeof window.htmx === 'object' && !!window.htmx.version")


def test_report_page_is_accessible(page, bielefeld_live):
    plan = Plan.objects.get()

    response = page.goto(bielefeld_live + "/")

    assert response.status == 200
    # Without the policy the console checks below would not catch inline code.
    assert "script-src 'self' 'nonce-" in response.headers["content-security-policy"]
    expect(page).to_have_title(re.compile(rf"^{re.escape(plan.title)}\b.*Schuldigital-Monitor$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(plan.title)
    expect(cards(page)).to_have_count(MEASURES)
    expect(page.get_by_role("status")).to_have_text(count_text(MEASURES))
    expect_htmx_ready(page)
    assert_accessible(page)


def test_measure_and_filtered_pages_are_accessible(page, bielefeld_live):
    page.goto(f"{bielefeld_live}/massnahmen/{CLASSROOM}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(CLASSROOM_TITLE)
    assert_accessible(page)

    page.goto(f"{bielefeld_live}/?status=in_progress&status=ohne&feld={FIELD}")
    expect(page.get_by_role("status")).to_contain_text(f"von {MEASURES} Maßnahmen angezeigt")
    assert_accessible(page)

    # A filter that matches nothing shows the empty message instead of cards.
    page.goto(f"{bielefeld_live}/?status=done")
    expect(cards(page)).to_have_count(0)
    expect(page.locator("#results")).to_contain_text("Keine Maßnahme entspricht diesen Filtern.")
    assert_accessible(page)


def test_filter_with_htmx_updates_results_in_place(page, bielefeld_live):
    today = timezone.localdate()
    in_field = list(Measure.objects.filter(field__slug=FIELD))
    assert len(in_field) == FIELD_MEASURES
    overdue_in_field = sum(measure.is_overdue(today) for measure in in_field)

    page.goto(bielefeld_live + "/")
    expect_htmx_ready(page)
    page.evaluate("() => { window.__marker = 1; }")

    # A field applies with "Filtern", in place.
    page.get_by_label("Handlungsfeld", exact=True).select_option(label=FIELD_TITLE)
    page.get_by_role("button", name="Filtern").click()
    expect(page).to_have_url(re.compile(rf"[?&]feld={FIELD}(&|$)"))
    expect(cards(page)).to_have_count(FIELD_MEASURES)
    expect(page.get_by_role("status")).to_have_text(count_text(FIELD_MEASURES))
    assert page.evaluate("() => window.__marker") == 1, "the page was reloaded"

    page.get_by_label("Nur überfällige Maßnahmen").check()
    expect(page).to_have_url(re.compile(r"[?&]ueberfaellig=on(&|$)"))
    expect(page).to_have_url(re.compile(rf"[?&]feld={FIELD}(&|$)"))
    expect(cards(page)).to_have_count(overdue_in_field)
    expect(page.get_by_role("status")).to_have_text(count_text(overdue_in_field))
    expect(page.locator("#results .measure-card--overdue")).to_have_count(overdue_in_field)
    assert page.evaluate("() => window.__marker") == 1, "the page was reloaded"

    page.go_back()
    expect(page).not_to_have_url(re.compile("ueberfaellig"))
    expect(page).to_have_url(re.compile(rf"[?&]feld={FIELD}(&|$)"))
    expect(cards(page)).to_have_count(FIELD_MEASURES)
    expect(page.get_by_role("status")).to_have_text(count_text(FIELD_MEASURES))
    expect(page.get_by_label("Handlungsfeld", exact=True)).to_have_value(FIELD)
    expect(page.get_by_label("Nur überfällige Maßnahmen")).not_to_be_checked()

    page.go_back()
    expect(page).to_have_url(bielefeld_live + "/")
    expect(cards(page)).to_have_count(MEASURES)
    expect(page.get_by_role("status")).to_have_text(count_text(MEASURES))
    expect(page.get_by_label("Handlungsfeld", exact=True)).to_have_value("")
    assert page.evaluate("() => window.__marker") == 1, "the page was reloaded"

    # The swapped-in results are still accessible.
    assert_accessible(page)


def test_field_select_filters_only_on_the_button_not_per_arrow_press(page, bielefeld_live):
    """Arrow keys walk through a closed select's options, each a change event; the
    report must not send a request and push a history entry for each of them."""
    page.goto(bielefeld_live + "/")
    expect_htmx_ready(page)
    requests = []
    page.on("request", lambda request: "hx-request" in request.headers and requests.append(request))
    history = page.evaluate("() => history.length")
    select = page.get_by_label("Handlungsfeld", exact=True)
    tab_to(page, "#id_feld")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    second_field = select.input_value()
    options = select.locator("option").evaluate_all("options => options.map(o => o.value)")
    assert second_field == options[2]  # "alle", the first field, the second
    page.wait_for_timeout(500)  # time for a request that a change would have sent
    assert [request.url for request in requests] == []
    assert page.evaluate("() => history.length") == history
    expect(cards(page)).to_have_count(MEASURES)

    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"[?&]feld={second_field}(&|$)"))
    shown = Measure.objects.filter(field__slug=second_field).count()
    expect(page.get_by_role("status")).to_have_text(count_text(shown))
    assert len(requests) == 1
    assert page.evaluate("() => history.length") == history + 1

    # A ticked box is an explicit choice: it filters at once, keeping the field.
    tab_to(page, "#id_ueberfaellig")
    page.keyboard.press("Space")
    expect(page).to_have_url(re.compile(r"[?&]ueberfaellig=on(&|$)"))
    expect(page).to_have_url(re.compile(rf"[?&]feld={second_field}(&|$)"))
    assert page.evaluate("() => history.length") == history + 2


def test_filter_without_javascript_submits_the_form(new_page, bielefeld_live):
    page = new_page(java_script_enabled=False)
    page.goto(bielefeld_live + "/")
    expect(cards(page)).to_have_count(MEASURES)

    page.get_by_label("Handlungsfeld", exact=True).select_option(label=FIELD_TITLE)
    # Without JavaScript nothing happens until the form is submitted.
    expect(cards(page)).to_have_count(MEASURES)

    with page.expect_navigation():
        page.get_by_role("button", name="Filtern").click()

    expect(page).to_have_url(re.compile(rf"/\?(.*&)?feld={FIELD}(&|$)"))
    expect(cards(page)).to_have_count(FIELD_MEASURES)
    expect(page.get_by_role("status")).to_have_text(count_text(FIELD_MEASURES))
    expect(page.get_by_label("Handlungsfeld", exact=True)).to_have_value(FIELD)
    # A full page, not just the results fragment.
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_measure_page_shows_school_rollout(page, bielefeld_live):
    page.goto(bielefeld_live + "/")
    page.get_by_role("link", name=CLASSROOM_TITLE, exact=True).click()

    expect(page).to_have_url(f"{bielefeld_live}/massnahmen/{CLASSROOM}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(CLASSROOM_TITLE)
    progress = page.locator("progress")
    expect(progress).to_have_count(1)
    expect(progress).to_have_attribute("value", "59")
    expect(progress).to_have_attribute("max", "74")
    assert progress.evaluate("el => [el.value, el.max]") == [59, 74]
    expect(page.get_by_label("59 von 74 Schulen")).to_have_count(1)
    expect(page.locator(".rollout")).to_contain_text("59 von 74 Schulen")


def test_skip_link_is_first_and_moves_focus_to_main(page, bielefeld_live):
    page.goto(bielefeld_live + "/")

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Zum Inhalt springen")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_visible()
    assert skip_link.evaluate("el => el.getBoundingClientRect().top >= 0"), "skip link off-screen"

    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    expect(page).to_have_url(bielefeld_live + "/#main")


PHONE = {"width": 390, "height": 844}

# Elements and text that reach beyond the right edge of the viewport.
OVERFLOWING = """width => {
    const found = [];
    const describe = el => el.tagName.toLowerCase()
        + (el.className ? '.' + String(el.className).trim().replace(/\\s+/g, '.') : '');
    for (const el of document.body.querySelectorAll('*')) {
        if (el.getBoundingClientRect().right > width + 0.5) found.push(describe(el));
    }
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        range.selectNodeContents(node);
        const right = range.getBoundingClientRect().right;
        if (right > width + 0.5) {
            found.push(`text "${node.textContent.trim()}" in ${describe(node.parentElement)}`
                + ` (right edge at ${Math.round(right)}px)`);
        }
    }
    return found.slice(0, 10);
}"""


@pytest.mark.parametrize("path", ["/", f"/massnahmen/{CLASSROOM}/"])
def test_phone_viewport_has_no_horizontal_scrolling(new_page, bielefeld_live, path):
    page = new_page(viewport=PHONE, device_scale_factor=3, is_mobile=True, has_touch=True)
    page.goto(bielefeld_live + path)
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    scroll_width, inner_width = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]"
    )
    # A mobile browser widens the layout viewport (and zooms out) to fit content
    # that is too wide, so innerWidth grows along with scrollWidth: compare with
    # the device width as well.
    assert max(scroll_width, inner_width) <= PHONE["width"], (
        f"{path} is {scroll_width}px wide (innerWidth {inner_width}px) on a "
        f"{PHONE['width']}px phone; too wide: "
        + "; ".join(page.evaluate(OVERFLOWING, PHONE["width"]))
    )
