"""Placeholder: being written."""

from django.http import Http404


def plan_detail(request, *args, **kwargs):
    raise Http404


def plan_issue(request, *args, **kwargs):
    raise Http404


def plan_close(request, *args, **kwargs):
    raise Http404


def plan_cascade(request, *args, **kwargs):
    raise Http404


def plan_word(request, *args, **kwargs):
    raise Http404


def plan_tasks_xlsx(request, *args, **kwargs):
    raise Http404
