"""Thin Celery wrappers for the leaders' side."""

from __future__ import annotations

from celery import shared_task

from hiring_leaders.sign_in import leader_sign_in_send


@shared_task(ignore_result=True)
def send_leader_sign_in_link(email: str, next_url: str = "") -> None:
    # Run twice (a redelivery), it sends a second link; each works on its own, the first used
    # spends both. The person asked for one: nothing here retries.
    leader_sign_in_send(email=email, next_url=next_url)


@shared_task(ignore_result=True)
def refresh_calibration() -> int:
    """Count calibration's agency view again (hiring_leaders.calibration_snapshots): from beat,
    and after each change to the filled roles. Returns how many fills it judged, -1 when another
    refresh was counting."""
    from hiring_leaders.calibration_snapshots import calibration_refresh

    counted = calibration_refresh()
    return -1 if counted is None else counted.overall.judged
