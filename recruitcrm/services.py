from __future__ import annotations

import socket

from django.utils import timezone

from recruitcrm.models import Heartbeat


def heartbeat_record(*, process: str) -> Heartbeat:
    heartbeat, _ = Heartbeat.objects.update_or_create(
        process=process,
        defaults={"last_seen_at": timezone.now(), "hostname": socket.gethostname()},
    )
    return heartbeat
