"""Forms of the indicator catalogue and of targets.

Both are model forms, so the models' ``clean()`` rules (a rate is never averaged, a weighted
mean needs its weight, a computed indicator needs a registered source; ≥ is refused on a
lower-is-better indicator, a band needs its upper bound…) come back beside the fields they
concern, with what was typed kept.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from danvan.core.forms import BootstrapMixin
from danvan.kpis import sources
from danvan.kpis.models import Indicator, Target
from danvan.orgs.models import UnitKind


class IndicatorForm(BootstrapMixin, forms.ModelForm):
    source_key = forms.ChoiceField(
        label=_("computed source"),
        required=False,
        help_text=_("Only for a computed indicator: the module source that counts it."),
    )

    class Meta:
        model = Indicator
        fields = [
            "code",
            "name",
            "name_en",
            "description",
            "category",
            "kind",
            "measure",
            "direction",
            "rollup",
            "weight",
            "source",
            "source_key",
            "numerator_label",
            "denominator_label",
            "scale",
            "min_value",
            "max_value",
            "decimals",
            "has_rank",
            "order",
            "is_active",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, code_locked: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.source_key if self.instance.pk else ""
        choices = [("", "—"), *sources.choices()]
        if current and current not in dict(choices):
            # keep an unregistered key choosable so the page shows it (and the error on save)
            choices.append((current, current))
        self.fields["source_key"].choices = choices
        weights = Indicator.objects.order_by("category", "order", "code")
        if self.instance.pk:
            weights = weights.exclude(pk=self.instance.pk)
        self.fields["weight"].queryset = weights
        self.code_locked = code_locked
        if code_locked:
            self.fields["code"].disabled = True
            self.fields["code"].help_text = _(
                "Used by a report form or a report: the code can no longer change."
            )
        self._style()


class TargetForm(BootstrapMixin, forms.ModelForm):
    applies_to_kind = forms.ChoiceField(
        label=_("applies to"),
        required=False,
        help_text=_("The unit's own figure, or each unit of a kind in its subtree."),
    )

    class Meta:
        model = Target
        fields = [
            "indicator",
            "unit",
            "applies_to_kind",
            "kind",
            "year",
            "comparator",
            "value",
            "value_high",
            "baseline_year",
            "baseline_value",
            "plan",
            "note",
        ]

    def __init__(self, *args, units, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["unit"].empty_label = None
        self.fields["plan"].queryset = plans
        indicators = Indicator.objects.order_by("category", "order", "code")
        if not self.instance.pk:
            indicators = indicators.filter(is_active=True)
        self.fields["indicator"].queryset = indicators
        self.fields["applies_to_kind"].choices = [
            ("", _("The unit's own figure")),
            *[
                (value, _("Each unit of this kind: %(kind)s") % {"kind": label})
                for value, label in UnitKind.choices
            ],
        ]
        self._style()
