"""Placeholder: being written."""

from django.http import Http404


def requirement_list(request, *args, **kwargs):
    raise Http404


def requirement_new(request, *args, **kwargs):
    raise Http404


def requirement_detail(request, *args, **kwargs):
    raise Http404


def requirement_edit(request, *args, **kwargs):
    raise Http404


def requirement_xlsx(request, *args, **kwargs):
    raise Http404
