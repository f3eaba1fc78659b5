"""The post-hire analytics page: every figure on a small fixture with the answers worked out by
hand, the CSV downloads, who may see it, and its fixed number of queries.

The fixture (all answered today unless said otherwise):

    hire      company  recruiter  answers
    Ada       Acme     Maya       day 30 new hire 4; day 30 leader 2 (tagged onboarding);
                                  day 60 new hire 1 (not tagged); day 90 leader 5, solved: yes
    Bo        Bolt     Ravi       day 30 new hire 3; day 30 leader 4 with a concern (tagged pay);
                                  day 90 leader 3, solved: partly "Not on call yet";
                                  day 60 new hire 1, answered 200 days ago (outside the range)
    Cy        Acme     Ravi       day 30 new hire 5; day 90 leader 2 (tagged manager), solved: no
"""

from __future__ import annotations

import csv
import datetime
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from candidates import services as candidate_services
from followups import services
from followups.models import FollowUp
from hiring_leaders.models import Intake
from tests.candidates.factories import ApplicationFactory, CandidateFactory
from tests.hiring_leaders.factories import (
    CompanyFactory,
    HiringLeaderFactory,
    HiringLeaderWithLoginFactory,
    RequisitionFactory,
)
from tests.recruitcrm.factories import RecruiterFactory

pytestmark = pytest.mark.django_db

URL = "/analytics/post-hire/"


def answer(placement, day, audience, score, *, concern=False, solved="", comment="", by=None):
    followup = FollowUp.objects.get(
        placement=placement, audience=audience, cadence_step__offset_days=day
    )
    response = services.checkin_answer(
        followup=followup,
        score=score,
        is_concern=concern,
        solved_problem=solved,
        comment=comment,
    )
    if by:
        theme, recruiter = by
        services.checkin_review(response=response, theme=theme, by=recruiter)
    return response


def hire(name, company, recruiter, **intake):
    leader = HiringLeaderFactory(company=company, first_name="Lee", last_name=name)
    requisition = RequisitionFactory(
        hiring_leader=leader, recruiter=recruiter, title=f"Role for {name}"
    )
    if intake:
        Intake.objects.create(requisition=requisition, **intake)
    application = ApplicationFactory(
        requisition=requisition,
        stage="offer",
        candidate=CandidateFactory(owner=recruiter, first_name=name, last_name="Hire"),
    )
    return candidate_services.placement_record(
        application=application, start_date=timezone.localdate(), by=recruiter
    )


@pytest.fixture
def maya(db):
    return RecruiterFactory(first_name="Maya", last_name="Okafor")


@pytest.fixture
def ravi(db):
    return RecruiterFactory(first_name="Ravi", last_name="Shah")


@pytest.fixture
def figures(maya, ravi):
    acme, bolt = CompanyFactory(name="Acme"), CompanyFactory(name="Bolt")
    ada = hire(
        "Ada",
        acme,
        maya,
        why_open="backfill",
        team_short_of="No one owns payments",
        success_90_days="Ships the release alone",
    )
    bo = hire("Bo", bolt, ravi, why_open="growth")
    cy = hire("Cy", acme, ravi)
    answer(ada, 30, "new_hire", 4)
    answer(ada, 30, "hiring_leader", 2, by=("onboarding", maya))
    answer(ada, 60, "new_hire", 1)
    answer(ada, 90, "hiring_leader", 5, solved="yes", comment="Exactly what we needed")
    answer(bo, 30, "new_hire", 3)
    answer(bo, 30, "hiring_leader", 4, concern=True, by=("pay", ravi))
    answer(bo, 90, "hiring_leader", 3, solved="partly", comment="Not on call yet")
    with time_machine.travel(timezone.now() - datetime.timedelta(days=200)):
        answer(bo, 60, "new_hire", 1)
    answer(cy, 30, "new_hire", 5)
    answer(cy, 90, "hiring_leader", 2, solved="no", by=("manager", ravi))
    return {"acme": acme, "bolt": bolt}


def cells(line: str) -> list[str]:
    return line.split(" ")


def download(client, table, **params) -> list[list[str]]:
    response = client.get(URL, {"export": table, **params})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.fixture
def as_admin(client, admin_user):
    client.force_login(admin_user)
    return client


class TestFigures:
    def test_scores_by_company_recruiter_and_in_all(self, as_admin, figures):
        assert download(as_admin, "scores-by-company") == [
            [
                "Company",
                "Day 30 · new hire average",
                "Day 30 · new hire answers",
                "Day 30 · leader average",
                "Day 30 · leader answers",
                "Day 60 · new hire average",
                "Day 60 · new hire answers",
                "Day 90 · leader average",
                "Day 90 · leader answers",
            ],
            ["Acme", "4.5", "2", "2.0", "1", "1.0", "1", "3.5", "2"],
            ["Bolt", "3.0", "1", "4.0", "1", "", "0", "3.0", "1"],
            ["All", "4.0", "3", "3.0", "2", "1.0", "1", "3.3", "3"],
        ]
        assert download(as_admin, "scores-by-recruiter")[1:] == [
            ["Maya Okafor", "4.0", "1", "2.0", "1", "1.0", "1", "5.0", "1"],
            ["Ravi Shah", "4.0", "2", "4.0", "1", "", "0", "2.5", "2"],
            ["All", "4.0", "3", "3.0", "2", "1.0", "1", "3.3", "3"],
        ]

    def test_concerns_by_theme_with_shares_and_the_untagged(self, as_admin, figures):
        rows = download(as_admin, "concerns-by-company")
        assert rows[0] == [
            "Company",
            "Concerns",
            "Onboarding",
            "Onboarding %",
            "Role mismatch",
            "Role mismatch %",
            "Manager",
            "Manager %",
            "Pay",
            "Pay %",
            "Other",
            "Other %",
            "Not tagged",
            "Solved: yes",
            "Solved: partly",
            "Solved: no",
        ]
        assert rows[1:] == [
            ["Acme", "3", "1", "33", "0", "0", "1", "33", "0", "0", "0", "0", "1", "1", "0", "1"],
            ["Bolt", "1", "0", "0", "0", "0", "0", "0", "1", "100", "0", "0", "0", "0", "1", "0"],
            ["All", "4", "1", "25", "0", "0", "1", "25", "1", "25", "0", "0", "1", "1", "1", "1"],
        ]
        assert download(as_admin, "concerns-by-recruiter")[1:] == [
            ["Maya Okafor", *cells("2 1 50 0 0 0 0 0 0 0 0 1 1 0 0")],
            ["Ravi Shah", *cells("2 0 0 0 0 1 50 1 50 0 0 0 0 1 1")],
            ["All", "4", "1", "25", "0", "0", "1", "25", "1", "25", "0", "0", "1", "1", "1", "1"],
        ]

    def test_solved_answers_against_each_intake(self, as_admin, figures):
        rows = download(as_admin, "solved")
        today = f"{timezone.localdate():%Y-%m-%d}"
        assert rows[0][6:] == [
            "Why the role was open",
            "What the team was short of",
            "Success at 90 days",
            "Solved the problem",
            "Comment",
        ]
        assert sorted(rows[1:]) == sorted(
            [
                [
                    *(today, "Ada Hire", "Role for Ada", "Acme", "Maya Okafor", "Lee Ada"),
                    *("Backfill: someone left", "No one owns payments", "Ships the release alone"),
                    *("Yes", "Exactly what we needed"),
                ],
                [
                    *(today, "Bo Hire", "Role for Bo", "Bolt", "Ravi Shah", "Lee Bo"),
                    *("Growth: a new seat", "", "", "Partly", "Not on call yet"),
                ],
                [
                    *(today, "Cy Hire", "Role for Cy", "Acme", "Ravi Shah", "Lee Cy"),
                    *("", "", "", "No", ""),
                ],
            ]
        )

    def test_the_page_shows_the_figures_and_the_intake_beside_each_answer(self, as_admin, figures):
        page = as_admin.get(URL).content.decode()
        assert "Backfill: someone left — No one owns payments; success at 90 days: Ships" in page
        assert "No intake was recorded." in page  # Cy's role
        assert "“Not on call yet”" in page
        assert '<title id="themes-chart-title">Concerns by theme</title>' in page
        assert "3 answers" in page

    def test_filters_narrow_every_table(self, as_admin, figures, ravi):
        rows = download(as_admin, "concerns-by-company", company=figures["bolt"].pk)
        assert rows[1:] == [
            ["Bolt", "1", "0", "0", "0", "0", "0", "0", "1", "100", "0", "0", "0", "0", "1", "0"],
            ["All", "1", "0", "0", "0", "0", "0", "0", "1", "100", "0", "0", "0", "0", "1", "0"],
        ]
        rows = download(as_admin, "solved", recruiter=ravi.pk)
        assert sorted(row[1] for row in rows[1:]) == ["Bo Hire", "Cy Hire"]
        # The answer from 200 days ago is there once the range reaches back to it.
        start = timezone.localdate() - datetime.timedelta(days=365)
        rows = download(as_admin, "scores-by-recruiter", start=f"{start:%Y-%m-%d}")
        assert rows[2][5:7] == ["1.0", "1"]  # Ravi's day 60 new hire: the old answer


def test_an_empty_period_says_what_would_show(as_admin):
    page = as_admin.get(URL).content.decode()
    assert "No check-in was answered in this period." in page
    assert "No check-in answer in this period raised a concern." in page
    assert "No hiring leader answered a 90-day check-in in this period." in page


def test_a_recruiter_sees_their_own_figures_only(client, maya, ravi, figures):
    client.force_login(maya)
    rows = download(client, "solved", recruiter=ravi.pk)
    assert [row[1] for row in rows[1:]] == ["Ada Hire"]
    assert [row[0] for row in download(client, "concerns-by-recruiter")[1:]] == [
        "Maya Okafor",
        "All",
    ]


@pytest.mark.parametrize("who", ["leader", "anonymous"])
def test_hiring_leaders_and_strangers_do_not_get_it(client, who):
    if who == "leader":
        client.force_login(HiringLeaderWithLoginFactory().user)
        assert client.get(URL).status_code == 404
    else:
        assert client.get(URL).status_code == 302


def test_an_unknown_download_is_404(as_admin):
    assert as_admin.get(URL, {"export": "everything"}).status_code == 404


def test_the_page_runs_a_fixed_number_of_queries(as_admin, maya):
    """Counting a view: the user (and the session, where sessions live in the database), the
    count's two settings (no JIT, the random read's cost), the scores' and the concerns'
    queries, the filter's recruiters and companies, and one page of answers once there are
    some. Seeing the same view again reads its snapshot from the cache: no figures' query at all."""
    company = CompanyFactory()

    def hires(count: int) -> None:
        for n in range(count):
            placement = hire(f"H{count}{n}", company, maya, why_open="growth")
            answer(placement, 30, "new_hire", 2, by=("pay", maya))
            answer(placement, 90, "hiring_leader", 4, solved="yes")

    def visit(days_back: int) -> int:
        start = timezone.localdate() - datetime.timedelta(days=days_back)
        with CaptureQueriesContext(connection) as queries:
            assert as_admin.get(URL, {"start": f"{start:%Y-%m-%d}"}).status_code == 200
        return len(queries)

    # Later requests may find the signed-in user cached; from then on the count stays put.
    assert visit(90) <= 9
    empty = visit(91)
    hires(1)
    one = visit(92)
    hires(3)
    four = visit(93)
    assert one == four == empty + 1 <= 10
    assert visit(93) == four - 5  # the snapshot: no SETs, no figures, no page of answers


def test_the_page_shows_the_leading_rows_and_the_csv_every_row(as_admin, maya, monkeypatch):
    """With more companies than the page shows, the ones with the most answers (or concerns)
    come first and the rest are counted in a line that points to the CSV, which has them all."""
    from followups import post_hire

    monkeypatch.setattr(post_hire, "LEADING", 2)
    few, most, some = (CompanyFactory(name=name) for name in ("Few", "Most", "Some"))
    for company, scores in ((few, [1]), (most, [4, 5, 2]), (some, [1, 3])):
        for n, score in enumerate(scores):
            answer(hire(f"{company.name}{n}", company, maya), 30, "new_hire", score)
    page = as_admin.get(URL).content.decode()
    scores = page[page.index('id="scores-heading"') : page.index('id="concerns-heading"')]
    by_company = scores[: scores.index("<h3>By recruiter")]
    assert by_company.index(">Most</th>") < by_company.index(">Some</th>")
    assert ">Few</th>" not in by_company
    assert "And 1 more company with fewer — all of them in the" in by_company
    assert "more recruiter" not in scores  # Maya is the only one
    # Concerns (a score of 2 or lower): one each, so by name among equals, and Some is cut.
    concerns = page[page.index('id="concerns-heading"') : page.index('id="solved-heading"')]
    assert ">Few</th>" in concerns
    assert ">Most</th>" in concerns
    assert ">Some</th>" not in concerns
    assert "And 1 more company with fewer" in concerns
    assert [row[0] for row in download(as_admin, "scores-by-company")[1:]] == [
        "Few",
        "Most",
        "Some",
        "All",
    ]
    assert [row[:2] for row in download(as_admin, "concerns-by-company")[1:]] == [
        ["Few", "1"],
        ["Most", "1"],
        ["Some", "1"],
        ["All", "3"],
    ]


def test_the_figures_are_kept_and_counted_again_by_beat(as_admin, maya):
    """A second visit shows the kept figures and when they were counted; beat's refresh of the
    default views counts the agency's again, so a new answer shows after the next refresh."""
    from candidates import analytics_snapshots

    company = CompanyFactory(name="Acme")
    answer(hire("Ada", company, maya), 30, "new_hire", 4)
    assert '4.0 <span class="muted">(1)</span>' in as_admin.get(URL).content.decode()
    answer(hire("Bo", company, maya), 30, "new_hire", 2)
    page = as_admin.get(URL).content.decode()
    assert '<p class="analytics-counted muted">Counted <time' in page
    assert '4.0 <span class="muted">(1)</span>' in page
    assert analytics_snapshots.refresh_defaults() >= 1
    assert '3.0 <span class="muted">(2)</span>' in as_admin.get(URL).content.decode()


def test_the_answers_list_pages(as_admin, maya, monkeypatch):
    from followups import post_hire

    monkeypatch.setattr(post_hire, "SOLVED_PAGE_SIZE", 2)
    company = CompanyFactory()
    for n in range(3):
        answer(hire(f"P{n}", company, maya), 90, "hiring_leader", 4, solved="yes")
    first = as_admin.get(URL).content.decode()
    assert "1\N{EN DASH}2 of 3 answers" in first
    assert "Page 1 of 2" in first
    second = as_admin.get(URL, {"page": "2"}).content.decode()
    assert "3\N{EN DASH}3 of 3 answers" in second
    assert second.count("Hire</strong>") == 1
    assert reverse("followups:post_hire_analytics") == URL
