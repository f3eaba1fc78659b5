"""The pages `make bench` times, in the order its table shows them.

To time another page, add one line to PAGES: a name (what `--pages` selects), then a URL, or a
function that finds one in the data set from its cast (`sample_data.dataset.Cast`: recruiter1
with their book of 5,000 candidates in active pipelines, their big requisition with 2,000
applications, and its hiring leader), then whose session opens it (the recruiter, the leader,
or the data set's admin). A page that answers 404 shows as "not built yet" rather than failing
the run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count

from benchmarks.report import MEDIAN_TARGET
from candidates.models import Candidate
from sample_data.dataset import Cast

RECRUITER = "recruiter"
LEADER = "leader"
ADMIN = "admin"


@dataclass(frozen=True)
class Page:
    name: str
    url: str | Callable[[Cast], str]
    # The cast's recruiter; LEADER: the big requisition's leader; ADMIN: the data set's admin.
    as_: str = RECRUITER
    # Its median's bound, as a multiple of the trivial view's: issue #7's for every page,
    # unless an issue set the page a tighter one.
    median_target: float = MEDIAN_TARGET


def _first_of_the_book(cast: Cast) -> Candidate:
    return (
        Candidate.objects.filter(owner=cast.recruiter).exclude(email="").exclude(phone="")
    ).earliest("pk")


def candidate_page(cast: Cast) -> str:
    # The longest history among the book's first hundred: a candidate page at its heaviest.
    first = Candidate.objects.filter(owner=cast.recruiter).order_by("pk")[:100]
    busiest = (
        Candidate.objects.filter(pk__in=first.values("pk"))
        .annotate(entries=Count("activities"))
        .order_by("-entries", "pk")
        .first()
    )
    return f"/candidates/{busiest.pk}/"


def search_by_email(cast: Cast) -> str:
    return "/candidates/?" + urlencode({"q": _first_of_the_book(cast).email})


def search_by_phone(cast: Cast) -> str:
    # As a recruiter copies it from a signature, formatting and all.
    return "/candidates/?" + urlencode({"q": _first_of_the_book(cast).phone})


def candidates_after(skipped: int) -> Callable[[Cast], str]:
    """The list by name as "Next" reaches it after `skipped` people, in one request."""

    def url(cast: Cast) -> str:
        from candidates.keyset import cursor_encode

        by_name = Candidate.objects.order_by("last_name", "first_name", "pk")
        last_skipped = by_name.values_list("last_name", "first_name", "pk")[skipped - 1]
        return "/candidates/?" + urlencode({"after": cursor_encode(last_skipped)})

    return url


def requisition_filter(cast: Cast) -> str:
    return f"/candidates/?requisition={cast.big_requisition.pk}"


def pipeline_board(cast: Cast) -> str:
    return f"/requisitions/{cast.big_requisition.pk}/"


def leader_requisition_page(cast: Cast) -> str:
    # The progress page's shell: status, days open, forecast, who waits on the leader. Its parts
    # (funnel and effort, submitted candidates, timeline and promises) are timed on their own.
    return f"/leader/requisitions/{cast.big_requisition.pk}/"


def leader_requisition_part(part: str):
    """One part of the progress page, loaded after its shell (hiring_leaders.views.PARTS), timed
    as a page of its own: the whole layout around it, as a request without htmx gets it."""

    def url(cast: Cast) -> str:
        return f"/leader/requisitions/{cast.big_requisition.pk}/progress/{part}/"

    return url


def leader_progress_as_recruiter(cast: Cast) -> str:
    return f"/requisitions/{cast.big_requisition.pk}/as-leader/"


def outbox_next_page(cast: Cast) -> str:
    """The outbox's second page, as "Next" reaches it: keyset, so as cheap as the first."""
    from followups.outbox_selectors import outbox_page

    return "/followups/outbox/?" + urlencode({"after": outbox_page().next_cursor})


def requisition_intake(cast: Cast) -> str:
    # Its suggestion reads the agency's filled roles of the same family (one query).
    return f"/requisitions/{cast.big_requisition.pk}/intake/"


def requisition_analytics(cast: Cast) -> str:
    return f"/requisitions/{cast.big_requisition.pk}/analytics/"


def leader_requisition_analytics(cast: Cast) -> str:
    return f"/leader/requisitions/{cast.big_requisition.pk}/analytics/"


DIGEST_ROLES = 10


def leader_digest_10_roles(cast: Cast) -> str:
    """The weekly digest of the big requisition's leader, built with 10 open roles: the 2,000
    applications' history and nine more (open roles the data set gave others are handed to
    them once, so every run times the same digest)."""
    from hiring_leaders.models import Requisition

    leader = cast.big_requisition.hiring_leader
    open_roles = Requisition.objects.filter(status=Requisition.Status.OPEN)
    missing = DIGEST_ROLES - open_roles.filter(hiring_leader=leader).count()
    if missing > 0:
        others = open_roles.exclude(hiring_leader=leader).order_by("pk")[:missing]
        Requisition.objects.filter(pk__in=list(others.values_list("pk", flat=True))).update(
            hiring_leader=leader, company=leader.company
        )
    return f"/bench/digest/{leader.pk}/"


PAGES: tuple[Page, ...] = (
    Page("today", "/"),
    Page("today-candidates", "/?who=candidates"),
    Page("today-leaders", "/?who=leaders"),
    Page("candidates", "/candidates/"),
    Page("candidates-page-500", candidates_after(499 * 50)),
    Page("candidates-last-page", "/candidates/?before=end"),
    Page("sort-name-z-a", "/candidates/?sort=-name"),
    Page("sort-longest-silence", "/candidates/?sort=contacted"),
    Page("sort-last-contacted", "/candidates/?sort=-contacted"),
    Page("sort-newest", "/candidates/?sort=-added"),
    Page("sort-oldest", "/candidates/?sort=added"),
    Page("candidates-mine", "/candidates/?owner=me"),
    Page("filter-stage", "/candidates/?stage=interviewing"),
    Page("filter-requisition", requisition_filter),
    Page("filter-quiet-14-days", "/candidates/?quiet=14"),
    Page("filter-opted-out", "/candidates/?opted_out=1"),
    Page("search-1-letter", "/candidates/?q=m"),
    Page("search-3-letters", "/candidates/?q=mar"),
    Page("search-email", search_by_email),
    Page("search-phone", search_by_phone),
    Page("search-title", "/candidates/?q=engineer"),
    # Issue #7: within 8x, to beat a PHP applicant tracker's candidate page timed beside it.
    Page("candidate", candidate_page, median_target=8),
    Page("pipeline-board", pipeline_board),
    # Issue #8: the progress page's shell within 6x.
    Page("leader-requisition", leader_requisition_page, as_=LEADER, median_target=6),
    Page("leader-requisition-pipeline", leader_requisition_part("pipeline"), as_=LEADER),
    Page("leader-requisition-submitted", leader_requisition_part("submitted"), as_=LEADER),
    Page("leader-requisition-updates", leader_requisition_part("updates"), as_=LEADER),
    Page("leader-progress-as-recruiter", leader_progress_as_recruiter),
    Page("leader-digest-10-roles", leader_digest_10_roles),
    Page("outbox", "/followups/outbox/", as_=ADMIN),
    Page("outbox-due", "/followups/outbox/?state=due", as_=ADMIN),
    Page("outbox-next-page", outbox_next_page, as_=ADMIN),
    Page("outbox-failed", "/followups/outbox/?state=failed", as_=ADMIN),
    # Issue 9 analytics: the whole agency (the admin sees everyone), one recruiter's own, the
    # big requisition as its recruiter and as its leader.
    Page("analytics-agency", "/analytics/", as_=ADMIN),
    Page("analytics-mine", "/analytics/"),
    Page("analytics-experience", "/analytics/experience/", as_=ADMIN),
    Page("analytics-requisition", requisition_analytics),
    Page("analytics-leader", leader_requisition_analytics, as_=LEADER),
    Page("post-hire-analytics", "/analytics/post-hire/", as_=ADMIN),
    # Issue 9 §1-2: the big requisition's intake; calibration of everyone's and one's own.
    Page("intake", requisition_intake),
    Page("calibration-agency", "/calibration/", as_=ADMIN),
    Page("calibration-mine", "/calibration/"),
)


def select_pages(pages: Sequence[Page], names: Iterable[str] | None) -> list[Page]:
    """The pages named (all when none are), in the list's order; an unknown name is refused."""
    wanted = {name.strip() for name in names or () if name.strip()}
    known = {page.name for page in pages}
    unknown = wanted - known
    if unknown:
        raise ValueError(
            f"no page called {', '.join(sorted(unknown))}; the pages are: "
            + ", ".join(page.name for page in pages)
        )
    return [page for page in pages if not wanted or page.name in wanted]


def resolve_url(page: Page, cast: Cast) -> str:
    return page.url if isinstance(page.url, str) else page.url(cast)
