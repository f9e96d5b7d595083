"""Placeholder views: replaced by the module's owner. Every name answers 501 until then."""

from django.http import HttpResponse


def _todo(*args, **kwargs):
    return HttpResponse("Not built yet", status=501)



letter_new = _todo

letter_detail = _todo

letter_action = _todo

letter_identity = _todo

letter_document = _todo

letter_duplicates = _todo

letter_link = _todo

