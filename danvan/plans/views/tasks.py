"""Placeholder: being written."""

from django.http import Http404


def task_new(request, *args, **kwargs):
    raise Http404


def task_detail(request, *args, **kwargs):
    raise Http404


def task_edit(request, *args, **kwargs):
    raise Http404


def task_delete(request, *args, **kwargs):
    raise Http404


def task_progress(request, *args, **kwargs):
    raise Http404


def task_cancel(request, *args, **kwargs):
    raise Http404


def inbox(request, *args, **kwargs):
    raise Http404


def inbox_xlsx(request, *args, **kwargs):
    raise Http404
