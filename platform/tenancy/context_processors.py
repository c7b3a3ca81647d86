from tenancy.selectors import memberships_for_user


def tenancy(request) -> dict:
    """Navigation data for the base layout: the current organisation and the switcher."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {
        "current_organization": getattr(request, "organization", None),
        "current_membership": getattr(request, "membership", None),
        "user_organizations": memberships_for_user(request.user),
    }
