"""Placeholder: replaced by the module's real views."""

from django.http import Http404


def report_rollup(request, *args, **kwargs):
    raise Http404("not built yet")


def report_compile(request, *args, **kwargs):
    raise Http404("not built yet")


def rollup_missing(request, *args, **kwargs):
    raise Http404("not built yet")
