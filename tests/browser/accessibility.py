"""axe-core (axe-playwright-python) on every page a browser test opens; serious and critical ones fail."""

from contextlib import suppress

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Error, Page

FAILING = ("serious", "critical")
_axe = Axe()


def violations(page: Page) -> list[str]:
    """Return the page's serious and critical axe violations as lines (rule, count, first element)."""
    results = _axe.run(page)
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] in FAILING:
            nodes = violation["nodes"]
            where = nodes[0]["target"]
            found.append(f"{page.url} {violation['id']} ×{len(nodes)} {where}: {violation['help']}")
    return found


def watch(page: Page, found: list[str]) -> None:
    """Check every page the test loads, as it finishes loading."""

    def check(loaded: Page) -> None:
        # A page the test leaves before the check finishes is skipped; the next one is checked.
        with suppress(Error):
            found.extend(violations(loaded))

    page.on("load", check)
