"""Placeholder views: replaced by the module's owner. Every name answers 501 until then."""

from django.http import HttpResponse


def _todo(*args, **kwargs):
    return HttpResponse("Not built yet", status=501)

letter_list = _todo

letter_export = _todo
