"""Placeholder: replaced by the module's real views."""

from django.http import Http404


def form_list(request, *args, **kwargs):
    raise Http404("not built yet")


def form_create(request, *args, **kwargs):
    raise Http404("not built yet")


def form_detail(request, *args, **kwargs):
    raise Http404("not built yet")


def form_edit(request, *args, **kwargs):
    raise Http404("not built yet")
