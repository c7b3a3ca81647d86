"""Resolving the organisation of a request and the caller's membership in it."""

from django.http import Http404

from tenancy.context import org_context
from tenancy.models import Membership, Organization


class NotAMember(Http404):
    """The organisation does not exist or the user is not an active member of it.

    Both cases look the same from outside, so the existence of an organisation is not
    revealed to outsiders.
    """


def resolve_membership(user, org_slug: str) -> tuple[Organization, Membership]:
    organization = Organization.objects.filter(slug=org_slug).first()
    if organization is None or not user.is_authenticated:
        raise NotAMember("No such organisation")
    with org_context(organization):
        # The explicit organisation filter keeps the first wall standing on its own, even
        # with the scoped manager and row-level security both gone.
        membership = (
            Membership.objects.select_related("department")
            .filter(organization=organization, user=user, is_active=True)
            .first()
        )
    if membership is None:
        raise NotAMember("No such organisation")
    return organization, membership
