"""Every main page, as each kind of user sees it on the demo agency, checked by the Nu Html
Checker (the W3C validator), run once over all of them.

Browsers forgive invalid markup differently; screen readers and htmx trip over it. The pages are
rendered with the demo data so every section, badge and form control is present, not an empty
state only; the test is tests/sample_data/test_seed_demo.py's, which seeds the demo once for a
class of tests (seeding takes half a minute).
"""

from __future__ import annotations

import json
import subprocess

from django.test import Client
from django.urls import reverse

from candidates.models import Application, Candidate, CandidateImport, Interview, Scorecard
from followups import links
from followups.models import Cadence, FollowUp, MessageTemplate
from hiring_leaders.models import Company, HiringLeader, Requisition
from recruitcrm.models import User
from tests import services


def recruiter_pages(maya: User) -> list[str]:
    candidate = (
        Candidate.objects.filter(owner=maya, applications__outcome=Application.Outcome.ACTIVE)
        .order_by("pk")
        .first()
    )
    requisition = Requisition.objects.filter(recruiter=maya).order_by("pk").first()
    company = Company.objects.order_by("pk").first()
    leader = HiringLeader.objects.order_by("pk").first()
    with_intake = Requisition.objects.filter(recruiter=maya, intake__versions__number=3).first()
    pages = [
        reverse("home"),
        reverse("candidates:candidate_list"),
        reverse("candidates:candidate_list") + "?q=a&sort=-last_contacted",
        reverse("candidates:candidate_create"),
        reverse("candidates:candidate_detail", args=[candidate.pk]),
        reverse("candidates:candidate_edit", args=[candidate.pk]),
        reverse("clients:requisition_list"),
        reverse("clients:requisition_create"),
        reverse("clients:requisition_detail", args=[requisition.pk]),
        reverse("clients:requisition_edit", args=[requisition.pk]),
        reverse("clients:requisition_status", args=[requisition.pk, "on_hold"]),
        # Issue 9 §1-2: the intake with its versions and forecasts, one version, calibration.
        reverse("clients:requisition_intake", args=[with_intake.pk]),
        reverse("clients:intake_version", args=[with_intake.pk, 2]),
        reverse("clients:calibration"),
        reverse("clients:company_list"),
        reverse("clients:company_detail", args=[company.pk]),
        reverse("clients:company_edit", args=[company.pk]),
        reverse("clients:hiringleader_list"),
        reverse("clients:hiringleader_detail", args=[leader.pk]),
        reverse("clients:hiringleader_edit", args=[leader.pk]),
        reverse("followups:message_compose") + f"?candidate={candidate.pk}",
        reverse("imports:upload"),
        reverse("analytics:pipeline"),
        reverse("analytics:experience"),
        reverse("analytics:requisition", args=[requisition.pk]),
        reverse("followups:post_hire_analytics"),
    ]
    last_import = CandidateImport.objects.order_by("pk").last()
    if last_import:
        pages.append(reverse("imports:detail", args=[last_import.pk]))
    # Issue 9 §3: the interview kit and an application's interviews with their scorecards.
    interview = Interview.objects.select_related("application").order_by("pk").first()
    if interview:
        application = interview.application
        pages.append(reverse("kits:kit", args=[application.requisition_id]))
        pages.append(
            reverse(
                "kits:application_interviews", args=[application.requisition_id, application.pk]
            )
        )
    return pages


def admin_pages() -> list[str]:
    cadence = Cadence.objects.order_by("pk").first()
    template = MessageTemplate.objects.order_by("pk").first()
    return [
        reverse("followups:team"),
        reverse("followups:cadence_list"),
        reverse("followups:cadence_detail", args=[cadence.pk]),
        reverse("followups:template_list"),
        reverse("followups:template_create"),
        reverse("followups:template_edit", args=[template.pk]),
        reverse("followups:outbox"),
        reverse("system_status"),
        reverse("clients:calibration"),
        reverse("analytics:pipeline"),
        reverse("analytics:experience"),
        reverse("followups:post_hire_analytics"),
    ]


def leader_pages(leader_user: User) -> list[str]:
    requisition = Requisition.objects.filter(hiring_leader__user=leader_user).order_by("pk").first()
    return [
        reverse("hiring_leaders:requisition_list"),
        reverse("hiring_leaders:requisition_detail", args=[requisition.pk]),
        reverse("analytics:leader_requisition", args=[requisition.pk]),
    ]


def public_pages() -> list[str]:
    check_in = FollowUp.objects.filter(placement__isnull=False).order_by("pk").first()
    candidate = Candidate.objects.order_by("pk").first()
    pages = [
        reverse("login"),
        reverse("password_reset"),
        reverse("followups:opt_out", args=[links.opt_out_token(candidate)]),
    ]
    if check_in:
        pages.append(reverse("followups:checkin", args=[links.checkin_token(check_in.pk)]))
    # An interviewer's scorecard and kit, opened from their email without signing in.
    scorecard = Scorecard.objects.order_by("pk").first()
    if scorecard:
        pages.append(reverse("panel:scorecard", args=[links.scorecard_token(scorecard.pk)]))
        pages.append(reverse("panel:kit", args=[links.panel_kit_token(scorecard.interviewer_id)]))
    return pages


def rendered(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return response.content.decode()


def nu_html_checker(pages: dict[str, str], folder) -> list[str]:
    """Run vnu.jar once over every page; returns its errors as 'url line:col message'."""
    files = {}
    for number, (url, html) in enumerate(pages.items()):
        path = folder / f"page-{number:03}.html"
        path.write_text(html, encoding="utf-8")
        files[path.name] = url
    result = subprocess.run(
        [
            "java",
            "-jar",
            str(services.VNU_JAR),
            "--format",
            "json",
            "--stdout",
            "--exit-zero-always",
        ]
        + [str(folder / name) for name in sorted(p.name for p in folder.iterdir())],
        capture_output=True,
        text=True,
        timeout=180,
    )
    report = json.loads(result.stdout)
    return [
        f"{files[message['url'].rsplit('/', 1)[-1]]} {message.get('lastLine')}:"
        f"{message.get('firstColumn')} {message['message']} — {message.get('extract', '')!r}"
        for message in report["messages"]
        if message["type"] == "error"
    ]


def errors_on_the_main_pages(folder) -> list[str]:
    """The checker's errors on every main page of the demo agency, for each kind of user."""
    pages: dict[str, str] = {}
    public = Client()
    for url in public_pages():
        pages[url] = rendered(public, url)

    maya = User.objects.get(username="maya")
    for user, urls in (
        (maya, recruiter_pages(maya)),
        (User.objects.get(username="admin"), admin_pages()),
        (User.objects.get(username="dana"), leader_pages(User.objects.get(username="dana"))),
    ):
        client = Client()
        client.force_login(user)
        for url in urls:
            pages[f"{user.username} {url}"] = rendered(client, url)

    return nu_html_checker(pages, folder)
