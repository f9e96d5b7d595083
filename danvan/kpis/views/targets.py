"""Placeholder: replaced by the module's real views."""

from django.http import Http404


def target_list(request, *args, **kwargs):
    raise Http404("not built yet")


def target_create(request, *args, **kwargs):
    raise Http404("not built yet")


def target_edit(request, *args, **kwargs):
    raise Http404("not built yet")


def target_delete(request, *args, **kwargs):
    raise Http404("not built yet")


def target_export(request, *args, **kwargs):
    raise Http404("not built yet")
