import pytest

from danvan.orgs.models import Role
from danvan.orgs.tests.factories import MembershipFactory, UserFactory


def _member(username: str, unit, role: str):
    user = UserFactory(username=username)
    MembershipFactory(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def commune_a_leader(tree):
    """Head of Phường Nha Trang: may read a sealed identity of a letter resolved there."""
    return _member("commune_a_leader", tree.commune_a, Role.LEADER)


@pytest.fixture
def province_leader(tree):
    """Head of the province: sees the letters of the communes, never their sealed identities."""
    return _member("province_leader", tree.province, Role.LEADER)


@pytest.fixture
def province_inspector(tree):
    return _member("province_inspector", tree.province, Role.INSPECTOR)
