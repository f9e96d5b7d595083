"""Placeholder views: replaced by the module's owner. Every name answers 501 until then."""

from django.http import HttpResponse


def _todo(*args, **kwargs):
    return HttpResponse("Not built yet", status=501)


dialogue_list = _todo

dialogue_new = _todo

dialogue_detail = _todo

dialogue_edit = _todo

dialogue_export = _todo

request_new = _todo

request_answer = _todo

request_publish = _todo

request_list = _todo

requirement_list = _todo

requirement_new = _todo

requirement_detail = _todo
