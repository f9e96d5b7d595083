"""Placeholder views: replaced by the module's owner. Every name answers 501 until then."""

from django.http import HttpResponse


def _todo(*args, **kwargs):
    return HttpResponse("Not built yet", status=501)


submit = _todo

submitted = _todo

track = _todo

public_dialogue_list = _todo

public_dialogue_detail = _todo
