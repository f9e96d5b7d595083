from django.utils.functional import SimpleLazyObject

from danvan.orgs.selectors import membership_units


def working_unit(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    unit = getattr(request, "working_unit", None)
    return {
        "working_unit": unit if unit else None,
        "my_units": membership_units(user),
        # One small query, only on pages that show the header's bell.
        "unread_notifications": SimpleLazyObject(
            lambda: user.notifications.filter(read_at__isnull=True).count()
        ),
    }
