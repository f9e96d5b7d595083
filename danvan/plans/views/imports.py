"""Import a plan from Word or pasted text: upload, review the proposal, save.

``/plans/import/`` reads the document and keeps the parser's proposal in the session (as
JSON; nothing is written to the database). ``/plans/import/review/`` shows it as one
editable form: the plan's fields, the legal basis lines with the documents they cite
(linked to the register when it holds them), the sections, the tasks with their lead
units matched in the tree, the recipients and the coverage requirements found. Saving
creates everything in one transaction, or nothing.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from danvan.core.access import get_object_for
from danvan.orgs.models import Unit
from danvan.orgs.selectors import default_unit
from danvan.plans import importer, importing
from danvan.plans.forms_import import (
    BasisFormSet,
    ImportStartForm,
    PlanImportForm,
    RequirementFormSet,
    ReviewUnitForm,
    SectionFormSet,
    TaskFormSet,
)
from danvan.plans.models import Plan

SESSION_KEY = "danvan_plan_import"
ADD_PLAN = "plans.add_plan"


def _writable(request, pk) -> Unit:
    """A unit the user may draft a plan for; any other answers 404."""
    return get_object_for(request.user, Unit.objects.all(), perm=ADD_PLAN, pk=pk)


# ------------------------------------------------------------------- upload


def _read(form) -> importer.Proposal:
    upload = form.cleaned_data.get("file")
    if upload is not None:
        upload.seek(0)
        return importer.parse_docx(upload.read())
    return importer.parse_text(form.cleaned_data["text"])


@login_required
def import_start(request):
    units = importing.import_units(request.user)
    if not units.exists():
        raise PermissionDenied
    problems: list[str] = []
    if request.method == "POST" and request.POST.get("unit"):
        _writable(request, request.POST["unit"])
    form = ImportStartForm(
        request.POST or None,
        request.FILES or None,
        units=units,
        initial={"unit": default_unit(list(units[:500]), request.working_unit)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            proposal = _read(form)
        except importer.UnreadableDocumentError:
            form.add_error("file", _("The Word file could not be read: it may be damaged."))
        else:
            if proposal.is_usable:
                unit = form.cleaned_data.get("unit")
                request.session[SESSION_KEY] = {
                    "proposal": proposal.to_dict(),
                    "unit": unit.pk if unit else None,
                    "suggested": False,
                }
                return redirect("plans:import_review")
            problems = proposal.problems
            form.add_error(None, _("Nothing was saved: the document could not be read."))
    return render(request, "plans/import_start.html", {"form": form, "problems": problems})


# ------------------------------------------------------------------- review


class ReviewForms:
    """The plan form and the four formsets of the review page, bound or not."""

    def __init__(self, proposal, review: importing.Review, data=None):
        initial = importing.review_data(proposal, review)
        units = Unit.objects.filter(pk__in=review.choice_ids).order_by("path")
        parents = Plan.objects.filter(pk__in=review.parent_ids).select_related("unit")
        self.plan = PlanImportForm(data, parents=parents, initial=initial["plan"])
        self.bases = BasisFormSet(data, prefix="bases", initial=initial["bases"])
        self.sections = SectionFormSet(data, prefix="sections", initial=initial["sections"])
        self.tasks = TaskFormSet(
            data, prefix="tasks", initial=initial["tasks"], form_kwargs={"units": units}
        )
        self.reqs = RequirementFormSet(data, prefix="reqs", initial=initial["reqs"])
        self.review = review

    @property
    def formsets(self):
        return {
            "bases": self.bases,
            "sections": self.sections,
            "tasks": self.tasks,
            "reqs": self.reqs,
        }

    def is_valid(self) -> bool:
        valid = self.plan.is_valid()
        for formset in self.formsets.values():
            valid = formset.is_valid() and valid
        return valid

    def data(self) -> dict:
        def rows(formset):
            return [form.cleaned_data for form in formset.forms]

        return {
            "plan": self.plan.cleaned_data,
            "bases": rows(self.bases),
            "sections": rows(self.sections),
            "tasks": rows(self.tasks),
            "requirements": rows(self.reqs),
        }

    def add_errors(self, exc: ValidationError) -> None:
        """Put each message of ``save_proposal``'s error beside its field."""
        for key, messages_ in exc.message_dict.items():
            prefix, _sep, rest = key.partition("-")
            if prefix == "plan":
                form = self.plan
                name = rest
            elif prefix in self.formsets:
                index, _sep, name = rest.partition("-")
                forms = self.formsets[prefix].forms
                if not index.isdigit() or int(index) >= len(forms):
                    self.plan.add_error(None, messages_)
                    continue
                form = forms[int(index)]
            else:
                self.plan.add_error(None, messages_)
                continue
            form.add_error(name if name in form.fields else None, messages_)
            form._style()

    def basis_rows(self):
        """(form, register entry) per cited document, with the line number of its group."""
        out = []
        for form in self.bases.forms:
            number = form["number"].value() or ""
            issued_on = form.initial.get("issued_on")
            entry = self.review.entry_for(number, issued_on) if number else None
            out.append((form, entry))
        return out

    def task_rows(self):
        return list(zip(self.tasks.forms, self.review.tasks, strict=False))


def _state(request) -> dict | None:
    state = request.session.get(SESSION_KEY)
    return state if isinstance(state, dict) and "proposal" in state else None


@login_required
def import_review(request):
    state = _state(request)
    if state is None:
        messages.info(request, _("Upload a document or paste its text first."))
        return redirect("plans:import_start")
    proposal = importer.Proposal.from_dict(state["proposal"])
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "discard":
        request.session.pop(SESSION_KEY, None)
        messages.info(request, _("The import was discarded; nothing was saved."))
        return redirect("plans:import_start")
    if action == "unit":
        unit = _writable(request, request.POST.get("issuer-unit"))
        state.update(unit=unit.pk, suggested=False)
        request.session[SESSION_KEY] = state
        return redirect("plans:import_review")

    unit = None
    if state.get("unit"):
        unit = _writable(request, state["unit"])
    else:
        unit = importing.suggested_unit(proposal, request.user)
        if unit is not None:
            state.update(unit=unit.pk, suggested=True)
            request.session[SESSION_KEY] = state
    units = importing.import_units(request.user)
    context = {
        "proposal": proposal,
        "unit": unit,
        "suggested": state.get("suggested", False),
        "unit_form": ReviewUnitForm(units=units, initial={"unit": unit.pk if unit else None}),
    }
    if unit is None:
        return render(request, "plans/import_review.html", context)

    review = importing.prepare(proposal, unit, request.user)
    forms = ReviewForms(proposal, review, request.POST if action == "save" else None)
    if action == "save" and forms.is_valid():
        try:
            plan = importing.save_proposal(actor=request.user, unit=unit, data=forms.data())
        except ValidationError as exc:
            forms.add_errors(exc)
        else:
            request.session.pop(SESSION_KEY, None)
            messages.success(
                request,
                _("Imported the draft plan “%(t)s”: check it, then issue it.") % {"t": plan.title},
            )
            return redirect(plan)
    context.update(forms=forms, review=review, problems=[*proposal.problems, *review.problems])
    return render(request, "plans/import_review.html", context)
