"""Placeholder: replaced by the module's real views."""

from django.http import Http404


def generate(request, *args, **kwargs):
    raise Http404("not built yet")


def generation_status(request, *args, **kwargs):
    raise Http404("not built yet")


def generation_download(request, *args, **kwargs):
    raise Http404("not built yet")


def generation_retry(request, *args, **kwargs):
    raise Http404("not built yet")


def period_export(request, *args, **kwargs):
    raise Http404("not built yet")


def template_list(request, *args, **kwargs):
    raise Http404("not built yet")


def template_default(request, *args, **kwargs):
    raise Http404("not built yet")
