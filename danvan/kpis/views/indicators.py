"""Placeholder: replaced by the module's real views."""

from django.http import Http404


def indicator_list(request, *args, **kwargs):
    raise Http404("not built yet")


def indicator_create(request, *args, **kwargs):
    raise Http404("not built yet")


def indicator_detail(request, *args, **kwargs):
    raise Http404("not built yet")


def indicator_edit(request, *args, **kwargs):
    raise Http404("not built yet")
