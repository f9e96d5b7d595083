"""Placeholder: being written."""

from django.http import Http404


def activity_list(request, *args, **kwargs):
    raise Http404


def activity_list_xlsx(request, *args, **kwargs):
    raise Http404


def activity_new(request, *args, **kwargs):
    raise Http404


def activity_detail(request, *args, **kwargs):
    raise Http404


def activity_edit(request, *args, **kwargs):
    raise Http404


def type_list(request, *args, **kwargs):
    raise Http404


def type_new(request, *args, **kwargs):
    raise Http404


def type_edit(request, *args, **kwargs):
    raise Http404
