"""Placeholder: being written."""

from django.http import Http404


def plan_list(request, *args, **kwargs):
    raise Http404


def plan_list_xlsx(request, *args, **kwargs):
    raise Http404


def plan_new(request, *args, **kwargs):
    raise Http404


def plan_edit(request, *args, **kwargs):
    raise Http404


def section_new(request, *args, **kwargs):
    raise Http404


def section_edit(request, *args, **kwargs):
    raise Http404


def section_delete(request, *args, **kwargs):
    raise Http404


def section_move(request, *args, **kwargs):
    raise Http404


def basis_add(request, *args, **kwargs):
    raise Http404


def basis_remove(request, *args, **kwargs):
    raise Http404


def attachment_add(request, *args, **kwargs):
    raise Http404


def attachment_download(request, *args, **kwargs):
    raise Http404
