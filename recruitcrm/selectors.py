from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from recruitcrm.models import Heartbeat


@dataclass(frozen=True)
class ProcessStatus:
    process: str
    label: str
    last_seen_at: datetime | None
    hostname: str

    @property
    def is_stale(self) -> bool:
        if self.last_seen_at is None:
            return True
        return timezone.now() - self.last_seen_at > settings.HEARTBEAT_STALE_AFTER


def system_status() -> list[ProcessStatus]:
    seen = {h.process: h for h in Heartbeat.objects.all()}
    return [
        ProcessStatus(
            process=value,
            label=label,
            last_seen_at=seen[value].last_seen_at if value in seen else None,
            hostname=seen[value].hostname if value in seen else "",
        )
        for value, label in Heartbeat.Process.choices
    ]
