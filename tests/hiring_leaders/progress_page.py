"""The progress page as a browser assembles it: its shell, each placeholder replaced by the part
htmx loads into it (hiring_leaders.views.PARTS). Tests that read what a leader sees on the page
read this; tests of one part or of the shell alone fetch those."""

from __future__ import annotations

import html
import re

# A part's placeholder in the shell (requisition_progress.html's `placeholder` macro).
PLACEHOLDER = re.compile(
    r'<section class="panel progress-part" id="(?P<part>[a-z]+)"[^>]*'
    r'data-hx-get="(?P<url>[^"]+)"[^>]*>.*?</section>',
    re.S,
)


def part_urls(response) -> dict[str, str]:
    """The URL of each part the shell loads, by name."""
    return {
        m["part"]: html.unescape(m["url"]) for m in PLACEHOLDER.finditer(response.content.decode())
    }


def open_page(client, url: str, data: dict | None = None):
    """GET the page and load its parts as htmx would; the response's content is the whole page."""
    response = client.get(url, data or {})
    if response.status_code != 200:
        return response

    def load(match: re.Match) -> str:
        part = client.get(html.unescape(match["url"]), headers={"HX-Request": "true"})
        assert part.status_code == 200, (match["url"], part.status_code)
        return part.content.decode()

    response.content = PLACEHOLDER.sub(load, response.content.decode()).encode()
    return response
