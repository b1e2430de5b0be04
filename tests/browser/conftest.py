"""Fixtures for the browser tests: Playwright (sync API) driving Debian's Chromium.

pytest-playwright is not used; the browser is started once per session and every
test gets a fresh context, so cookies and history never leak between tests.
Playwright's own browser download is not used either (`make test` installs
Debian's chromium through scripts/ensure-chromium.sh).
"""

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

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


@pytest.fixture
def new_page(browser) -> Iterator[Callable]:
    """Factory for pages in fresh contexts; each page records its problems.

    Console errors include Chromium's reports of Content-Security-Policy
    violations. At the end of the test every page must be free of problems.
    """
    contexts = []
    watched = []

    def make(**context_options):
        context = browser.new_context(locale="de-DE", **context_options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        problems = PageProblems()

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
        watched.append(page)
        return page

    yield make

    try:
        problems = [problem for page in watched for problem in page.problems.all()]
        assert not problems, "The browser reported problems:\n" + "\n".join(problems)
    finally:
        for context in contexts:
            context.close()


@pytest.fixture
def page(new_page):
    """A page with JavaScript on, in a fresh browser context."""
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
