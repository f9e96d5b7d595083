"""Fetching objects for a request: anything the user may not see is simply not found."""

from django.db.models import Model, QuerySet
from django.http import Http404


def get_object_for(user, queryset: QuerySet, *, perm: str | None = None, **lookup) -> Model:
    try:
        obj = queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if perm is not None and not user.has_perm(perm, obj):
        raise Http404
    return obj
