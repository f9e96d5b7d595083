"""Forms of the legal-clock pages: a deadline rule, and the deadline calculator."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from danvan.core.forms import BootstrapMixin, DateInput
from danvan.core.forms_calendar import FIRST_YEAR, LAST_YEAR
from danvan.petitions.deadlines import Explanation, RuleBook, explain
from danvan.petitions.models import Complexity, DeadlineRule, Step, Track

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
ONE_DAY = dt.timedelta(days=1)


def _d(value: dt.date | None) -> str:
    return date_format(value, "d/m/Y") if value else ""


def _span(rule: DeadlineRule) -> str:
    if rule.effective_to is None:
        return _("from %(start)s, with no end") % {"start": _d(rule.effective_from)}
    return _("from %(start)s to %(end)s") % {
        "start": _d(rule.effective_from),
        "end": _d(rule.effective_to),
    }


def _overlaps(a_from: dt.date, a_to: dt.date | None, b_from: dt.date, b_to: dt.date | None) -> bool:
    return a_from <= (b_to or dt.date.max) and b_from <= (a_to or dt.date.max)


class RuleForm(BootstrapMixin, forms.ModelForm):
    """A deadline rule. One rule per variant (track, step, complexity, remote area) at a time.

    When the law changes on a date, add the new rule from that date and tick
    ``close_previous``: the rule in force until then gets the day before as its end.
    """

    close_previous = forms.BooleanField(
        label=_("End the rule in force for this variant on the day before this one starts"),
        required=False,
        initial=True,
    )

    class Meta:
        model = DeadlineRule
        fields = [
            "track",
            "step",
            "complexity",
            "remote_area",
            "days",
            "day_type",
            "extensions_allowed",
            "extension_days",
            "effective_from",
            "effective_to",
            "citation",
            "note",
        ]
        widgets = {
            "effective_from": DateInput(),
            "effective_to": DateInput(),
            "citation": forms.TextInput(),
            "note": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "citation": _("For example “Luật Khiếu nại 2011, Điều 28”."),
            "effective_to": _("Leave empty while the rule is in force."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("effective_from", "effective_to"):
            self.fields[name].input_formats = DATE_FORMATS
        if self.instance.pk:
            del self.fields["close_previous"]
        self.to_close: DeadlineRule | None = None

    def clean_days(self) -> int:
        days = self.cleaned_data["days"]
        if days < 1:
            raise forms.ValidationError(_("A period is at least 1 day."))
        return days

    def clean(self):
        data = super().clean()
        start, end = data.get("effective_from"), data.get("effective_to")
        if start and end and end < start:
            self.add_error(
                "effective_to",
                _("The rule cannot end (%(end)s) before it starts (%(start)s).")
                % {"end": _d(end), "start": _d(start)},
            )
            return data
        count, each = data.get("extensions_allowed"), data.get("extension_days")
        if count and not each:
            self.add_error(
                "extension_days", _("Say how many days each of the %(n)s extension(s) may add.")
            )
        if each and not count:
            self.add_error(
                "extensions_allowed",
                _("Days per extension are given but no extension is allowed: set how many."),
            )
        variant = [data.get(name) for name in ("track", "step", "complexity")]
        if start is None or None in variant or "remote_area" not in data:
            return data
        self._check_overlaps(data, start, end)
        return data

    def _check_overlaps(self, data, start: dt.date, end: dt.date | None) -> None:
        same = DeadlineRule.objects.filter(
            track=data["track"],
            step=data["step"],
            complexity=data["complexity"],
            remote_area=data["remote_area"],
        ).exclude(pk=self.instance.pk)
        others = list(same.order_by("effective_from"))
        if data.get("close_previous"):
            in_force = [
                r
                for r in others
                if r.effective_from < start and (r.effective_to is None or r.effective_to >= start)
            ]
            if in_force:
                self.to_close = in_force[0]
                others.remove(self.to_close)
        for other in others:
            if _overlaps(start, end, other.effective_from, other.effective_to):
                self.add_error(
                    None,
                    _(
                        "These dates overlap another rule for the same track, step and variant: "
                        "“%(rule)s”, in force %(span)s (%(citation)s). Only one rule may apply "
                        "on a given day: give one of them an end date before the other starts."
                    )
                    % {"rule": other, "span": _span(other), "citation": other.citation},
                )
                self.to_close = None
                return

    @transaction.atomic
    def save(self, commit: bool = True) -> DeadlineRule:
        if self.to_close is not None:
            self.to_close.effective_to = self.cleaned_data["effective_from"] - ONE_DAY
            self.to_close.save(update_fields=["effective_to", "updated_at"])
        return super().save(commit=commit)


class FlagInput(forms.CheckboxInput):
    """A checkbox that also reads a link's ``remote=0`` / ``remote=false`` as unticked."""

    def value_from_datadict(self, data, files, name) -> bool:
        value = data.get(name)
        if isinstance(value, str) and value.strip().lower() in ("", "0", "false", "off", "no"):
            return False
        return super().value_from_datadict(data, files, name)


class CalculatorForm(BootstrapMixin, forms.Form):
    """A legal clock for an event on ``start``; ``explanation`` holds the answer when valid."""

    track = forms.ChoiceField(label=_("Track"), choices=Track.choices)
    step = forms.ChoiceField(label=_("Step"), choices=Step.choices)
    start = forms.DateField(
        label=_("Day of the event"),
        input_formats=DATE_FORMATS,
        widget=DateInput(),
        help_text=_("Receipt, acceptance… This day is not counted."),
    )
    complexity = forms.ChoiceField(
        label=_("Complexity"), choices=Complexity.choices, initial=Complexity.NORMAL
    )
    remote = forms.BooleanField(label=_("Remote area"), required=False, widget=FlagInput)
    extension_days = forms.IntegerField(
        label=_("Extension days granted"), min_value=0, max_value=999, required=False, initial=0
    )

    def __init__(self, *args, rules: RuleBook | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.rules = rules
        self.rule: DeadlineRule | None = None
        self.explanation: Explanation | None = None

    @classmethod
    def defaults(cls) -> dict[str, str]:
        """What the calculator starts from: a complaint received today, normal, not remote."""
        return {
            "track": Track.COMPLAINT_1,
            "step": Step.ACCEPTANCE,
            "start": timezone.localdate().isoformat(),
            "complexity": Complexity.NORMAL,
            "extension_days": "0",
        }

    def clean_start(self) -> dt.date:
        start = self.cleaned_data["start"]
        if not FIRST_YEAR <= start.year <= LAST_YEAR:
            raise forms.ValidationError(
                _("The calendar covers %(first)s to %(last)s.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR}
            )
        return start

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        rules = self.rules or RuleBook.load()
        variant = {"complexity": data["complexity"], "remote": data["remote"]}
        self.rule = rules.find(data["track"], data["step"], on=data["start"], **variant)
        if self.rule is None:
            raise forms.ValidationError(
                _("No rule for “%(track)s”, “%(step)s” is in force on %(date)s.")
                % {
                    "track": Track(data["track"]).label,
                    "step": Step(data["step"]).label,
                    "date": _d(data["start"]),
                }
            )
        extension = data.get("extension_days") or 0
        most = self.rule.extensions_allowed * self.rule.extension_days
        if extension > most:
            if most == 0:
                message = _("This rule allows no extension.")
            else:
                message = _(
                    "This rule allows at most %(most)s extension days (%(count)s extension(s) "
                    "of at most %(days)s days each)."
                ) % {
                    "most": most,
                    "count": self.rule.extensions_allowed,
                    "days": self.rule.extension_days,
                }
            self.add_error("extension_days", message)
            return data
        self.explanation = explain(
            data["track"],
            data["step"],
            data["start"],
            extension_days=extension,
            rules=rules,
            **variant,
        )
        return data
