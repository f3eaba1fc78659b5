"""Who a touch goes to, and whether email may reach them."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection

from candidates.models import (
    Application,
    Candidate,
    Commitment,
    Placement,
)
from followups.models import Audience, SuppressedAddress
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

    def person_for(self, audience: str) -> Candidate | HiringLeader | None:
        """The person a step for this audience is addressed to. Everything about the touch
        (time zone, address, opt-out) comes from them: a check-in to the hiring leader about a
        new hire is timed for the leader and blocked only by the leader's own opt-out."""
        if audience in (Audience.CANDIDATE, Audience.NEW_HIRE):
            return self.candidate
        if audience == Audience.HIRING_LEADER:
            return self.hiring_leader
        return None

    def zone_for(self, audience: str) -> str:
        """The time zone a step for this audience is timed in: the addressee's own, else what
        we can tell of where they are, else the site's."""
        person = self.person_for(audience)
        if isinstance(person, HiringLeader):
            return person.time_zone or person.company.time_zone
        if isinstance(person, Candidate):
            # A new hire with no zone of their own works where the company is.
            if not person.time_zone and audience == Audience.NEW_HIRE and self.requisition:
                return self.requisition.company.time_zone
            return person.time_zone
        return self.recruiter.time_zone

    @property
    def people(self) -> list[Candidate | HiringLeader]:
        return [person for person in (self.candidate, self.hiring_leader) if person is not None]


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
    """One query for a whole batch of recipients instead of one per message.

    Written SQL (the unique index on the lower-cased address answers it): building the ORM's
    `email__in` query cost more than running it, a tenth of the outbox's failed emails page."""
    wanted = {address.lower() for address in addresses if address}
    if not wanted:
        return set()
    marks = ", ".join(["%s"] * len(wanted))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT email FROM {_SUPPRESSED} WHERE email IN ({marks})", list(wanted))
        return {email for (email,) in cursor.fetchall()}


_SUPPRESSED = SuppressedAddress._meta.db_table
