"""The page while the database is unreachable, in the browser."""

from tests.bielefeld_digital.test_outage import database_switch  # noqa: F401 - fixture
from tests.browser.axe import assert_accessible


def test_the_outage_page_is_styled_and_accessible(live_server, database_switch, page):  # noqa: F811
    database_switch.away()
    response = page.goto(f"{live_server.url}/schulen/")
    assert response.status == 503
    assert page.locator("h1").inner_text() == "Vorübergehend nicht erreichbar"
    assert page.title() == "Vorübergehend nicht erreichbar – Schuldigital-Monitor"
    # The portal's stylesheet arrived (served without the database): KERN's font.
    assert "Fira Sans" in page.locator("body").evaluate("e => getComputedStyle(e).fontFamily")
    assert_accessible(page)
    # Expected, once each: the 503 itself and Chromium's console note about it.
    page.problems.failed_requests.remove(f"503 {live_server.url}/schulen/")
    [note] = page.problems.console_errors
    assert "status of 503" in note
    page.problems.console_errors.clear()
