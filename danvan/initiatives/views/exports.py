"""Excel and Word exports."""

from django.http import Http404
from django.urls import path


def export_initiatives_xlsx(request):  # placeholder: replaced by its owner
    raise Http404


def export_registration_docx(request, pk: int):  # placeholder: replaced by its owner
    raise Http404


def export_proposal_docx(request, pk: int):  # placeholder: replaced by its owner
    raise Http404


urlpatterns = [
    path("export/initiatives.xlsx", export_initiatives_xlsx, name="export_initiatives_xlsx"),
    path(
        "<int:pk>/export/registration.docx",
        export_registration_docx,
        name="export_registration_docx",
    ),
    path(
        "campaigns/<int:pk>/export/proposal.docx", export_proposal_docx, name="export_proposal_docx"
    ),
]
