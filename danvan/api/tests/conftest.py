import pytest
from rest_framework.test import APIClient


@pytest.fixture
def api():
    """An API client with no credentials; tests log in as they need."""
    return APIClient()


@pytest.fixture
def api_as(api):
    """``api_as(user)``: the client, logged in through a session as ``user``."""

    def login(user):
        api.force_login(user)
        return api

    return login
