import datetime

import pytest
from django.db import IntegrityError, transaction

from hiring_leaders.models import Requisition
from tests.hiring_leaders.factories import (
    CompanyFactory,
    HiringLeaderFactory,
    RequisitionFactory,
)

pytestmark = pytest.mark.django_db


def test_company_names_are_unique_whatever_the_case():
    CompanyFactory(name="Northwind")
    with pytest.raises(IntegrityError):
        CompanyFactory(name="NORTHWIND")


def test_hiring_leader_email_is_unique_whatever_the_case():
    HiringLeaderFactory(email="dana@client.example")
    with pytest.raises(IntegrityError):
        HiringLeaderFactory(email="Dana@Client.Example")


def test_requisition_status_must_be_known():
    with pytest.raises(IntegrityError):
        RequisitionFactory(status="paused")


@pytest.mark.parametrize("status", ["filled", "cancelled"])
def test_a_closed_requisition_records_when_it_closed(status):
    with pytest.raises(IntegrityError):
        RequisitionFactory(status=status, closed_on=None)


@pytest.mark.parametrize("status", ["open", "on_hold"])
def test_an_open_requisition_has_no_close_date(status):
    with pytest.raises(IntegrityError):
        RequisitionFactory(status=status, closed_on=datetime.date.today())


def test_a_requisition_cannot_close_before_it_opened():
    with pytest.raises(IntegrityError):
        RequisitionFactory(
            status=Requisition.Status.FILLED,
            opened_on=datetime.date(2026, 5, 1),
            closed_on=datetime.date(2026, 4, 1),
        )


def test_a_requisition_has_at_least_one_opening():
    with pytest.raises(IntegrityError), transaction.atomic():
        RequisitionFactory(openings=0)
