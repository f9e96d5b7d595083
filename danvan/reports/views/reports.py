"""Placeholder: replaced by the module's real views."""

from django.http import Http404


def report_detail(request, *args, **kwargs):
    raise Http404("not built yet")


def report_edit(request, *args, **kwargs):
    raise Http404("not built yet")


def report_submit(request, *args, **kwargs):
    raise Http404("not built yet")


def report_review(request, *args, **kwargs):
    raise Http404("not built yet")


def report_reopen(request, *args, **kwargs):
    raise Http404("not built yet")


def report_refresh(request, *args, **kwargs):
    raise Http404("not built yet")


def report_revision(request, *args, **kwargs):
    raise Http404("not built yet")
