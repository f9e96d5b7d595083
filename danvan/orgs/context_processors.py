from danvan.orgs.selectors import membership_units


def working_unit(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    unit = getattr(request, "working_unit", None)
    return {
        "working_unit": unit if unit else None,
        "my_units": membership_units(user),
    }
