"""Django admin refuses the same broken templates and unreachable steps as the app's editor."""

import pytest
from django.urls import reverse

from followups.models import Cadence, MessageTemplate

pytestmark = pytest.mark.django_db


def test_a_template_with_an_unknown_placeholder_is_refused(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:followups_messagetemplate_add"),
        {"name": "Broken", "kind": "email", "subject": "Hi {{ candidate.salary }}", "body": "x"},
    )
    assert response.status_code == 200
    assert "Unknown placeholder" in response.content.decode()
    assert not MessageTemplate.objects.filter(name="Broken").exists()


def _post_weekly_step(client, **step_changes):
    cadence = Cadence.objects.get(trigger="requisition_open_weekly")
    step = cadence.steps.get()
    prefix = "steps"
    fields = {
        "id": step.pk,
        "cadence": cadence.pk,
        "position": "0",
        "offset_days": "0",
        "send_time": "15:00",
        "audience": step.audience,
        "channel": step.channel,
        "template": step.template_id,
    } | step_changes
    response = client.post(
        reverse("admin:followups_cadence_change", args=[cadence.pk]),
        {
            "name": cadence.name,
            "trigger": cadence.trigger,
            "enabled": "on",
            "stage": "",
            "outcome": "",
            "weekday": cadence.weekday,
            "quiet_days": "",
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-INITIAL_FORMS": "1",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
        | {f"{prefix}-0-{name}": value for name, value in fields.items()},
    )
    step.refresh_from_db()
    return response, step


def test_a_step_for_someone_the_trigger_cannot_reach_is_refused(client, admin_user):
    client.force_login(admin_user)
    response, step = _post_weekly_step(client, audience="new_hire")
    assert response.status_code == 200
    assert "can only reach" in response.content.decode()
    assert step.audience == "hiring_leader"


def test_a_step_cannot_send_a_task_template_as_an_email(client, admin_user):
    client.force_login(admin_user)
    task_template = MessageTemplate.objects.get(kind="task")
    response, step = _post_weekly_step(client, template=task_template.pk)
    assert response.status_code == 200
    assert "is written as a task for the recruiter, not as an email" in response.content.decode()
    assert step.template != task_template


def test_a_step_cannot_make_a_task_of_an_email_template(client, admin_user):
    client.force_login(admin_user)
    response, step = _post_weekly_step(client, audience="recruiter", channel="task")
    assert response.status_code == 200
    assert "is an email written to a person, not a task" in response.content.decode()
    assert step.channel == "email"


def test_a_template_sent_as_email_cannot_become_a_task(client, admin_user):
    client.force_login(admin_user)
    template = Cadence.objects.get(trigger="requisition_open_weekly").steps.get().template
    response = client.post(
        reverse("admin:followups_messagetemplate_change", args=[template.pk]),
        {"name": template.name, "kind": "task", "subject": template.subject, "body": "x"},
    )
    assert response.status_code == 200
    assert "Cadence steps send this template as: email" in response.content.decode()
    template.refresh_from_db()
    assert template.kind == "email"


def test_a_leaders_digest_cannot_be_marked_as_written_for_candidates(client, admin_user):
    client.force_login(admin_user)
    template = Cadence.objects.get(trigger="requisition_open_weekly").steps.get().template
    response = client.post(
        reverse("admin:followups_messagetemplate_change", args=[template.pk]),
        {
            "name": template.name,
            "kind": "email",
            "written_for": "candidates",
            "subject": template.subject,
            "body": template.body,
        },
    )
    assert response.status_code == 200
    assert "Cadence steps send this template to the hiring leader." in response.content.decode()
    template.refresh_from_db()
    assert template.written_for == "hiring_leaders"


def test_a_step_cannot_send_the_candidates_reset_to_a_leader(client, admin_user):
    client.force_login(admin_user)
    reset = MessageTemplate.objects.get(name="Expectation reset: not selected")
    response, step = _post_weekly_step(client, template=reset.pk)
    assert response.status_code == 200
    assert "is written for candidates and new hires" in response.content.decode()
    assert step.template != reset
