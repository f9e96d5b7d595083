"""Report forms: the list, a page showing every version, and the editor.

Every signed-in user reads the forms (``reports.view_reportform``); system administrators
create and change them (``reports.change_reportform``, 403 otherwise). The editor writes
through ``services.save_form_version``: while no period uses the latest version it is
rewritten in place; once a period uses it, it is frozen and saving makes the next version,
which the page says before the user saves. A period keeps the version it was opened with.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Max, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.vary import vary_on_headers

from danvan.core.params import choice_param
from danvan.core.viewutils import add_form_errors, is_htmx
from danvan.kpis.models import Indicator
from danvan.orgs.models import UnitKind
from danvan.reports import services
from danvan.reports.forms_admin import FieldFormSet, ReportFormForm, SectionFormSet, VersionForm
from danvan.reports.models import (
    FormField,
    FormVersion,
    Period,
    ReportForm,
    default_kinds,
    default_outline,
)

PAGE_SIZE = 30
CHANGE = "reports.change_reportform"
ACTIVE_CHOICES = ("yes", "no")


@login_required
@vary_on_headers("HX-Request")
def form_list(request):
    q = str(request.GET.get("q", "")).strip()[:100]
    active = choice_param(request.GET, "active", ACTIVE_CHOICES)
    qs = ReportForm.objects.search(q)
    if active:
        qs = qs.filter(is_active=active == "yes")
    qs = qs.annotate(
        n_versions=Count("versions", distinct=True),
        latest_number=Max("versions__number"),
        n_periods=Count("versions__periods", distinct=True),
    ).order_by("name", "pk")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "q": q,
        "active": active,
        "can_change": request.user.has_perm(CHANGE),
    }
    if is_htmx(request):
        return render(request, "reports/partials/form_results.html", context)
    return render(request, "reports/form_list.html", context)


@login_required
def form_detail(request, pk: int):
    report_form = get_object_or_404(ReportForm, pk=pk)
    versions = list(
        report_form.versions.select_related("created_by")
        .prefetch_related(
            Prefetch(
                "fields",
                queryset=FormField.objects.select_related("indicator").order_by("order", "pk"),
            ),
            Prefetch(
                "periods", queryset=Period.objects.select_related("owner").order_by("-end_date")
            ),
        )
        .order_by("-number")
    )
    kinds = dict(UnitKind.choices)
    shown = [
        {
            "version": version,
            "frozen": bool(version.periods.all()),
            "kinds": [kinds.get(kind, kind) for kind in version.unit_kinds],
            "titles": version.section_titles(),
            "by_section": _fields_by_section(version),
        }
        for version in versions
    ]
    return render(
        request,
        "reports/form_detail.html",
        {
            "report_form": report_form,
            "versions": shown,
            "can_change": request.user.has_perm(CHANGE),
        },
    )


def _fields_by_section(version: FormVersion) -> list[tuple[dict | None, list[FormField]]]:
    """[(section or None for the figures table, fields)] in the version's section order."""
    fields = list(version.fields.all())
    groups = [
        (section, [f for f in fields if f.section_key == section["key"]])
        for section in version.sections
    ]
    keys = {section["key"] for section in version.sections}
    rest = [f for f in fields if f.section_key not in keys]
    return [*groups, (None, rest)]


def _bump(data, prefix: str) -> None:
    """Show one more blank row in a formset (the "add a row" buttons)."""
    name = f"{prefix}-TOTAL_FORMS"
    try:
        data[name] = str(int(data.get(name, "0")) + 1)
    except ValueError:
        data[name] = "1"


def _posted_keys(data) -> list[str]:
    """The section keys typed in the editor (kept rows only), for the fields' section choice."""
    try:
        total = int(data.get("sections-TOTAL_FORMS", "0"))
    except ValueError:
        total = 0
    keys = []
    for i in range(min(total, 200)):
        key = (data.get(f"sections-{i}-key") or "").strip()
        if key and not data.get(f"sections-{i}-DELETE") and key not in keys:
            keys.append(key)
    return keys


def _editor(request, report_form: ReportForm | None):
    if not request.user.has_perm(CHANGE):
        raise PermissionDenied
    latest = report_form.latest_version if report_form else None
    using = list(latest.periods.select_related("owner").order_by("-end_date")) if latest else []
    data = request.POST.copy() if request.method == "POST" else None
    adding = False
    if data is not None:
        for button, prefix in (("add_section", "sections"), ("add_field", "fields")):
            if button in data:
                _bump(data, prefix)
                adding = True
    if latest is not None:
        section_initial = [dict(section) for section in latest.sections]
        kinds_initial = list(latest.unit_kinds)
        field_initial = [
            {"indicator": f.indicator_id, "required": f.required, "section_key": f.section_key}
            for f in latest.fields.order_by("order", "pk")
        ]
    else:
        section_initial, kinds_initial, field_initial = default_outline(), default_kinds(), []
    keys = _posted_keys(data) if data is not None else [s["key"] for s in section_initial]
    indicator_choices = [
        (pk, f"{code} — {name}")
        for pk, code, name in Indicator.objects.order_by("category", "order", "code").values_list(
            "pk", "code", "name"
        )
    ]
    form = ReportFormForm(data, instance=report_form or ReportForm())
    version_form = VersionForm(data, initial={"unit_kinds": kinds_initial})
    sections = SectionFormSet(data, prefix="sections", initial=section_initial)
    fields = FieldFormSet(
        data,
        prefix="fields",
        initial=field_initial,
        form_kwargs={"indicator_choices": indicator_choices, "section_choices": keys},
    )
    if data is not None and not adding:
        valid = [form.is_valid(), version_form.is_valid(), sections.is_valid(), fields.is_valid()]
        if all(valid):
            done = _save(request, form, version_form, sections, fields, latest)
            if done is not None:
                return done
    context = {
        "form": form,
        "version_form": version_form,
        "sections": sections,
        "fields": fields,
        "report_form": report_form,
        "latest": latest,
        "using": using,
        "next_number": (latest.number + 1) if latest else 1,
    }
    return render(request, "reports/form_edit.html", context)


def _save(request, form, version_form, sections, fields, latest):
    section_list = [
        {
            "key": f.cleaned_data["key"],
            "title": f.cleaned_data["title"],
            "guidance": f.cleaned_data.get("guidance", ""),
        }
        for f in sections.ordered_forms
    ]
    field_list = [
        {
            "indicator": f.cleaned_data["indicator"],
            "required": f.cleaned_data["required"],
            "section_key": f.cleaned_data["section_key"],
        }
        for f in fields.ordered_forms
    ]
    try:
        with transaction.atomic():
            saved = form.save()
            version = services.save_form_version(
                saved,
                actor=request.user,
                sections=section_list,
                unit_kinds=version_form.cleaned_data["unit_kinds"],
                fields=field_list,
                note=version_form.cleaned_data["note"],
            )
    except ValidationError as exc:
        if form.instance.pk and latest is None:
            # the new form was rolled back with the failed version
            form.instance.pk = None
            form.instance._state.adding = True
        add_form_errors(form, exc)
        return None
    if latest is not None and version.pk != latest.pk:
        messages.success(
            request,
            _(
                "Version %(old)s is used by report periods, so your changes were saved as "
                "version %(new)s. Those periods keep version %(old)s."
            )
            % {"old": latest.number, "new": version.number},
        )
    else:
        messages.success(
            request,
            _("Saved “%(name)s”, version %(number)s.")
            % {"name": saved.name, "number": version.number},
        )
    return redirect(saved)


@login_required
def form_create(request):
    return _editor(request, None)


@login_required
def form_edit(request, pk: int):
    if not request.user.has_perm(CHANGE):
        raise PermissionDenied
    return _editor(request, get_object_or_404(ReportForm, pk=pk))
