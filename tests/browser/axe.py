"""Automated WCAG 2.1 A/AA checks with axe-core (bundled by axe-playwright-python)."""

from axe_playwright_python.base import AxeResults
from axe_playwright_python.sync_playwright import Axe

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}

_axe = Axe()

# axe.min.js is about 570 kB: sent to the browser and parsed once per page load,
# not once per check (Axe.run injects it every time). A check after an htmx swap
# or a keypress reuses the copy the page already has; a navigation drops it.
_RUN = """options => axe.run(document, options).then(r => ({violations: r.violations}))"""


def assert_accessible(page) -> None:
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe.axe_script)
    results = AxeResults(page.evaluate(_RUN, AXE_OPTIONS))
    assert results.violations_count == 0, f"axe on {page.url}:\n{results.generate_report()}"
