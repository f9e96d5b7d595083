"""The legal clocks: the deadline rules (read by all, edited by system administrators) and
the deadline calculator that shows how a due date is reached, day by day.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from danvan.core.workdays import CALENDAR, ONE_DAY
from danvan.petitions.deadlines import Explanation, RuleBook
from danvan.petitions.forms_deadlines import CalculatorForm, RuleForm
from danvan.petitions.models import Complexity, DeadlineRule, Step, Track

PERM = "petitions.change_deadlinerule"
STEP_ORDER = {value: index for index, value in enumerate(Step.values)}
COMPLEXITY_ORDER = {value: index for index, value in enumerate(Complexity.values)}
CALCULATOR_FIELDS = ("track", "step", "start", "complexity", "remote", "extension_days")


def _calculator_url(rule: DeadlineRule) -> str:
    params = {"track": rule.track, "step": rule.step, "complexity": rule.complexity}
    if rule.remote_area:
        params["remote"] = "1"
    return f"{reverse('petitions:deadline_compute')}?{urlencode(params)}"


@dataclass(frozen=True)
class RuleRow:
    rule: DeadlineRule
    status: str  # "in_force", "future" or "ended"
    calculator_url: str


def _status(rule: DeadlineRule, today) -> str:
    if rule.effective_from > today:
        return "future"
    if rule.effective_to is not None and rule.effective_to < today:
        return "ended"
    return "in_force"


@login_required
def rule_list(request):
    today = timezone.localdate()
    rules = sorted(
        DeadlineRule.objects.all(),
        key=lambda r: (
            STEP_ORDER.get(r.step, 99),
            COMPLEXITY_ORDER.get(r.complexity, 99),
            r.remote_area,
            -r.effective_from.toordinal(),
        ),
    )
    groups = [
        {
            "track": track,
            "rows": [
                RuleRow(rule=r, status=_status(r, today), calculator_url=_calculator_url(r))
                for r in rules
                if r.track == track.value
            ],
        }
        for track in Track
    ]
    context = {
        "groups": [g for g in groups if g["rows"]],
        "can_edit": request.user.has_perm(PERM),
        "today": today,
    }
    return render(request, "petitions/rule_list.html", context)


def _require_admin(request) -> None:
    if not request.user.has_perm(PERM):
        raise PermissionDenied


def _rule_form(request, rule: DeadlineRule | None):
    form = RuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        closed = form.to_close
        saved = form.save()
        if closed is not None:
            messages.success(
                request,
                _(
                    "Rule saved. The rule in force before it now ends on %(end)s. Stored "
                    "deadlines are being recomputed."
                )
                % {"end": f"{closed.effective_to:%d/%m/%Y}"},
            )
        else:
            messages.success(request, _("Rule saved. Stored deadlines are being recomputed."))
        return redirect(f"{reverse('petitions:rule_list')}#rule-{saved.pk}")
    return render(request, "petitions/rule_form.html", {"form": form, "rule": rule})


@login_required
def rule_new(request):
    _require_admin(request)
    return _rule_form(request, None)


@login_required
def rule_edit(request, pk: int):
    _require_admin(request)
    return _rule_form(request, get_object_or_404(DeadlineRule, pk=pk))


@dataclass(frozen=True)
class Steps:
    """The calculator's answer, laid out for the page."""

    explanation: Explanation
    first_day: object  # day 1 of the period: the day after the event
    total_days: int
    nominal_end: object | None  # calendar days: start + days, before the end-day rule
    end_rule_applied: bool
    fallback: bool  # the rule is not of the exact variant asked for
    days_left: int

    @property
    def days_late(self) -> int:
        return -self.days_left


def _steps(explanation: Explanation, complexity: str, remote: bool) -> Steps:
    period, rule = explanation.period, explanation.rule
    nominal = explanation.start + period.days * ONE_DAY if period.day_type == CALENDAR else None
    return Steps(
        explanation=explanation,
        first_day=explanation.start + ONE_DAY,
        total_days=period.days,
        nominal_end=nominal,
        end_rule_applied=nominal is not None and nominal != period.end,
        fallback=(rule.complexity, rule.remote_area) != (complexity, remote),
        days_left=(period.end - timezone.localdate()).days,
    )


@login_required
def deadline_compute(request):
    """The calculator; GET parameters make a link (the letter page links here)."""
    rules = RuleBook.load()
    # A link may give only some fields (the letter page gives them all): the rest default.
    data = CalculatorForm.defaults()
    data.update({name: request.GET[name] for name in CALCULATOR_FIELDS if name in request.GET})
    form = CalculatorForm(data, rules=rules)
    steps = None
    if form.is_valid() and form.explanation is not None:
        steps = _steps(
            form.explanation, form.cleaned_data["complexity"], form.cleaned_data["remote"]
        )
    context = {
        "form": form,
        "steps": steps,
        "rules_url": reverse("petitions:rule_list"),
    }
    return render(request, "petitions/deadline_compute.html", context)
