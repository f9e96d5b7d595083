"""Indicators (what is measured and how it adds up) and targets (what a unit must reach).

An ``Indicator`` says what kind of number it is (a count, an amount, a rate = numerator /
denominator, a score or index, a yes/no), which way is better, how a parent's figure is built
from its children's (``RollupRule``), and where the number comes from: typed into a report, or
computed by a module that registered a source in ``danvan.kpis.sources``.

A ``Target`` is set by a unit for itself (its rolled-up figure) or for every unit of one kind
in its subtree ("each commune of the province"), for one year's reports or to be reached by a
horizon year (2030). ``danvan.kpis.status`` turns a value and a target into met / on track /
at risk / missed / no data.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from danvan.core.models import SearchableModel, SearchQuerySet, TimeStampedModel
from danvan.orgs.models import Unit, UnitKind


class IndicatorKind(models.TextChoices):
    COUNT = "count", _("Count")
    AMOUNT = "amount", _("Amount")
    RATE = "rate", _("Rate (numerator / denominator)")
    SCORE = "score", _("Score or index")
    BOOLEAN = "boolean", _("Yes / no")


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")
    BAND = "band", _("Within a band")


class RollupRule(models.TextChoices):
    SUM = "sum", _("Sum")
    RATE = "rate", _("Rate from summed numerators and denominators")
    WEIGHTED_MEAN = "weighted_mean", _("Mean weighted by another indicator")
    MIN = "min", _("Minimum")
    MAX = "max", _("Maximum")
    LATEST = "latest", _("Latest value")
    NONE = "none", _("Not rolled up")


class Source(models.TextChoices):
    MANUAL = "manual", _("Entered in the report")
    COMPUTED = "computed", _("Computed by danvan")


class Category(models.TextChoices):
    """Directive 33/CT-TTg's nine task areas, plus the published indices and citizens' work."""

    POLICY = "policy", _("Policies and their implementation")
    OUTREACH = "outreach", _("Outreach (remote, ethnic-minority and religious areas first)")
    MOVEMENT = "movement", _("“Dân vận khéo” movement")
    ADMIN_REFORM = "admin_reform", _("Administrative reform")
    ETHICS = "ethics", _("Public-service ethics and conduct")
    CITIZENS = "citizens", _("Information, citizen reception and complaints")
    COORDINATION = "coordination", _("Coordination with the Fatherland Front and organisations")
    CULTURE = "culture", _("Grassroots cultural life")
    CONSENT = "consent", _("Policies that win the people's consent")
    INDICES = "indices", _("Published indices (PAR Index, PAPI, SIPAS)")
    SOCIO_ECONOMIC = "socio_economic", _("Socio-economic targets")


class IndicatorQuerySet(SearchQuerySet):
    def active(self) -> IndicatorQuerySet:
        return self.filter(is_active=True)


class Indicator(SearchableModel, TimeStampedModel):
    code = models.SlugField(
        _("code"),
        max_length=60,
        unique=True,
        help_text=_("Stable identifier used in exports and the API, e.g. officials_trained."),
    )
    name = models.CharField(_("name"), max_length=300)
    name_en = models.CharField(_("name in English"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    measure = models.CharField(
        _("unit of measure"), max_length=40, blank=True, help_text=_("e.g. %, models, sessions")
    )
    kind = models.CharField(_("type"), max_length=10, choices=IndicatorKind.choices)
    direction = models.CharField(
        _("direction"), max_length=8, choices=Direction.choices, default=Direction.HIGHER
    )
    rollup = models.CharField(
        _("roll-up rule"), max_length=16, choices=RollupRule.choices, default=RollupRule.SUM
    )
    weight = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="weighted",
        verbose_name=_("weight indicator"),
        help_text=_("For a weighted mean: the indicator whose value weighs each unit."),
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    source = models.CharField(
        pgettext_lazy("figure source", "source"),
        max_length=10,
        choices=Source.choices,
        default=Source.MANUAL,
    )
    source_key = models.CharField(
        _("computed source"),
        max_length=60,
        blank=True,
        help_text=_("Key of a source registered by a module (see danvan.kpis.sources)."),
    )
    numerator_label = models.CharField(_("numerator"), max_length=200, blank=True)
    denominator_label = models.CharField(_("denominator"), max_length=200, blank=True)
    scale = models.PositiveIntegerField(
        _("scale"),
        default=100,
        help_text=_("A rate is numerator / denominator * scale: 100 for a percentage."),
    )
    min_value = models.DecimalField(
        _("lowest value"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("highest value"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    decimals = models.PositiveSmallIntegerField(_("decimals shown"), default=0)
    has_rank = models.BooleanField(
        _("has a rank"), default=False, help_text=_("Published indices also record a rank.")
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords(excluded_fields=["search_text"])
    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["category", "order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(min_value__lte=models.F("max_value")),
                name="indicator_value_range",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        from django.utils.translation import get_language

        if self.name_en and (get_language() or "vi").startswith("en"):
            return self.name_en
        return self.name

    def search_source(self) -> str:
        return f"{self.code} {self.name} {self.name_en} {self.description}"

    def get_absolute_url(self) -> str:
        return reverse("kpis:indicator_detail", args=[self.pk])

    @property
    def is_rate(self) -> bool:
        return self.kind in (IndicatorKind.RATE, IndicatorKind.BOOLEAN)

    @property
    def is_computed(self) -> bool:
        return self.source == Source.COMPUTED

    def clean(self) -> None:
        errors = {}
        if self.rollup == RollupRule.WEIGHTED_MEAN and self.weight_id is None:
            errors["weight"] = _("A weighted mean needs the indicator that weighs it.")
        if self.weight_id is not None and self.weight_id == self.pk:
            errors["weight"] = _("An indicator cannot weigh itself.")
        if self.kind == IndicatorKind.RATE and self.rollup not in (
            RollupRule.RATE,
            RollupRule.NONE,
            RollupRule.LATEST,
        ):
            errors["rollup"] = _(
                "A rate is rolled up from summed numerators and denominators, never averaged."
            )
        if self.source == Source.COMPUTED and not self.source_key:
            errors["source_key"] = _("Choose the module source that computes this indicator.")
        if self.source == Source.COMPUTED and self.source_key:
            from danvan.kpis import sources

            if sources.get(self.source_key) is None:
                errors["source_key"] = _("No module registered this source.")
        if (
            self.min_value is not None
            and self.max_value is not None
            and self.min_value > self.max_value
        ):
            errors["max_value"] = _("The highest value is below the lowest.")
        if errors:
            raise ValidationError(errors)

    def format(self, value: Decimal | None) -> str:
        if value is None:
            return "—"
        text = f"{value:,.{self.decimals}f}".replace(",", " ").replace(".", ",")
        return text.replace(" ", ".")


class Comparator(models.TextChoices):
    GT = "gt", ">"
    GTE = "gte", "≥"
    LT = "lt", "<"
    LTE = "lte", "≤"
    EQ = "eq", "="
    BAND = "band", _("between")


class TargetKind(models.TextChoices):
    ANNUAL = "annual", _("For the year's reports")
    HORIZON = "horizon", _("To reach by the end of the year")


class TargetQuerySet(models.QuerySet):
    def visible_to(self, user) -> TargetQuerySet:
        """Targets set over the user's units, and targets set above them that apply to them."""
        from danvan.orgs.scope import scope_for

        scope = scope_for(user)
        if scope.is_global:
            return self
        prefixes = scope.prefixes()
        if not prefixes:
            return self.none()
        query = scope.q()
        for prefix in prefixes:
            # every ancestor of a unit the user sees: its path is a prefix of the user's path
            ancestors = [prefix[:n] for n in range(Unit.steplen, len(prefix) + 1, Unit.steplen)]
            query |= Q(unit__path__in=ancestors)
        return self.filter(query)


class Target(TimeStampedModel):
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="targets", verbose_name=_("indicator")
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="kpi_targets",
        verbose_name=_("set by / for unit"),
    )
    applies_to_kind = models.CharField(
        _("applies to"),
        max_length=16,
        choices=UnitKind.choices,
        blank=True,
        help_text=_(
            "Empty: the unit's own rolled-up figure. A kind: every unit of that kind in its "
            "subtree (e.g. each commune of the province)."
        ),
    )
    kind = models.CharField(
        _("target type"), max_length=8, choices=TargetKind.choices, default=TargetKind.HORIZON
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000)], help_text=_("e.g. 2026, or 2030")
    )
    comparator = models.CharField(_("comparator"), max_length=4, choices=Comparator.choices)
    value = models.DecimalField(_("target value"), max_digits=20, decimal_places=4)
    value_high = models.DecimalField(
        _("upper bound"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    baseline_value = models.DecimalField(
        _("baseline value"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    plan = models.ForeignKey(
        "plans.Plan",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="kpi_targets",
        verbose_name=_("set by plan"),
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        "orgs.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    history = HistoricalRecords()
    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["indicator__category", "indicator__order", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "unit", "applies_to_kind", "kind", "year"],
                name="unique_target",
            ),
            models.CheckConstraint(
                condition=~Q(comparator="band")
                | (Q(value_high__isnull=False) & Q(value__lte=models.F("value_high"))),
                name="target_band_bounds",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.describe()} ({self.year})"

    def describe(self) -> str:
        if self.comparator == Comparator.BAND:
            return f"{self.indicator.format(self.value)} - {self.indicator.format(self.value_high)}"
        measure = f" {self.indicator.measure}" if self.indicator.measure else ""
        return f"{self.get_comparator_display()} {self.indicator.format(self.value)}{measure}"

    def clean(self) -> None:
        errors = {}
        if self.comparator == Comparator.BAND:
            if self.value_high is None:
                errors["value_high"] = _("A band needs an upper bound.")
            elif self.value is not None and self.value_high < self.value:
                errors["value_high"] = _("The upper bound is below the lower bound.")
        indicator = self.indicator if self.indicator_id else None
        if indicator is not None and self.comparator:
            if indicator.direction == Direction.HIGHER and self.comparator in ("lt", "lte"):
                errors["comparator"] = _("Higher is better for this indicator: use ≥ or >.")
            if indicator.direction == Direction.LOWER and self.comparator in ("gt", "gte"):
                errors["comparator"] = _("Lower is better for this indicator: use ≤ or <.")
            if self.value is not None:
                if indicator.min_value is not None and self.value < indicator.min_value:
                    errors["value"] = _("Below the indicator's lowest possible value.")
                if indicator.max_value is not None and self.value > indicator.max_value:
                    errors["value"] = _("Above the indicator's highest possible value.")
        if (
            self.baseline_year is not None
            and self.year is not None
            and self.baseline_year >= self.year
        ):
            errors["baseline_year"] = _("The baseline year must come before the target year.")
        if (self.baseline_year is None) != (self.baseline_value is None):
            errors["baseline_value"] = _("Give both the baseline year and its value, or neither.")
        if errors:
            raise ValidationError(errors)

    def applies_to(self, unit: Unit) -> bool:
        if not unit.path.startswith(self.unit.path):
            return False
        if not self.applies_to_kind:
            return unit.pk == self.unit_id
        return unit.kind == self.applies_to_kind
