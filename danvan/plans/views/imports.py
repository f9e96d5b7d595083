"""Placeholder: being written."""

from django.http import Http404


def import_start(request, *args, **kwargs):
    raise Http404


def import_review(request, *args, **kwargs):
    raise Http404
