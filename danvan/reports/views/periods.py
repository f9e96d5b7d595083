"""Placeholder: replaced by the module's real views."""

from django.http import Http404


def period_list(request, *args, **kwargs):
    raise Http404("not built yet")


def period_create(request, *args, **kwargs):
    raise Http404("not built yet")


def period_detail(request, *args, **kwargs):
    raise Http404("not built yet")


def period_edit(request, *args, **kwargs):
    raise Http404("not built yet")


def period_open(request, *args, **kwargs):
    raise Http404("not built yet")


def period_close(request, *args, **kwargs):
    raise Http404("not built yet")


def period_remind(request, *args, **kwargs):
    raise Http404("not built yet")
