"""Placeholder views: replaced by the module's owner. Every name answers 501 until then."""

from django.http import HttpResponse


def _todo(*args, **kwargs):
    return HttpResponse("Not built yet", status=501)


reception_list = _todo

reception_new = _todo

reception_detail = _todo

reception_edit = _todo

reception_export = _todo

schedule_list = _todo

schedule_new = _todo

schedule_edit = _todo

reception_compliance = _todo
