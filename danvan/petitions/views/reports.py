"""Placeholder views: replaced by the module's owner. Every name answers 501 until then."""

from django.http import HttpResponse


def _todo(*args, **kwargs):
    return HttpResponse("Not built yet", status=501)


backlog = _todo

statistics = _todo

statistics_export = _todo

identity_log = _todo

overdue_list = _todo
