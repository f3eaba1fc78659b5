"""The Django admin opens for every model, for the admin role, with a fixed query count."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from tests.candidates.factories import ApplicationFactory, CommitmentFactory, PlacementFactory
from tests.followups.factories import FollowUpFactory

pytestmark = pytest.mark.django_db

OUR_APPS = ("recruitcrm", "hiring_leaders", "candidates", "followups")


def registered_models():
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in OUR_APPS and model in admin.site._registry
    ]


def test_every_model_of_ours_is_in_the_admin():
    from candidates.models import ApplicationStageChange, CandidateImportRow, ScorecardRating
    from followups.models import CadenceStep
    from hiring_leaders.models import IntakeVersion, KitQuestion, KitRound

    shown_inline = {
        ApplicationStageChange,
        CadenceStep,
        IntakeVersion,
        KitQuestion,
        KitRound,
        ScorecardRating,
    }  # edited inside their parent's page
    # An import's checked rows (up to 100,000) wait only until it is confirmed; its own page
    # in the app shows them.
    staging = {CandidateImportRow}
    ours = {m for m in apps.get_models() if m._meta.app_label in OUR_APPS}
    assert ours - shown_inline - staging == set(registered_models())


@pytest.mark.parametrize("model", registered_models(), ids=lambda m: m._meta.label)
def test_each_changelist_opens_for_an_admin(
    client, admin_user, model, django_assert_max_num_queries
):
    ApplicationFactory.create_batch(3)
    CommitmentFactory()
    PlacementFactory()
    FollowUpFactory()
    client.force_login(admin_user)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    with django_assert_max_num_queries(15):
        response = client.get(url)
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 0


def test_a_recruiter_cannot_reach_the_admin(client, recruiter):
    client.force_login(recruiter)
    assert client.get(reverse("admin:index"), follow=True).status_code == 404
