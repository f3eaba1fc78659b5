import datetime

import pytest
from django.core.exceptions import ValidationError

from candidates.models import Activity
from hiring_leaders import services
from hiring_leaders.models import Requisition
from tests.hiring_leaders.factories import CompanyFactory, HiringLeaderFactory, RequisitionFactory

pytestmark = pytest.mark.django_db


def last_activity(requisition):
    return Activity.objects.filter(requisition=requisition).latest("pk")


def test_opening_a_requisition_notes_it_on_the_leaders_timeline(recruiter):
    leader = HiringLeaderFactory()
    requisition = services.requisition_open(
        title="Data Engineer", company=leader.company, hiring_leader=leader, recruiter=recruiter
    )
    assert requisition.status == "open"
    activity = last_activity(requisition)
    assert (activity.hiring_leader, activity.summary) == (leader, "Opened Data Engineer")


def test_a_leader_hires_only_for_their_own_company(recruiter):
    leader = HiringLeaderFactory()
    with pytest.raises(ValidationError, match="does not work at"):
        services.requisition_open(
            title="X", company=CompanyFactory(), hiring_leader=leader, recruiter=recruiter
        )
    assert not Requisition.objects.exists()


def test_on_hold_needs_a_reason_and_records_it(requisition, recruiter):
    with pytest.raises(ValidationError, match="Say why"):
        services.requisition_put_on_hold(requisition=requisition, reason="", by=recruiter)
    services.requisition_put_on_hold(requisition=requisition, reason="Budget freeze", by=recruiter)
    requisition.refresh_from_db()
    assert (requisition.status, requisition.status_reason) == ("on_hold", "Budget freeze")
    assert last_activity(requisition).body == "Budget freeze"


def test_reopening_clears_the_hold(requisition, recruiter):
    services.requisition_put_on_hold(requisition=requisition, reason="Reorg", by=recruiter)
    services.requisition_reopen(requisition=requisition, by=recruiter)
    requisition.refresh_from_db()
    assert (requisition.status, requisition.status_reason) == ("open", "")


def test_filling_closes_the_requisition_today(requisition, recruiter):
    services.requisition_fill(requisition=requisition, by=recruiter)
    requisition.refresh_from_db()
    assert requisition.status == "filled"
    assert requisition.closed_on == datetime.date.today()
    assert last_activity(requisition).summary == f"Filled {requisition.title}"


def test_cancelling_needs_a_reason(requisition, recruiter):
    with pytest.raises(ValidationError):
        services.requisition_cancel(requisition=requisition, reason=" ", by=recruiter)
    services.requisition_cancel(requisition=requisition, reason="Role merged", by=recruiter)
    requisition.refresh_from_db()
    assert requisition.status == "cancelled"


def test_reopening_a_filled_requisition_clears_its_close_date(requisition, recruiter):
    services.requisition_fill(requisition=requisition, by=recruiter)
    services.requisition_reopen(requisition=requisition, by=recruiter)
    requisition.refresh_from_db()
    assert (requisition.status, requisition.closed_on) == ("open", None)


@pytest.mark.parametrize(
    ("status", "action"),
    [
        ("filled", "requisition_fill"),
        ("cancelled", "requisition_fill"),
        ("filled", "requisition_put_on_hold"),
    ],
)
def test_impossible_status_changes_are_refused(recruiter, status, action):
    requisition = RequisitionFactory(status=status, closed_on=datetime.date.today())
    kwargs = {"reason": "x"} if action == "requisition_put_on_hold" else {}
    with pytest.raises(ValidationError, match="cannot become"):
        getattr(services, action)(requisition=requisition, by=recruiter, **kwargs)
    requisition.refresh_from_db()
    assert requisition.status == status


def test_reopening_an_open_requisition_is_refused(requisition, recruiter):
    with pytest.raises(ValidationError):
        services.requisition_reopen(requisition=requisition, by=recruiter)
