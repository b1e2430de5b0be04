"""The security log in the admin and the username lock, as their users meet them in a
real browser: the log list, its filter, search and an entry are read-only and
accessible; the lock page on the admin's own login is accessible too (the address
lock on the staff login is in test_login_limits.py)."""

import re

import pytest
from django.contrib.auth.models import Permission, User
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible
from tests.browser.session import log_in_as
from tests.two_factor import add_app_device

PASSWORD = "protokoll-im-browser-2026"
WRONG = "Falsch-und-geheim-2026"


@pytest.fixture
def base(transactional_db, live_server) -> str:
    reader = User.objects.create_user("protokoll", password=PASSWORD, is_staff=True)
    reader.user_permissions.add(Permission.objects.get(codename="view_securityevent"))
    add_app_device(reader)  # admin access needs the second factor
    User.objects.create_user("jemand", password=PASSWORD)
    return live_server.url


def fail_login(page, url: str, username: str) -> None:
    page.goto(url)
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(WRONG)
    page.locator("form:has(#id_username) [type=submit]").click()


def forgive_429(page) -> None:
    """The lock's 429 is the point of a test here, not a fault."""
    problems = page.problems
    problems.failed_requests[:] = [r for r in problems.failed_requests if not r.startswith("429")]
    problems.console_errors[:] = [e for e in problems.console_errors if "429" not in e]


def test_a_reader_filters_searches_and_opens_the_log_read_only(page, base):
    fail_login(page, base + "/verwaltung/anmelden/", "jemand")
    log_in_as(page, base, "protokoll")
    page.goto(base + "/admin/")
    page.get_by_role("rowheader", name="Sicherheitsprotokoll").get_by_role("link").click()
    rows = page.locator("#result_list tbody tr")
    expect(rows.filter(has_text="Fehlgeschlagene Anmeldung: jemand")).to_have_count(1)
    expect(page.locator("a.addlink")).to_have_count(0)
    expect(page.locator("select[name=action]")).to_have_count(0)
    assert WRONG not in page.content()
    assert_accessible(page)

    page.locator("#changelist-filter").get_by_role("link", name="Fehlgeschlagene Anmeldung").click()
    expect(rows).to_have_count(1)
    page.locator("#searchbar").fill("jemand")
    page.locator("#searchbar").press("Enter")
    expect(page).to_have_url(re.compile(r"q=jemand"))
    expect(rows).to_have_count(1)
    assert_accessible(page)

    rows.first.get_by_role("link").first.click()
    expect(page.locator("#content")).to_contain_text("Fehlgeschlagene Anmeldung: jemand")
    expect(page.locator("input[name=_save]")).to_have_count(0)
    expect(page.locator("a.deletelink")).to_have_count(0)
    assert WRONG not in page.content()
    assert_accessible(page)


def test_the_username_lock_on_the_admin_login(page, base):
    for _attempt in range(5):
        fail_login(page, base + "/admin/login/", "jemand")
    expect(page.get_by_role("heading", level=1)).to_have_text("Anmeldung vorübergehend gesperrt")
    expect(page.locator("main")).to_contain_text("mit diesem Benutzernamen")
    assert_accessible(page)
    forgive_429(page)
