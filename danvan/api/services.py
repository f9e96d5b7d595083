"""Writes made by the API."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from rest_framework.authtoken.models import Token

from danvan.orgs.models import User


@transaction.atomic
def issue_token(*, user: User, request) -> Token:
    """The user's API token, created on first use; counts as a login.

    ``user_logged_in`` updates ``last_login`` and lets django-axes clear the failed attempts
    (``AXES_RESET_ON_SUCCESS``), as a login through the web form does.
    """
    token, _created = Token.objects.get_or_create(user=user)
    user_logged_in.send(sender=user.__class__, request=request, user=user)
    return token
