"""Placeholder: replaced by the module's real views."""

from django.http import Http404


def dashboard(request, *args, **kwargs):
    raise Http404("not built yet")


def dashboard_export(request, *args, **kwargs):
    raise Http404("not built yet")


def indicator_trend(request, *args, **kwargs):
    raise Http404("not built yet")
