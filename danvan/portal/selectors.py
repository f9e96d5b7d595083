"""Reads for the public showcase: only what a citizen may see of published initiatives.

Everything starts from ``Initiative.objects.published()`` (recognised, proposed or rewarded,
and published by the launching body). Nothing internal leaves this module: no
self-assessment, scores, comments, reasons, officials' names or unpublished evidence.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Substr

from danvan.core.text import search_terms
from danvan.initiatives.models import (
    COUNTED_STATUSES,
    RECOGNISED_STATUSES,
    Award,
    Evidence,
    EvidenceKind,
    Field,
    Initiative,
    InitiativeKind,
    Recognition,
)
from danvan.initiatives.selectors import replication_tree
from danvan.orgs.models import Unit

PAGE_SIZE = 12
# A province is a root of the unit tree: its path is the first step of its units' paths.
PROVINCE_PATH_LENGTH = Unit.steplen


@dataclass(frozen=True)
class ShowcaseFilters:
    q: str = ""
    province: int | None = None
    field: str = ""  # a field's name: fields belong to campaigns, names repeat across them
    year: int | None = None
    kind: str = ""

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> ShowcaseFilters:
        """Lenient: unknown or malformed values are ignored, never an error page."""

        def as_int(key: str, low: int, high: int) -> int | None:
            try:
                value = int(str(params.get(key, "")).strip())
            except ValueError:
                return None
            return value if low <= value <= high else None

        kind = str(params.get("kind", ""))
        return cls(
            q=str(params.get("q", "")).strip()[:100],
            province=as_int("province", 1, 2**63 - 1),
            field=str(params.get("field", "")).strip()[:120],
            year=as_int("year", 2000, 2100),
            kind=kind if kind in InitiativeKind.values else "",
        )

    @property
    def active(self) -> bool:
        return bool(self.q or self.province or self.field or self.year or self.kind)


def _province_path():
    return Substr("unit__path", 1, PROVINCE_PATH_LENGTH)


def _public_photos() -> QuerySet[Evidence]:
    return Evidence.objects.filter(kind=EvidenceKind.PHOTO, is_public=True)


def published_initiatives() -> QuerySet[Initiative]:
    return Initiative.objects.published()


def showcase_list(filters: ShowcaseFilters) -> QuerySet[Initiative]:
    """Published initiatives as the cards show them, in a constant number of queries.

    Each row carries ``cover_token`` (its first public photo), ``province_name`` and
    ``top_level_name`` / ``top_level_rank`` (the highest level it was recognised at);
    ``public_awards`` is prefetched with the award kinds.
    """
    qs = published_initiatives()
    for term in search_terms(filters.q):
        qs = qs.filter(Q(search_text__contains=term) | Q(unit__search_text__contains=term))
    if filters.province:
        province = Unit.objects.filter(pk=filters.province, depth=1).only("path").first()
        qs = qs.filter(unit__path__startswith=province.path) if province else qs.none()
    if filters.field:
        qs = qs.filter(field__name=filters.field)
    if filters.year:
        qs = qs.filter(campaign__year=filters.year)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    top_recognition = Recognition.objects.filter(initiative=OuterRef("pk")).order_by("-level__rank")
    return (
        qs.select_related("unit", "field", "campaign")
        .annotate(
            cover_token=Subquery(
                _public_photos()
                .filter(initiative=OuterRef("pk"))
                .order_by("created_at", "pk")
                .values("token")[:1]
            ),
            province_name=Subquery(
                Unit.objects.filter(path=Substr(OuterRef("unit__path"), 1, PROVINCE_PATH_LENGTH))
                .order_by()
                .values("name")[:1]
            ),
            top_level_name=Subquery(top_recognition.values("level__name")[:1]),
            top_level_rank=Subquery(top_recognition.values("level__rank")[:1]),
        )
        .prefetch_related(
            Prefetch(
                "awards",
                queryset=Award.objects.select_related("kind").order_by("decision_date", "pk"),
                to_attr="public_awards",
            )
        )
        .order_by("-campaign__year", F("top_level_rank").desc(nulls_last=True), "name", "pk")
    )


def filter_options() -> dict[str, list]:
    """Choices of the filter form: only values that have something published (3 queries)."""
    published = published_initiatives()
    province_paths = published.annotate(province_path=_province_path()).values("province_path")
    provinces = list(
        Unit.objects.current()
        .filter(depth=1, path__in=province_paths)
        .order_by("name")
        .values_list("pk", "name")
    )
    fields = list(
        Field.objects.filter(initiatives__in=published)
        .order_by("name")
        .values_list("name", flat=True)
        .distinct()
    )
    years = sorted(set(published.values_list("campaign__year", flat=True).order_by()), reverse=True)
    return {"provinces": provinces, "fields": fields, "years": years}


def showcase_detail(pk: int) -> Initiative | None:
    """One published initiative with its public photos, recognitions and awards."""
    return (
        published_initiatives()
        .select_related(
            "unit", "field", "campaign", "replicated_from__unit", "replicated_from__campaign"
        )
        .annotate(
            province_name=Subquery(
                Unit.objects.filter(path=Substr(OuterRef("unit__path"), 1, PROVINCE_PATH_LENGTH))
                .order_by()
                .values("name")[:1]
            )
        )
        .prefetch_related(
            Prefetch(
                "evidence",
                queryset=_public_photos().order_by("created_at", "pk"),
                to_attr="public_photos",
            ),
            Prefetch(
                "recognitions",
                queryset=Recognition.objects.select_related("level").order_by("level__rank"),
                to_attr="public_recognitions",
            ),
            Prefetch(
                "awards",
                queryset=Award.objects.select_related("kind").order_by("decision_date", "pk"),
                to_attr="public_awards",
            ),
        )
        .filter(pk=pk)
        .first()
    )


@dataclass(frozen=True)
class Replication:
    unit_name: str
    year: int
    generation: int  # 1: replicates this model; 2: replicates a replication; …
    pk: int | None  # set only when that initiative is itself published


def replications(initiative: Initiative) -> list[Replication]:
    """Where the model was replicated: units and years, counted registrations only.

    A replication in draft, returned or discontinued is left out. Only published ones are
    linked; the others show their unit and year and nothing more.
    """
    rows: list[Replication] = []

    def walk(node: dict[str, Any], generation: int) -> None:
        for child in node["children"]:
            item = child["initiative"]
            if item.status in COUNTED_STATUSES:
                published = item.is_published and item.status in RECOGNISED_STATUSES
                rows.append(
                    Replication(
                        unit_name=item.unit.name,
                        year=item.campaign.year,
                        generation=generation,
                        pk=item.pk if published else None,
                    )
                )
            walk(child, generation + 1)

    walk(replication_tree(initiative), 1)
    return rows


def replicates(initiative: Initiative) -> Replication | None:
    """The model this one replicates (unit and year; linked when published)."""
    source = initiative.replicated_from
    if source is None:
        return None
    published = source.is_published and source.status in RECOGNISED_STATUSES
    return Replication(
        unit_name=source.unit.name,
        year=source.campaign.year,
        generation=0,
        pk=source.pk if published else None,
    )


def public_photo(token: str) -> Evidence | None:
    """A photo the public may download: public, a photo, of a published initiative."""
    return (
        _public_photos()
        .filter(token=token, initiative__in=published_initiatives().values("pk"))
        .only("file", "content_type", "token")
        .first()
    )
