import factory

from accounts.models import User
from tenancy.context import org_context
from tenancy.models import Department, Invitation, Membership, Organization, Role, hash_token


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Faker("name")
    password = factory.django.Password("correct-horse-battery")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Org {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")


class TenantFactory(factory.django.DjangoModelFactory):
    """Creates each row inside its own organisation's context, as the application would:
    the scoped manager and row-level security then accept it."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with org_context(kwargs["organization"]):
            return super()._create(model_class, *args, **kwargs)


class DepartmentFactory(TenantFactory):
    class Meta:
        model = Department

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Department {n}")


class MembershipFactory(TenantFactory):
    class Meta:
        model = Membership

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.EMPLOYEE
    job_track = "engineering"


class InvitationFactory(TenantFactory):
    class Meta:
        model = Invitation
        exclude = ["token"]

    organization = factory.SubFactory(OrganizationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    role = Role.EMPLOYEE
    token = factory.Sequence(lambda n: f"token-{n}-abcdefghijklmnop")
    token_hash = factory.LazyAttribute(lambda o: hash_token(o.token))
