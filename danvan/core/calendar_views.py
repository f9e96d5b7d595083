"""Placeholder views: replaced by the module's owner. Every name answers 501 until then."""

from django.http import HttpResponse


def _todo(*args, **kwargs):
    return HttpResponse("Not built yet", status=501)


calendar_year = _todo

calendar_day_new = _todo

calendar_day_edit = _todo

calendar_day_delete = _todo
