from __future__ import annotations

from django.http import HttpResponse


def trivial(request):
    """The yardstick: what any page costs before it does anything of its own (every middleware,
    URL routing, a response). Mounted only when BENCH_TIMING is true."""
    return HttpResponse("ok", content_type="text/plain")


def leader_digest(request, leader_id: int):
    """A hiring leader's weekly digest built as the worker builds it before sending (every role
    read, both parts rendered), returned as its text part: what `make bench` times as
    "leader-digest-10-roles". Mounted only when BENCH_TIMING is true."""
    from django.shortcuts import get_object_or_404
    from django.utils import timezone

    from followups import digest
    from hiring_leaders.models import HiringLeader

    leader = get_object_or_404(HiringLeader.objects.select_related("company"), pk=leader_id)
    found = digest.leader_digest(leader=leader, until=timezone.now(), digest_id=1)
    text, _ = digest.digest_bodies(
        found,
        intro_text=f"Hi {leader.first_name},",
        intro_html=f"<p>Hi {leader.first_name},</p>",
        footer={"recruiter": request.user, "unsubscribe_link": "https://bench.invalid/u/"},
    )
    return HttpResponse(text, content_type="text/plain; charset=utf-8")
