"""Query-string filters of the API. An invalid value answers 400 naming the parameter."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from danvan.orgs.models import Membership, Role, Unit, UnitKind, UnitQuerySet

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
MAX_QUERY_LENGTH = 100


class UnitIdField(forms.IntegerField):
    """An existing unit's id, cleaned to the unit (unit names are public, so saying that
    an id does not exist reveals nothing)."""

    default_error_messages = {"unknown": _("There is no unit with this id.")}

    def clean(self, value):
        pk = super().clean(value)
        if pk is None:
            return None
        unit = Unit.objects.filter(pk=pk).first()
        if unit is None:
            raise forms.ValidationError(self.error_messages["unknown"], code="unknown")
        return unit


class UnitIdFilter(django_filters.NumberFilter):
    """A unit given by its id. ``field_name="id"`` tells the schema it is an integer."""

    field_class = UnitIdField

    def __init__(self, **kwargs):
        kwargs.setdefault("field_name", "id")
        super().__init__(**kwargs)


class UnitFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        choices=UnitKind.choices, help_text=_("Only units of this kind.")
    )
    parent = UnitIdFilter(
        method="filter_parent", help_text=_("Only the direct children of the unit with this id.")
    )
    ancestor = UnitIdFilter(
        method="filter_ancestor",
        help_text=_("The unit with this id and every unit under it, at any depth."),
    )
    q = django_filters.CharFilter(
        method="filter_search",
        max_length=MAX_QUERY_LENGTH,
        help_text=_(
            "Words to look for in the name, short name or code; accents and case are ignored."
        ),
    )
    valid_on = django_filters.DateFilter(
        method="filter_valid_on",
        input_formats=DATE_INPUT_FORMATS,
        help_text=_("Only units in force on this day (YYYY-MM-DD or dd/mm/yyyy)."),
    )

    class Meta:
        model = Unit
        fields = ["kind", "parent", "ancestor", "q", "valid_on"]

    def filter_parent(self, queryset: UnitQuerySet, name: str, unit: Unit) -> UnitQuerySet:
        return queryset.filter(path__startswith=unit.path, depth=unit.depth + 1)

    def filter_ancestor(self, queryset: UnitQuerySet, name: str, unit: Unit) -> UnitQuerySet:
        return queryset.subtree_of(unit)

    def filter_search(self, queryset: UnitQuerySet, name: str, value: str) -> UnitQuerySet:
        return queryset.search(value)

    def filter_valid_on(self, queryset: UnitQuerySet, name: str, value) -> UnitQuerySet:
        return queryset.valid_on(value)


class MembershipFilter(django_filters.FilterSet):
    role = django_filters.ChoiceFilter(choices=Role.choices, help_text=_("Only this role."))
    is_active = django_filters.BooleanFilter(
        help_text=_("true: only active memberships; false: only revoked ones.")
    )

    class Meta:
        model = Membership
        fields = ["role", "is_active"]
