import factory

from recruitcrm.models import User

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@agency.example")
    role = User.Role.RECRUITER
    password = factory.django.Password(PASSWORD)


class RecruiterFactory(UserFactory):
    role = User.Role.RECRUITER


class AdminUserFactory(UserFactory):
    role = User.Role.ADMIN
    is_staff = True
    is_superuser = True


class HiringLeaderUserFactory(UserFactory):
    role = User.Role.HIRING_LEADER
