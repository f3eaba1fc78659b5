from __future__ import annotations

import functools

from django.http import Http404, HttpResponse

from recruitcrm.joined_rows import Prepared, Table, joined_rows, select_list


def trivial(request):
    """The yardstick: what any page costs before it does anything of its own (every middleware,
    URL routing, a response). Mounted only when BENCH_TIMING is true."""
    return HttpResponse("ok", content_type="text/plain")


def leader_digest(request, leader_id: int):
    """A hiring leader's weekly digest built as the worker builds it before sending (every role
    read, both parts rendered), returned as its text part: what `make bench` times as
    "leader-digest-10-roles". Mounted only when BENCH_TIMING is true."""
    from django.utils import timezone

    from followups import digest

    leader = _leader(leader_id)
    found = digest.leader_digest(leader=leader, until=timezone.now(), digest_id=1)
    text, _ = digest.digest_bodies(
        found,
        intro_text=f"Hi {leader.first_name},",
        intro_html=f"<p>Hi {leader.first_name},</p>",
        footer={"recruiter": request.user, "unsubscribe_link": "https://bench.invalid/u/"},
    )
    return HttpResponse(text, content_type="text/plain; charset=utf-8")


def _leader(pk: int):
    """The leader with their company, as the worker reads them with the follow-up it sends.
    A prepared statement: the ORM took 0.7 ms of CPU to build and load this one-row read, as
    much as a third of the digest itself."""
    for (leader, company), _ in joined_rows(_leader_statement(), {"pk": pk}, _leader_tables()):
        leader.company = company
        return leader
    raise Http404


@functools.cache
def _leader_tables() -> tuple[Table, Table]:
    from hiring_leaders.models import Company, HiringLeader

    return Table(HiringLeader, "hl"), Table(Company, "co")


@functools.cache
def _leader_statement() -> Prepared:
    leader, company = _leader_tables()
    sql = (
        f"SELECT {select_list([leader, company])} FROM {leader.model._meta.db_table} hl"
        f" JOIN {company.model._meta.db_table} co ON co.id = hl.company_id WHERE hl.id = %(pk)s"
    )
    return Prepared("bench_digest_leader", sql)
