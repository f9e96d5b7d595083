import pytest

from danvan.initiatives.tests.factories import make_campaign


@pytest.fixture
def campaign(tree):
    """An open 2026-style campaign of Tỉnh Khánh Hòa (registration window holds today)."""
    return make_campaign(tree.province)
