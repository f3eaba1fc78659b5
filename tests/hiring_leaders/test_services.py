import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError

from candidates.models import Activity
from hiring_leaders import services
from hiring_leaders.models import Company, HiringLeader, Requisition
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


# ---------- companies ----------


def test_a_recruiter_can_add_a_company(recruiter):
    company = services.company_create(
        name="  Northwind Robotics ", website="https://northwind.example", by=recruiter
    )

    company.refresh_from_db()
    assert (company.name, company.website, company.time_zone) == (
        "Northwind Robotics",
        "https://northwind.example",
        "UTC",
    )


def test_a_company_name_is_refused_when_it_exists_in_another_case(recruiter):
    CompanyFactory(name="Northwind")

    with pytest.raises(ValidationError) as refused:
        services.company_create(name="NORTHWIND", by=recruiter)

    assert refused.value.message_dict == {
        "name": ["There is already a company called “Northwind”."]
    }
    assert Company.objects.count() == 1


def test_a_company_name_with_its_spaces_doubled_is_the_same_company(recruiter):
    CompanyFactory(name="Kestrel Games")

    with pytest.raises(ValidationError, match="There is already a company called"):
        services.company_create(name="Kestrel  Games", by=recruiter)
    spaced = services.company_create(name="  Halcyon \t Health ", by=recruiter)

    assert spaced.name == "Halcyon Health"
    assert Company.objects.count() == 2


def test_an_unknown_time_zone_is_refused_by_name(recruiter):
    with pytest.raises(ValidationError) as refused:
        services.company_create(name="Halcyon", time_zone="Mars/Olympus", by=recruiter)

    assert "not a time zone" in refused.value.message_dict["time_zone"][0]
    assert not Company.objects.exists()


def test_a_company_can_be_renamed_but_not_onto_another(recruiter):
    company = CompanyFactory(name="Northwind")
    CompanyFactory(name="Halcyon Health")

    services.company_update(company=company, name="Northwind Robotics", by=recruiter)
    with pytest.raises(ValidationError, match="already a company"):
        services.company_update(company=company, name="halcyon health", by=recruiter)

    company.refresh_from_db()
    assert company.name == "Northwind Robotics"


def test_keeping_a_companys_own_name_is_not_a_duplicate(recruiter):
    company = CompanyFactory(name="Northwind")

    services.company_update(company=company, name="Northwind", website="", by=recruiter)

    assert Company.objects.get().name == "Northwind"


def test_updating_a_company_refuses_fields_it_does_not_know(recruiter):
    with pytest.raises(TypeError, match="created_at"):
        services.company_update(company=CompanyFactory(), created_at=None, by=recruiter)


# ---------- hiring leaders ----------


def test_adding_a_hiring_leader_notes_it_on_their_timeline(recruiter):
    company = CompanyFactory(name="Northwind")

    leader = services.hiring_leader_create(
        company=company,
        first_name="Dana",
        last_name="Whitfield",
        email=" dana@northwind.example ",
        job_title="VP Engineering",
        time_zone="America/Los_Angeles",
        by=recruiter,
    )

    leader.refresh_from_db()
    assert (leader.email, leader.company, leader.time_zone) == (
        "dana@northwind.example",
        company,
        "America/Los_Angeles",
    )
    note = Activity.objects.get(hiring_leader=leader)
    assert note.summary == f"Added to RecruitCRM by {recruiter} (Northwind)"
    assert note.actor == recruiter


def test_a_leader_email_already_on_file_is_refused_with_who_has_it(recruiter):
    existing = HiringLeaderFactory(
        first_name="Dana", last_name="Whitfield", email="dana@northwind.example"
    )

    with pytest.raises(ValidationError) as refused:
        services.hiring_leader_create(
            company=CompanyFactory(),
            first_name="D",
            last_name="W",
            email="DANA@northwind.example",
            by=recruiter,
        )

    assert refused.value.message_dict["email"] == [
        f"Dana Whitfield at {existing.company.name} already has the address dana@northwind.example."
    ]
    assert HiringLeader.objects.count() == 1


def test_a_leader_needs_a_valid_email(recruiter):
    with pytest.raises(ValidationError) as refused:
        services.hiring_leader_create(
            company=CompanyFactory(), first_name="D", last_name="W", email="nope", by=recruiter
        )

    assert "email" in refused.value.message_dict
    assert not Activity.objects.exists()


def test_updating_a_leader_records_what_changed(recruiter):
    leader = HiringLeaderFactory(phone="", job_title="Head of Data")

    services.hiring_leader_update(
        hiring_leader=leader, phone="+44 20 7946 0000", job_title="Head of Data", by=recruiter
    )

    leader.refresh_from_db()
    assert leader.phone == "+44 20 7946 0000"
    assert Activity.objects.get(hiring_leader=leader).summary == "Details updated: phone"


def test_a_leaders_changed_fields_are_named_in_words(recruiter):
    leader = HiringLeaderFactory(job_title="Head of Data", time_zone="Europe/London")

    services.hiring_leader_update(
        hiring_leader=leader, time_zone="Europe/Paris", job_title="VP Data", by=recruiter
    )

    summary = Activity.objects.get(hiring_leader=leader).summary
    assert summary == "Details updated: job title, time zone"


def test_updating_a_leader_with_nothing_new_records_nothing(recruiter):
    leader = HiringLeaderFactory()

    services.hiring_leader_update(hiring_leader=leader, email=leader.email, by=recruiter)

    assert not Activity.objects.exists()


def test_a_leader_cannot_take_a_colleagues_address(recruiter):
    leader = HiringLeaderFactory(email="a@client.example")
    HiringLeaderFactory(email="b@client.example")

    with pytest.raises(ValidationError, match="already has the address"):
        services.hiring_leader_update(hiring_leader=leader, email="B@client.example", by=recruiter)

    leader.refresh_from_db()
    assert leader.email == "a@client.example"


def test_a_leader_cannot_be_moved_to_another_company_by_an_update(recruiter):
    with pytest.raises(TypeError, match="company"):
        services.hiring_leader_update(
            hiring_leader=HiringLeaderFactory(), company=CompanyFactory(), by=recruiter
        )


# ---------- editing a requisition ----------


def test_editing_a_requisition_records_which_details_changed(requisition, recruiter):
    services.requisition_update(
        requisition=requisition,
        title="Staff Engineer",
        openings=3,
        location=requisition.location,
        by=recruiter,
    )

    requisition.refresh_from_db()
    assert (requisition.title, requisition.openings) == ("Staff Engineer", 3)
    entry = last_activity(requisition)
    assert entry.summary == "Details updated: title, openings"
    assert entry.hiring_leader == requisition.hiring_leader


def test_a_requisition_can_be_handed_to_another_recruiter(requisition, recruiter, other_recruiter):
    services.requisition_update(requisition=requisition, recruiter=other_recruiter, by=recruiter)

    requisition.refresh_from_db()
    assert requisition.recruiter == other_recruiter
    assert last_activity(requisition).summary == (
        f"Handed over from {recruiter} to {other_recruiter}"
    )


def test_a_requisition_moves_only_to_a_leader_at_the_same_company(requisition, recruiter):
    colleague = HiringLeaderFactory(company=requisition.company, first_name="Pat", last_name="Lee")
    outsider = HiringLeaderFactory()
    previous = requisition.hiring_leader

    with pytest.raises(ValidationError) as refused:
        services.requisition_update(requisition=requisition, hiring_leader=outsider, by=recruiter)
    assert "does not work at" in refused.value.message_dict["hiring_leader"][0]

    services.requisition_update(requisition=requisition, hiring_leader=colleague, by=recruiter)
    requisition.refresh_from_db()
    assert requisition.hiring_leader == colleague
    summary = f"Hiring leader changed from {previous.name} to Pat Lee"
    assert Activity.objects.filter(hiring_leader=colleague, summary=summary).exists()
    assert Activity.objects.filter(hiring_leader=previous, summary=summary).exists()


def test_a_requisition_is_owned_by_a_recruiter_not_a_leader(requisition, recruiter, leader):
    with pytest.raises(ValidationError) as refused:
        services.requisition_update(requisition=requisition, recruiter=leader.user, by=recruiter)

    assert "is not a recruiter" in refused.value.message_dict["recruiter"][0]
    requisition.refresh_from_db()
    assert requisition.recruiter == recruiter


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"openings": 0}, "openings"),
        ({"title": ""}, "title"),
        ({"target_fill_date": datetime.date(2000, 1, 1)}, "target_fill_date"),
    ],
)
def test_bad_requisition_details_are_refused_and_nothing_is_written(
    requisition, recruiter, fields, field
):
    before = requisition.title

    with pytest.raises(ValidationError) as refused:
        services.requisition_update(requisition=requisition, by=recruiter, **fields)

    assert field in refused.value.message_dict
    requisition.refresh_from_db()
    assert requisition.title == before
    assert not Activity.objects.filter(requisition=requisition).exists()


def test_saving_a_requisition_unchanged_records_nothing(requisition, recruiter):
    services.requisition_update(requisition=requisition, title=requisition.title, by=recruiter)

    assert not Activity.objects.filter(requisition=requisition).exists()


def test_opening_a_requisition_refuses_a_target_date_before_it_opens(recruiter):
    leader = HiringLeaderFactory()

    with pytest.raises(ValidationError, match="before the role opened"):
        services.requisition_open(
            title="X",
            company=leader.company,
            hiring_leader=leader,
            recruiter=recruiter,
            opened_on=datetime.date(2026, 3, 1),
            target_fill_date=datetime.date(2026, 2, 1),
        )
    assert not Requisition.objects.exists()


def test_a_role_handed_to_another_leader_and_recruiter_takes_its_follow_ups_with_it(recruiter):
    from followups.models import FollowUp
    from hiring_leaders import services as requisition_services
    from tests.hiring_leaders.factories import HiringLeaderFactory
    from tests.recruitcrm.factories import RecruiterFactory

    leader = HiringLeaderFactory(time_zone="Europe/London")
    requisition = requisition_services.requisition_open(
        title="SRE", company=leader.company, hiring_leader=leader, recruiter=recruiter
    )
    # The leader's weekly digest (about all their roles, so about no one requisition).
    old_update = FollowUp.objects.get(hiring_leader=leader, audience="hiring_leader")
    new_leader = HiringLeaderFactory(company=leader.company, time_zone="America/Los_Angeles")
    new_recruiter = RecruiterFactory()

    requisition_services.requisition_update(
        requisition=requisition, by=recruiter, hiring_leader=new_leader, recruiter=new_recruiter
    )

    old_update.refresh_from_db()
    assert old_update.state == "cancelled"
    new_update = FollowUp.objects.get(
        hiring_leader=new_leader, audience="hiring_leader", state="scheduled"
    )
    assert (new_update.hiring_leader, new_update.recruiter) == (new_leader, new_recruiter)
    local = new_update.due_at.astimezone(zoneinfo.ZoneInfo("America/Los_Angeles"))
    assert (local.weekday(), local.hour) == (4, 15)
