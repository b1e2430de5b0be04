"""Fixtures for the browser tests: Playwright (sync API) driving Debian's Chromium.

pytest-playwright is not used; the browser is started once per test process and
pages are kept between tests with the same context options, reset to new after
each test (see _PooledPage), so cookies, storage and listeners never leak.
Playwright's own browser download is not used either (`make test` installs
Debian's chromium through scripts/ensure-chromium.sh).
"""

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.snapshot import load_bielefeld

# Same variable as scripts/ensure-chromium.sh.
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000
# Playwright's viewport when the context options name none.
DEFAULT_VIEWPORT = {"width": 1280, "height": 720}
# A kept page with a longer history is replaced (see _PooledPage).
HISTORY_KEPT = 20


@pytest.fixture(scope="session")
def browser() -> Iterator:
    # Fail loudly: a missing browser must not turn into silently skipped tests.
    if not Path(CHROMIUM).is_file() or not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}. The browser tests drive Debian's "
            "chromium; install it with `make chromium` (or `apt-get install chromium`), "
            "or point the CHROMIUM environment variable at a Chromium binary.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class PageProblems:
    """What went wrong in the browser while a test ran."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)

    def all(self) -> list[str]:
        return [
            *(f"console error: {text}" for text in self.console_errors),
            *(f"uncaught exception: {text}" for text in self.page_errors),
            *(f"failed request: {text}" for text in self.failed_requests),
        ]

    def clear(self) -> None:
        # In place: tests take the lists to drop the errors they expect.
        self.console_errors.clear()
        self.page_errors.clear()
        self.failed_requests.clear()


@dataclass
class _PooledPage:
    """A page kept for the next test that asks for the same context options.

    A new context and page cost Chromium about 0.5 s of CPU (a renderer process
    started and stopped, every asset fetched again), some 40 s of the suite.
    Between tests the page is reset to what a new one would be: the test's own
    event listeners removed, cookies and web storage cleared, media emulation
    and viewport as the options say, the page blank. Its history cannot be
    cleared, and Chromium keeps at most 50 entries (tests count them after an
    HTMX request): a page past HISTORY_KEPT entries is replaced, as is a page
    that cannot be reset.
    """

    page: Any
    options: dict
    problems: PageProblems = field(default_factory=PageProblems)
    listeners: list[tuple[str, Callable]] = field(default_factory=list)

    @classmethod
    def open(cls, browser, options: dict) -> "_PooledPage":
        from playwright.sync_api import Page

        context = browser.new_context(locale="de-DE", **options)
        context.set_default_timeout(TIMEOUT_MS)
        # The live server serves each connection in a thread with its own database
        # connection; idle keep-alive sockets of kept pages would hold them open.
        context.set_extra_http_headers({"Connection": "close"})
        page = context.new_page()
        pooled = cls(page, options)
        problems = pooled.problems

        def on_console(message) -> None:
            url = (message.location or {}).get("url", "")
            if message.type == "error":
                problems.console_errors.append(f"{message.text} ({url or '?'})")

        def on_response(response) -> None:
            if response.status >= 400:
                problems.failed_requests.append(f"{response.status} {response.url}")

        def on_request_failed(request) -> None:
            # A request the browser drops because the page navigated away is no fault.
            if request.failure != "net::ERR_ABORTED":
                problems.failed_requests.append(f"{request.failure} {request.url}")

        page.on("console", on_console)
        page.on("pageerror", lambda error: problems.page_errors.append(str(error)))
        page.on("response", on_response)
        page.on("requestfailed", on_request_failed)
        page.problems = problems

        # The test's listeners are noted, so that the reset can remove them.
        def on(event: str, listener: Callable) -> None:
            pooled.listeners.append((event, listener))
            Page.on(page, event, listener)

        def once(event: str, listener: Callable) -> None:
            pooled.listeners.append((event, listener))
            Page.once(page, event, listener)

        page.on, page.once = on, once
        return pooled

    def reset(self) -> bool:
        """Make the page as new for the next test; False if that failed."""
        from playwright.sync_api import Page

        page = self.page
        try:
            for event, listener in self.listeners:
                page.remove_listener(event, listener)
            self.listeners.clear()
            if page.url.startswith("http"):
                page.evaluate("() => { localStorage.clear(); sessionStorage.clear(); }")
            # Leaving a page with unsaved input asks first (static/js/matrix.js).
            leave = lambda dialog: dialog.accept()  # noqa: E731
            Page.on(page, "dialog", leave)
            try:
                page.goto("about:blank")
            finally:
                page.remove_listener("dialog", leave)
            page.emulate_media(media="null")
            viewport = self.options.get("viewport", DEFAULT_VIEWPORT)
            if page.viewport_size != viewport:
                page.set_viewport_size(viewport)
            page.context.clear_cookies()
            if page.evaluate("() => history.length") > HISTORY_KEPT:
                return False
        except Exception:  # noqa: BLE001 - any failure: the page is replaced
            return False
        self.problems.clear()
        return True

    def close(self) -> None:
        self.page.context.close()


@pytest.fixture(scope="session")
def _page_pool(browser) -> Iterator[dict[str, list[_PooledPage]]]:
    """Pages by their context options, kept for the whole test process."""
    pool: dict[str, list[_PooledPage]] = {}
    yield pool
    for pages in pool.values():
        for pooled in pages:
            pooled.close()


@pytest.fixture
def new_page(browser, _page_pool) -> Iterator[Callable]:
    """Factory for pages as new (see _PooledPage); each page records its problems.

    Console errors include Chromium's reports of Content-Security-Policy
    violations. At the end of the test every page must be free of problems.
    """
    handed: list[tuple[str, _PooledPage]] = []

    def make(**context_options):
        key = repr(sorted(context_options.items()))
        pages = _page_pool.setdefault(key, [])
        in_use = {id(pooled) for _key, pooled in handed}
        pooled = next((p for p in pages if id(p) not in in_use), None)
        if pooled is None:
            pooled = _PooledPage.open(browser, context_options)
            pages.append(pooled)
        handed.append((key, pooled))
        return pooled.page

    yield make

    try:
        problems = [problem for _key, pooled in handed for problem in pooled.problems.all()]
        assert not problems, "The browser reported problems:\n" + "\n".join(problems)
    finally:
        for key, pooled in handed:
            if not pooled.reset():
                _page_pool[key].remove(pooled)
                pooled.close()


@pytest.fixture
def page(new_page):
    """A page with JavaScript on, as new (see _PooledPage)."""
    return new_page()


@pytest.fixture
def bielefeld_live(transactional_db, live_server) -> Iterator[str]:
    """The live server's base URL (no trailing slash), with the Bielefeld plan loaded.

    The live server runs in another thread, hence a transactional database: the
    plan must be committed for the server to see it. Editions a test published
    are removed by the clean-up after the test (tests/database.py), past the
    trigger that refuses their deletion.
    """
    load_bielefeld()
    yield live_server.url
