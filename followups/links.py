"""Signed links in emails: answer a check-in, or stop emails. They work without a login."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core import signing
from django.urls import reverse

from candidates.models import Candidate
from hiring_leaders.models import HiringLeader

CHECKIN_SALT = "followups.checkin"
OPT_OUT_SALT = "followups.opt-out"
# A check-in asked on day 30 may reasonably be answered a few weeks later, not next year.
CHECKIN_LINK_LIFETIME = datetime.timedelta(days=45)

_PERSON_KINDS = {"c": Candidate, "l": HiringLeader}


class BadLink(Exception):
    """The link was altered, or is too old; the page says so instead of failing."""

    def __init__(self, message: str, *, expired: bool = False):
        super().__init__(message)
        self.expired = expired


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def checkin_token(followup_id: int) -> str:
    return signing.dumps({"f": followup_id}, salt=CHECKIN_SALT, compress=True)


def checkin_link(followup_id: int) -> str:
    return absolute(reverse("followups:checkin", args=[checkin_token(followup_id)]))


def followup_id_from_checkin_token(token: str) -> int:
    try:
        data = signing.loads(
            token, salt=CHECKIN_SALT, max_age=CHECKIN_LINK_LIFETIME.total_seconds()
        )
    except signing.SignatureExpired:
        raise BadLink("This check-in link has expired.", expired=True) from None
    except signing.BadSignature:
        raise BadLink("This check-in link is not valid.") from None
    # Signed by us but not of the shape we sign (an old format, a key shared with another
    # app): as unusable as a forged one.
    try:
        return _row_id(data["f"])
    except (KeyError, TypeError, ValueError):
        raise BadLink("This check-in link is not valid.") from None


def _row_id(value) -> int:
    """A primary key as the database can hold it; anything else is a ValueError."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(value)
    number = int(value)
    if not 0 < number < 2**63:
        raise ValueError(value)
    return number


def opt_out_token(person: Candidate | HiringLeader) -> str:
    kind = "c" if isinstance(person, Candidate) else "l"
    # Unsubscribe links must keep working for as long as the email sits in an inbox: no expiry.
    return signing.dumps({"k": kind, "id": person.pk}, salt=OPT_OUT_SALT, compress=True)


def opt_out_link(person: Candidate | HiringLeader) -> str:
    return absolute(reverse("followups:opt_out", args=[opt_out_token(person)]))


def person_from_opt_out_token(token: str) -> Candidate | HiringLeader:
    try:
        data = signing.loads(token, salt=OPT_OUT_SALT)
        model = _PERSON_KINDS[data["k"]]
        return model.objects.get(pk=_row_id(data["id"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise BadLink("This unsubscribe link is not valid.") from None
    except (Candidate.DoesNotExist, HiringLeader.DoesNotExist):
        raise BadLink("We no longer hold any details for this link.") from None


# ---------- interview panels (issue 9) ----------

PANEL_KIT_SALT = "followups.panel-kit"
SCORECARD_SALT = "followups.scorecard"
# A kit is read for as long as the role is interviewing; a scorecard link is for one interview.
PANEL_KIT_LINK_LIFETIME = datetime.timedelta(days=365)
SCORECARD_LINK_LIFETIME = datetime.timedelta(days=60)


def panel_kit_token(member_id: int) -> str:
    return signing.dumps({"m": member_id}, salt=PANEL_KIT_SALT, compress=True)


def panel_kit_link(member_id: int) -> str:
    return absolute(reverse("panel:kit", args=[panel_kit_token(member_id)]))


def scorecard_token(scorecard_id: int) -> str:
    return signing.dumps({"s": scorecard_id}, salt=SCORECARD_SALT, compress=True)


def scorecard_link(scorecard_id: int) -> str:
    return absolute(reverse("panel:scorecard", args=[scorecard_token(scorecard_id)]))


def _signed_id(token: str, *, salt: str, key: str, lifetime, what: str) -> int:
    try:
        data = signing.loads(token, salt=salt, max_age=lifetime.total_seconds())
    except signing.SignatureExpired:
        raise BadLink(f"This {what} link has expired.", expired=True) from None
    except signing.BadSignature:
        raise BadLink(f"This {what} link is not valid.") from None
    try:
        return _row_id(data[key])
    except (KeyError, TypeError, ValueError):
        raise BadLink(f"This {what} link is not valid.") from None


def panel_member_id_from_token(token: str) -> int:
    return _signed_id(
        token, salt=PANEL_KIT_SALT, key="m", lifetime=PANEL_KIT_LINK_LIFETIME, what="interview kit"
    )


def scorecard_id_from_token(token: str) -> int:
    return _signed_id(
        token, salt=SCORECARD_SALT, key="s", lifetime=SCORECARD_LINK_LIFETIME, what="scorecard"
    )
