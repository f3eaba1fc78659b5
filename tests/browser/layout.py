"""How a page lays out in the browser, checked as people see it."""

from __future__ import annotations


def page_width(page) -> int:
    """The page's full width, once it has loaded: before its stylesheets apply it is as wide as
    its longest unstyled line (a click on a link returns as soon as the next page starts)."""
    page.wait_for_load_state("load")
    return page.evaluate("document.documentElement.scrollWidth")


def fits(page, width: int) -> bool:
    """Whether the page needs no sideways scrolling at `width`."""
    return page_width(page) <= width
