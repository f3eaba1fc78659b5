"""Accessibility as axe-core (from axe-playwright-python) reports it on a page in Chromium."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe


def serious_violations(page) -> list[str]:
    """The serious and critical axe-core violations on the page, each said in one line."""
    # The page as people see it, styled: checked before its stylesheets apply, a link set off by
    # an underline is one "distinguishable only by colour" (a click returns as the next page
    # starts, so the check could catch it half loaded).
    page.wait_for_load_state("load")
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
