"""What people receive, read as they receive it: the raw bytes a real SMTP server accepted.

Headers are read undecoded, as a mail client's header parser sees them; each MIME part is
decoded only by its own Content-Transfer-Encoding and charset, as a mail client renders it.
"""

from __future__ import annotations

import datetime
import email
import email.policy
import re
from html.parser import HTMLParser

import pytest
import time_machine
from django.utils import timezone

from candidates import services as candidate_services
from followups import outbound_mail, services
from followups.models import Cadence, FollowUp
from hiring_leaders import services as requisition_services
from tests.candidates.factories import ApplicationFactory, CandidateFactory
from tests.followups import harness
from tests.hiring_leaders.factories import (
    CompanyFactory,
    HiringLeaderFactory,
    RequisitionFactory,
)

pytestmark = pytest.mark.django_db

SITE = "https://crm.example.com"
CHECKIN_SUBJECT = "How are your first"


@pytest.fixture
def mailbox(settings):
    with harness.smtp_sink() as (box, port):
        settings.MAILERS = {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": 5},
            }
        }
        settings.SITE_URL = SITE
        yield box
        outbound_mail.drop()


def send_everything_due() -> None:
    while claims := services.followups_claim_due():
        services.followups_deliver_claimed(
            followup_ids=[c.followup_id for c in claims], token=claims[0].token
        )


def received(mailbox, to: str, subject: str = "") -> bytes:
    (raw,) = [
        r
        for r, m in zip(mailbox.raw, mailbox.messages, strict=True)
        if m["To"] == to and str(m["Subject"]).startswith(subject)
    ]
    return raw


def raw_header_block(raw: bytes) -> str:
    return raw.split(b"\r\n\r\n", 1)[0].decode("ascii")


def raw_header(raw: bytes, name: str) -> str:
    """A header's value as it is on the wire, continuation lines included, nothing decoded."""
    match = re.search(
        rf"^{re.escape(name)}:([^\r\n]*(?:\r\n[ \t][^\r\n]*)*)", raw_header_block(raw), re.M
    )
    assert match, f"no {name} header in:\n{raw_header_block(raw)}"
    return match.group(1)


def parts(raw: bytes) -> dict[str, str]:
    """Each part's body as a mail client shows it: decoded by its transfer encoding and charset."""
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    found = {}
    for part in message.walk():
        if part.get_content_maintype() == "text":
            body = part.get_payload(decode=True)
            found[part.get_content_type()] = body.decode(part.get_content_charset() or "ascii")
    return found


class _Visible(HTMLParser):
    def __init__(self):
        super().__init__()
        self.text: list[str] = []
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._href = dict(attrs).get("href")

    def handle_endtag(self, tag):
        if tag == "a":
            self._href = None

    def handle_data(self, data):
        self.text.append(data)
        if self._href:
            self.links.append((self._href, data))


def rendered(html: str) -> _Visible:
    page = _Visible()
    page.feed(html)
    return page


@pytest.fixture
def awkward_hire(recruiter):
    """A new hire and a role whose names need escaping in HTML and encoding in headers."""
    company = CompanyFactory(name="Smith & Sons <Holdings>")
    leader = HiringLeaderFactory(
        company=company, first_name="Zoë", last_name="D'Arcy", email="zoe@smith.example"
    )
    requisition = RequisitionFactory(
        title="FP&A Analyst <Lead>", company=company, hiring_leader=leader, recruiter=recruiter
    )
    hire = CandidateFactory(
        first_name="Siobhán", last_name="O'Brien", email="siobhan@example.org", owner=recruiter
    )
    application = ApplicationFactory(candidate=hire, requisition=requisition, stage="offer")
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)):
        placement = candidate_services.placement_record(
            application=application, start_date=datetime.date(2026, 3, 2), by=recruiter
        )
    FollowUp.objects.exclude(placement=placement).delete()
    return placement


def day_30(awkward_hire):
    return time_machine.travel(datetime.datetime(2026, 4, 2, 12, 0, tzinfo=datetime.UTC))


def test_list_unsubscribe_reaches_the_mail_client_as_a_plain_link(
    shipped_cadences, mailbox, awkward_hire
):
    with day_30(awkward_hire):
        send_everything_due()
    raw = received(mailbox, "siobhan@example.org", CHECKIN_SUBJECT)

    value = raw_header(raw, "List-Unsubscribe")
    assert "=?" not in value  # no RFC 2047 encoded-words
    assert re.fullmatch(rf" <{re.escape(SITE)}/unsubscribe/[A-Za-z0-9_:\-]+/>", value), value
    assert raw_header(raw, "List-Unsubscribe-Post") == " List-Unsubscribe=One-Click"
    assert raw_header_block(raw).isascii()


def test_names_with_quotes_ampersands_and_accents_are_escaped_exactly_once_in_html(
    shipped_cadences, mailbox, awkward_hire
):
    with day_30(awkward_hire):
        send_everything_due()
    raw = received(mailbox, "siobhan@example.org", CHECKIN_SUBJECT)

    body = parts(raw)
    html, text = body["text/html"], body["text/plain"]
    assert "&amp;amp;" not in html
    assert "&amp;#x27;" not in html
    assert "&amp;lt;" not in html
    assert "FP&amp;A Analyst &lt;Lead&gt;" in html
    shown = " ".join("".join(rendered(html).text).split())
    assert "Hi Siobhán," in shown
    assert "you started as FP&A Analyst <Lead> at Smith & Sons <Holdings>" in shown
    # The plain-text part is not HTML at all.
    assert "FP&A Analyst <Lead> at Smith & Sons <Holdings>" in text
    assert "&amp;" not in text


def test_links_in_the_html_part_are_real_links(shipped_cadences, mailbox, awkward_hire):
    with day_30(awkward_hire):
        send_everything_due()
    raw = received(mailbox, "siobhan@example.org", CHECKIN_SUBJECT)

    links = rendered(parts(raw)["text/html"]).links
    hrefs = [href for href, _ in links]
    assert any(href.startswith(f"{SITE}/checkin/") for href in hrefs), hrefs
    assert any(href.startswith(f"{SITE}/unsubscribe/") for href in hrefs), hrefs
    checkin = next(href for href in hrefs if "/checkin/" in href)
    assert checkin in parts(raw)["text/plain"]  # the same link in both parts


def test_the_weekly_update_links_the_leader_to_the_progress_page(
    shipped_cadences, mailbox, requisition
):
    services.followups_schedule_weekly_update(requisition=requisition)
    weekly = FollowUp.objects.get(cadence_step__cadence__trigger="requisition_open_weekly")
    FollowUp.objects.filter(pk=weekly.pk).update(due_at=timezone.now())
    send_everything_due()
    raw = received(mailbox, requisition.hiring_leader.email)

    # The digest's link says which digest it came from, so opening it is recorded as seen.
    progress = f"{SITE}/leader/requisitions/{requisition.pk}/?digest={weekly.pk}"
    assert progress in [href for href, _ in rendered(parts(raw)["text/html"]).links]
    assert progress in parts(raw)["text/plain"]


def test_a_subject_with_accents_is_encoded_and_reads_back_the_same(
    shipped_cadences, mailbox, awkward_hire
):
    with day_30(awkward_hire):
        send_everything_due()
    raw = received(mailbox, "zoe@smith.example")

    assert "Siob" in raw_header(raw, "Subject") or "=?utf-8?" in raw_header(raw, "Subject")
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert str(parsed["Subject"]) == "How is Siobhán settling in?"


def test_the_new_hire_is_congratulated_with_their_start_date(
    shipped_cadences, mailbox, awkward_hire
):
    send_everything_due()
    raw = received(mailbox, "siobhan@example.org", "Congratulations")

    text = parts(raw)["text/plain"]
    assert "Congratulations on your new role as FP&A Analyst <Lead> at Smith & Sons" in text
    assert "Your start date is Monday 2 March 2026." in text
    assert str(email.message_from_bytes(raw, policy=email.policy.default)["Subject"]) == (
        "Congratulations, Siobhán!"
    )


def test_the_leaders_on_hold_note_says_who_hears_it_as_the_rule_decides(
    shipped_cadences, mailbox, requisition, recruiter
):
    Cadence.objects.filter(trigger="requisition_on_hold").update(enabled=True)
    ApplicationFactory(requisition=requisition, stage="screened")
    requisition_services.requisition_put_on_hold(
        requisition=requisition, reason="Budget review", by=recruiter
    )
    send_everything_due()
    raw = received(mailbox, requisition.hiring_leader.email)

    said = "Everyone in the pipeline I have contacted, screened or put forward to you hears it "
    for part in ("text/plain", "text/html"):
        assert said in " ".join(parts(raw)[part].split()), part
    assert "already been in touch with" not in parts(raw)["text/plain"]
    assert "Budget review" in parts(raw)["text/plain"]
