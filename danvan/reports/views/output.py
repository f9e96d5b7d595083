"""Word and Excel output of reports, built in the background, and the Word templates.

- ``generate`` (POST) queues a ``Generation`` for a report the user may see and answers the
  status fragment (htmx) or goes back to the report; ``generation_status`` is that fragment,
  which polls itself while the file is queued or being built; ``generation_download`` and
  ``generation_retry`` (POST, a failed one) act on a file of a report the user may see —
  any other answers 404.
- ``period_export``: every report of a period the user may see, as one workbook.
- ``template_list``: system administrators upload (tried once with sample values and
  refused with the error if it cannot be filled in), use or stop using Word templates;
  ``template_default`` downloads the built-in one to start from.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from danvan.core.access import get_object_for
from danvan.core.documents import docx_response
from danvan.core.forms import BootstrapMixin
from danvan.core.viewutils import add_form_errors, is_htmx
from danvan.core.xlsx import XLSX_TYPE
from danvan.reports import documents, exports, tasks
from danvan.reports.models import (
    Generation,
    GenerationFormat,
    GenerationStatus,
    Period,
    Report,
    TemplateKind,
    WordTemplate,
)

STATUS_TEMPLATE = "reports/partials/generation_status.html"


def _generation(request, token) -> Generation:
    generation = (
        Generation.objects.select_related("report__unit", "report__period")
        .filter(token=token)
        .first()
    )
    if generation is None or not request.user.has_perm("reports.view_report", generation.report):
        raise Http404
    return generation


def _status(request, generation: Generation, *, status: int = 200) -> HttpResponse:
    return render(request, STATUS_TEMPLATE, {"generation": generation}, status=status)


@login_required
@require_POST
def generate(request, pk: int, fmt: str):
    report = get_object_for(
        request.user,
        Report.objects.select_related("unit", "period"),
        perm="reports.view_report",
        pk=pk,
    )
    if fmt not in GenerationFormat.values:
        raise Http404
    generation = tasks.request_generation(report, fmt=fmt, actor=request.user)
    if is_htmx(request):
        return _status(request, generation, status=201)
    messages.info(request, _("The file is being prepared; it appears below when it is ready."))
    return redirect(report)


@login_required
def generation_status(request, token):
    generation = _generation(request, token)
    return _status(request, generation)


@login_required
def generation_download(request, token):
    generation = _generation(request, token)
    if generation.status != GenerationStatus.DONE or not generation.file:
        raise Http404
    name = generation.file.name.rsplit("/", 1)[-1]
    return FileResponse(generation.file.open("rb"), as_attachment=True, filename=name)


@login_required
@require_POST
def generation_retry(request, token):
    generation = _generation(request, token)
    try:
        generation = tasks.retry_generation(generation)
    except ValidationError as exc:
        if is_htmx(request):
            return _status(request, generation, status=409)
        messages.error(request, " ".join(exc.messages))
        return redirect(generation.report)
    if is_htmx(request):
        return _status(request, generation)
    return redirect(generation.report)


@login_required
def period_export(request, pk: int):
    period = get_object_for(
        request.user,
        Period.objects.select_related("owner", "form_version"),
        perm="reports.view_period",
        pk=pk,
    )
    response = HttpResponse(exports.build_period_xlsx(period, request.user), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="bao-cao-{period.pk}.xlsx"'
    return response


# ---------------------------------------------------------------------------------------
# Word templates


class TemplateUploadForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("For"), choices=TemplateKind.choices)
    file = forms.FileField(label=gettext_lazy("Template (.docx)"))
    note = forms.CharField(label=gettext_lazy("Note"), max_length=300, required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".docx"):
            raise ValidationError(_("Upload a Word file (.docx)."))
        if upload.size > 10 * 1024 * 1024:
            raise ValidationError(_("The file is larger than 10 MB."))
        return upload


def _require_templates(user) -> None:
    if not user.has_perm("reports.manage_templates"):
        raise PermissionDenied


@login_required
def template_list(request):
    _require_templates(request.user)
    form = TemplateUploadForm()
    if request.method == "POST":
        action = request.POST.get("action", "upload")
        if action in ("activate", "deactivate"):
            template = get_object_for(
                request.user, WordTemplate.objects.all(), pk=request.POST.get("template")
            )
            documents.set_template_active(template, active=action == "activate")
            messages.success(request, _("The Word template was updated."))
            return redirect("reports:template_list")
        form = TemplateUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                documents.upload_template(
                    kind=form.cleaned_data["kind"],
                    data=upload.read(),
                    name=upload.name,
                    actor=request.user,
                    note=form.cleaned_data["note"],
                )
            except documents.TemplateError as exc:
                add_form_errors(
                    form,
                    ValidationError(
                        {"file": _("This template cannot be filled in: %(error)s") % {"error": exc}}
                    ),
                )
            else:
                messages.success(request, _("The template was tried and is now in use."))
                return redirect("reports:template_list")
    templates = WordTemplate.objects.select_related("uploaded_by")
    return render(
        request,
        "reports/template_list.html",
        {"form": form, "templates": templates, "kinds": TemplateKind.choices},
        status=400 if form.errors else 200,
    )


@login_required
def template_default(request, kind: str):
    _require_templates(request.user)
    if kind not in TemplateKind.values:
        raise Http404
    return docx_response(f"mau-bao-cao-{kind}.docx", documents.default_template(kind))
