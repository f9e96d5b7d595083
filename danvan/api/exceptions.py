from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.views import exception_handler as drf_exception_handler


class LoginLockedOut(APIException):
    """Too many failed logins for this username from this address (django-axes)."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = _("Too many failed login attempts. Try again later.")
    default_code = "locked_out"


def exception_handler(exc, context):
    return drf_exception_handler(exc, context)
