from __future__ import annotations

from followups import links
from followups.models import FollowUp


def checkin_for_token(*, token: str) -> FollowUp:
    """The check-in a signed link points at; a link to anything else is a bad link."""
    followup_id = links.followup_id_from_checkin_token(token)
    followup = (
        FollowUp.objects.select_related(
            "placement__application__candidate",
            "placement__application__requisition__company",
            "candidate",
            "hiring_leader",
            "recruiter",
            "response",
        )
        .filter(pk=followup_id, placement__isnull=False)
        .first()
    )
    if followup is None:
        raise links.BadLink("This check-in link is not valid.")
    return followup
