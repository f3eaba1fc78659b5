"""Tasks for the recruiter written by the system (a failure, a flag), not from a cadence."""

from __future__ import annotations

import datetime

from django.utils import timezone

from followups.models import (
    Audience,
    Channel,
    FollowUp,
)
from recruitcrm.models import User


def recruiter_task_create(
    *,
    recruiter: User,
    title: str,
    key: str,
    due_at: datetime.datetime | None = None,
    **about,
) -> FollowUp:
    """A task in the recruiter's queue; the same key never makes a second one."""
    task = FollowUp(
        key=key,
        audience=Audience.RECRUITER,
        channel=Channel.TASK,
        recruiter=recruiter,
        task_title=title[:300],
        due_at=due_at or timezone.now(),
        **about,
    )
    FollowUp.objects.bulk_create([task], ignore_conflicts=True)
    return FollowUp.objects.get(key=key)
