"""Council pages: members, assignments, scoring screen, result sheet, decision."""

from django.http import Http404
from django.urls import path


def council_list(request, pk: int):  # placeholder: replaced by its owner
    raise Http404


def council_create(request, pk: int):  # placeholder: replaced by its owner
    raise Http404


def council_detail(request, pk: int):  # placeholder: replaced by its owner
    raise Http404


def council_members(request, pk: int):  # placeholder: replaced by its owner
    raise Http404


def council_assign(request, pk: int):  # placeholder: replaced by its owner
    raise Http404


def council_score(request, pk: int):  # placeholder: replaced by its owner
    raise Http404


def council_results(request, pk: int):  # placeholder: replaced by its owner
    raise Http404


def council_decide(request, pk: int):  # placeholder: replaced by its owner
    raise Http404


def export_council_xlsx(request, pk: int):  # placeholder: replaced by its owner
    raise Http404


urlpatterns = [
    path("councils/<int:pk>/export/scores.xlsx", export_council_xlsx, name="export_council_xlsx"),
    path("campaigns/<int:pk>/councils/", council_list, name="council_list"),
    path("campaigns/<int:pk>/councils/new/", council_create, name="council_create"),
    path("councils/<int:pk>/", council_detail, name="council_detail"),
    path("councils/<int:pk>/members/", council_members, name="council_members"),
    path("councils/<int:pk>/assign/", council_assign, name="council_assign"),
    path("assignments/<int:pk>/score/", council_score, name="council_score"),
    path("councils/<int:pk>/results/", council_results, name="council_results"),
    path("councils/<int:pk>/decide/", council_decide, name="council_decide"),
]
