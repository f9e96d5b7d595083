"""The filters of the legal documents register and the plan list, read from a query string.

Each filter set is a frozen dataclass built leniently from the request's GET parameters
(unknown or malformed values are ignored), and a function turns it into the queryset the
page, its htmx partial and its Excel export share. Both start from what the user may see and
load what a row shows in a constant number of queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Func, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Length

from danvan.core.params import choice_param as _choice
from danvan.core.params import int_param
from danvan.core.text import fold, search_terms
from danvan.orgs.models import Unit
from danvan.plans.models import (
    OPEN_TASK_STATUSES,
    DocumentType,
    LegalDocument,
    PlanKind,
    PlanStatus,
    Task,
    TaskStatus,
    number_key,
)
from danvan.plans.selectors import visible_plans

QUERY_MAX = 100


def _year(params: Mapping[str, Any], key: str = "year") -> int | None:
    value = int_param(params, key)
    return value if value is not None and 1900 <= value <= 2200 else None


def _text(params: Mapping[str, Any], key: str) -> str:
    return str(params.get(key, "")).strip()[:QUERY_MAX]


# ---------------------------------------------------------------- legal documents

# How many digits a number and symbol starts with: "33/CT-TTg" 2, "1243/KH-UBND" 4, so that
# sorting by it then by the text puts 33 before 120 before 1243 (LTRIM with a set of
# characters exists in SQLite and PostgreSQL alike).
_LEADING_DIGITS = Length("number_key") - Length(
    Func(F("number_key"), Value("0123456789"), function="LTRIM")
)
DOCUMENT_SORTS = {
    "-date": (F("issued_on").desc(nulls_last=True), "number_key", "pk"),
    "date": (F("issued_on").asc(nulls_last=True), "number_key", "pk"),
    "number": (_LEADING_DIGITS, "number_key", "-issued_on", "pk"),
    "-number": (_LEADING_DIGITS.desc(), "-number_key", "-issued_on", "-pk"),
}


@dataclass(frozen=True)
class DocumentFilters:
    q: str = ""
    doc_type: str = ""
    issuer: str = ""
    year: int | None = None
    sort: str = "-date"

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> DocumentFilters:
        return cls(
            q=_text(params, "q"),
            doc_type=_choice(params, "type", DocumentType.values),
            issuer=_text(params, "issuer"),
            year=_year(params),
            sort=_choice(params, "sort", DOCUMENT_SORTS) or "-date",
        )

    @property
    def active(self) -> bool:
        return any([self.q, self.doc_type, self.issuer, self.year])


def document_issuers() -> list[str]:
    """The issuing bodies in the register, for the issuer filter's suggestions."""
    return sorted(
        LegalDocument.objects.order_by().values_list("issuer", flat=True).distinct(), key=fold
    )


def search_documents(query: str, qs=None):
    """Entries whose number matches ``query`` ("33/ct - ttg") or that hold all its words."""
    qs = LegalDocument.objects.all() if qs is None else qs
    if not search_terms(query):
        return qs
    key = number_key(query)
    return qs.filter(Q(number_key__contains=key) | Q(pk__in=qs.search(query).values("pk")))


def document_list(filters: DocumentFilters):
    """The register, filtered and sorted; every signed-in user reads the whole register."""
    qs = search_documents(filters.q)
    if filters.doc_type:
        qs = qs.filter(doc_type=filters.doc_type)
    if filters.issuer:
        # Accent-insensitive on the issuing body alone (not on titles mentioning it).
        wanted = fold(filters.issuer)
        issuers = [i for i in document_issuers() if wanted in fold(i)]
        qs = qs.filter(issuer__in=issuers)
    if filters.year:
        qs = qs.filter(issued_on__year=filters.year)
    return qs.select_related("issuer_unit", "plan").order_by(*DOCUMENT_SORTS[filters.sort])


def document_years() -> list[int]:
    return sorted(
        {d.year for d in LegalDocument.objects.order_by().dates("issued_on", "year")},
        reverse=True,
    )


# ------------------------------------------------------------------------- plans

# Registry numbers are digits: a shorter one is a smaller one ("99" before "100").
# A draft without its date yet comes first among the newest, last among the oldest.
PLAN_SORTS = {
    "-date": (F("issued_on").desc(nulls_first=True), "-pk"),
    "date": (F("issued_on").asc(nulls_last=True), "pk"),
    "number": (Length("number"), "number", "pk"),
    "-number": (Length("number").desc(), "-number", "-pk"),
    "title": ("title", "pk"),
    "-title": ("-title", "-pk"),
}


@dataclass(frozen=True)
class PlanFilters:
    q: str = ""
    status: str = ""
    kind: str = ""
    unit: int | None = None  # issued by this unit or one under it
    year: int | None = None
    parent: int | None = None  # implements this plan
    sort: str = "-date"

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> PlanFilters:
        return cls(
            q=_text(params, "q"),
            status=_choice(params, "status", PlanStatus.values),
            kind=_choice(params, "kind", PlanKind.values),
            unit=int_param(params, "unit"),
            year=_year(params),
            parent=int_param(params, "parent"),
            sort=_choice(params, "sort", PLAN_SORTS) or "-date",
        )

    @property
    def active(self) -> bool:
        return any([self.q, self.status, self.kind, self.unit, self.year, self.parent])


def _count_tasks(**lookups):
    return Coalesce(
        Subquery(
            Task.objects.filter(plan=OuterRef("pk"), **lookups)
            .order_by()
            .values("plan")
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


def plan_list(user, filters: PlanFilters, *, today: dt.date):
    """Plans the user may see, filtered and sorted, with their task counts."""
    qs = visible_plans(user)
    if filters.unit:
        unit = Unit.objects.filter(pk=filters.unit).only("path").first()
        qs = qs.filter(unit__path__startswith=unit.path) if unit else qs.none()
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.year:
        qs = qs.filter(issued_on__year=filters.year)
    if filters.parent:
        qs = qs.filter(parent_id=filters.parent)
    return (
        qs.search(filters.q)
        .select_related("unit", "parent", "parent__unit")
        .annotate(
            n_tasks=_count_tasks(),
            n_open=_count_tasks(status__in=OPEN_TASK_STATUSES),
            n_overdue=_count_tasks(status__in=OPEN_TASK_STATUSES, current_due__lt=today),
            n_done=_count_tasks(status=TaskStatus.DONE),
        )
        .order_by(*PLAN_SORTS[filters.sort])
    )
