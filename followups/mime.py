"""The bytes an SMTP server receives for a follow-up, written directly.

The email package parses every header it is given back into objects and folds it again on the
way out: 18 header parses and about 1.7 ms a message, most of a send's CPU. A follow-up always
has the same shape (multipart/alternative, a plain-text and an HTML part, a fixed set of
headers), so the parts every message of a sender shares are worked out once per process and a
recipient's own values are written in as they are. Anything unusual (an address with non-ASCII
characters, a header that would need folding) returns None and goes the email package's way.
"""

from __future__ import annotations

import binascii
import email.utils
import functools
import secrets
from email.header import Header

# RFC 5322 allows 998 characters a line; well below it, nothing needs folding.
LONGEST_HEADER = 900


def _plain(value: str) -> bool:
    return value.isascii() and "\r" not in value and "\n" not in value


@functools.lru_cache(maxsize=64)
def _address_header(name: str, value: str) -> bytes:
    """From (and other fixed addresses) encoded the email package's way, once per process."""
    import email.policy
    from email.message import EmailMessage

    message = EmailMessage(policy=email.policy.SMTP)
    message[name] = value
    return message.as_bytes().split(b"\r\n\r\n", 1)[0] + b"\r\n"


def _subject(subject: str) -> bytes:
    if _plain(subject) and len(subject) < LONGEST_HEADER - 10:
        return f"Subject: {subject}\r\n".encode("ascii")
    # Encoded words (RFC 2047), folded by the email package: only for accents and the like.
    encoded = Header(subject, "utf-8", header_name="Subject").encode(linesep="\r\n")
    return f"Subject: {encoded}\r\n".encode("ascii")


def _quoted_printable(text: str) -> bytes:
    lines = text.replace("\r\n", "\n").replace("\r", "\n")
    encoded = binascii.b2a_qp(lines.encode("utf-8"), quotetabs=False, istext=True)
    return encoded.replace(b"\n", b"\r\n")


def _part(subtype: str, text: str) -> bytes:
    return (
        f'Content-Type: text/{subtype}; charset="utf-8"\r\n'
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n".encode("ascii")
        + _quoted_printable(text)
        + b"\r\n"
    )


def followup_mime(
    *,
    subject: str,
    text: str,
    html: str,
    from_email: str,
    to: str,
    reply_to: str | None,
    headers: dict[str, str],
) -> bytes | None:
    """The whole message as sent over SMTP (CRLF line ends, before dot-stuffing), or None when
    something in it needs the email package."""
    fixed = [to, reply_to or "", *headers.values()]
    if not all(_plain(v) and len(v) < LONGEST_HEADER for v in fixed):
        return None
    boundary = f"=_{secrets.token_hex(12)}"
    head = [
        b"MIME-Version: 1.0\r\n",
        f'Content-Type: multipart/alternative; boundary="{boundary}"\r\n'.encode("ascii"),
        _subject(subject),
        _address_header("From", from_email),
        f"To: {to}\r\n".encode("ascii"),
    ]
    if reply_to:
        head.append(f"Reply-To: {reply_to}\r\n".encode("ascii"))
    head.append(f"Date: {email.utils.formatdate()}\r\n".encode("ascii"))
    head.extend(f"{name}: {value}\r\n".encode("ascii") for name, value in headers.items())
    separator = f"--{boundary}\r\n".encode("ascii")
    return b"".join(
        [
            *head,
            b"\r\n",
            separator,
            _part("plain", text),
            separator,
            _part("html", html),
            f"--{boundary}--\r\n".encode("ascii"),
        ]
    )
