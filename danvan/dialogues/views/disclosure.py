"""Placeholder views: replaced by the module's owner. Every name answers 501 until then."""

from django.http import HttpResponse


def _todo(*args, **kwargs):
    return HttpResponse("Not built yet", status=501)


disclosure_list = _todo

disclosure_new = _todo

disclosure_detail = _todo

disclosure_edit = _todo

disclosure_export = _todo
