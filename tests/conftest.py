import pytest

from tests.candidates.factories import CandidateFactory
from tests.hiring_leaders.factories import HiringLeaderWithLoginFactory, RequisitionFactory
from tests.recruitcrm.factories import AdminUserFactory, RecruiterFactory


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The real hasher is slow by design; tests create hundreds of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def recruiter(db):
    return RecruiterFactory()


@pytest.fixture
def other_recruiter(db):
    return RecruiterFactory()


@pytest.fixture
def admin_user(db):
    return AdminUserFactory()


@pytest.fixture
def leader(db):
    """A hiring leader with a login."""
    return HiringLeaderWithLoginFactory()


@pytest.fixture
def other_leader(db):
    return HiringLeaderWithLoginFactory()


@pytest.fixture
def requisition(leader, recruiter):
    return RequisitionFactory(hiring_leader=leader, recruiter=recruiter)


@pytest.fixture
def candidate(recruiter):
    return CandidateFactory(owner=recruiter)
