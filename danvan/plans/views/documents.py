"""Placeholder: being written."""

from django.http import Http404


def document_list(request, *args, **kwargs):
    raise Http404


def document_new(request, *args, **kwargs):
    raise Http404


def document_lookup(request, *args, **kwargs):
    raise Http404


def document_detail(request, *args, **kwargs):
    raise Http404


def document_edit(request, *args, **kwargs):
    raise Http404
