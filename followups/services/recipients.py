"""Who a touch goes to, and whether email may reach them."""

from __future__ import annotations

from dataclasses import dataclass, field

from candidates.models import (
    Application,
    Candidate,
    Commitment,
    Placement,
)
from followups.models import (
    SuppressedAddress,
)
from hiring_leaders.models import HiringLeader, Requisition
from recruitcrm.models import User


@dataclass
class Target:
    """One recipient of a step, with what the touch is about."""

    recruiter: User
    candidate: Candidate | None = None
    hiring_leader: HiringLeader | None = None
    application: Application | None = None
    requisition: Requisition | None = None
    placement: Placement | None = None
    commitment: Commitment | None = None
    key: str = ""
    facts: dict = field(default_factory=dict)

    @property
    def person(self):
        return self.candidate or self.hiring_leader


def zone_of(person) -> str:
    if isinstance(person, HiringLeader):
        return person.time_zone or person.company.time_zone
    return getattr(person, "time_zone", "") or ""


def email_block(person, suppressed: set[str] | None = None) -> str:
    """Why this person must not get email, or '' if they may."""
    if person.opted_out_at is not None:
        return "opted out of email"
    if not person.email:
        return "has no email address"
    address = person.email.lower()
    if suppressed is None:
        suppressed = suppressed_among([address])
    if address in suppressed:
        return "email address refused mail before"
    return ""


def suppressed_among(addresses) -> set[str]:
    """One query for a whole batch of recipients instead of one per message."""
    wanted = {address.lower() for address in addresses if address}
    if not wanted:
        return set()
    return set(SuppressedAddress.objects.filter(email__in=wanted).values_list("email", flat=True))
