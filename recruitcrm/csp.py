"""Pieces of the Content-Security-Policy (settings.SECURE_CSP) worked out from the templates."""

from __future__ import annotations

import base64
import hashlib
from html.parser import HTMLParser
from pathlib import Path

_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# The HTML emails of both template engines.
EMAIL_TEMPLATE_FOLDERS = (_TEMPLATES / "emails", _TEMPLATES / "jinja2" / "emails")


class _StyleAttributes(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.found += [value for name, value in attrs if name == "style" and value]


def style_attributes(html: str) -> list[str]:
    """Every style="" value in `html`, as the browser reads it (character references decoded)."""
    parser = _StyleAttributes()
    parser.feed(html)
    parser.close()
    return parser.found


def email_style_hashes() -> list[str]:
    """CSP hash sources for the inline style attributes of the HTML emails.

    Emails need inline styles (mail clients drop style sheets), and the template editor previews
    one inside the page, in an iframe that inherits the page's policy. Hashing exactly these
    attributes lets the preview look like the email without allowing any other inline style.
    They must be literal text, never {{ … }}, or the hash would not match (a test checks)."""
    values = set()
    for template in sorted(email_templates()):
        values.update(style_attributes(template.read_text()))
    return [f"'sha256-{_sha256(value)}'" for value in sorted(values)]


def email_templates() -> list[Path]:
    return [path for folder in EMAIL_TEMPLATE_FOLDERS for path in folder.glob("*.html")]


def _sha256(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
