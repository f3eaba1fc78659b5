"""Django admin refuses the same broken templates and unreachable steps as the app's editor."""

import pytest
from django.urls import reverse

from followups.models import Cadence, MessageTemplate

pytestmark = pytest.mark.django_db


def test_a_template_with_an_unknown_placeholder_is_refused(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:followups_messagetemplate_add"),
        {"name": "Broken", "subject": "Hi {{ candidate.salary }}", "body": "Hello"},
    )
    assert response.status_code == 200
    assert "Unknown placeholder" in response.content.decode()
    assert not MessageTemplate.objects.filter(name="Broken").exists()


def test_a_step_for_someone_the_trigger_cannot_reach_is_refused(client, admin_user):
    client.force_login(admin_user)
    cadence = Cadence.objects.get(trigger="requisition_open_weekly")
    step = cadence.steps.get()
    url = reverse("admin:followups_cadence_change", args=[cadence.pk])
    prefix = "steps"
    response = client.post(
        url,
        {
            "name": cadence.name,
            "trigger": cadence.trigger,
            "enabled": "on",
            "stage": "",
            "weekday": cadence.weekday,
            "quiet_days": "",
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-INITIAL_FORMS": "1",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
            f"{prefix}-0-id": step.pk,
            f"{prefix}-0-cadence": cadence.pk,
            f"{prefix}-0-position": "0",
            f"{prefix}-0-offset_days": "0",
            f"{prefix}-0-send_time": "15:00",
            f"{prefix}-0-audience": "new_hire",
            f"{prefix}-0-channel": "email",
            f"{prefix}-0-template": step.template_id,
        },
    )
    assert response.status_code == 200
    assert "can only reach" in response.content.decode()
    step.refresh_from_db()
    assert step.audience == "hiring_leader"
