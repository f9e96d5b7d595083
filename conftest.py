"""Shared fixtures: a small unit tree and one user per standard role.

Tỉnh Khánh Hòa (province)          ← province_officer, council_member, observer,
├── Sở Nội vụ (department)             province_reviewer, province_admin
├── Phường Nha Trang (commune A)    ← commune_a_officer, commune_a_admin
│   └── Chi bộ Khu phố 1 (party)
└── Phường Phan Rang (commune B)    ← commune_b_officer (sees nothing of A)
Tỉnh Ninh Thuận (legacy province, closed 30/06/2025) → Tỉnh Khánh Hòa
"""

import datetime as dt

import pytest
from hypothesis import settings as hypothesis_settings

from danvan.orgs.models import Role, UnitKind
from danvan.orgs.tests.factories import (
    MembershipFactory,
    SuccessionFactory,
    UserFactory,
    make_child,
    make_root,
)

# Hypothesis's 200 ms per-example deadline fails on a loaded CI machine, not on a bug.
hypothesis_settings.register_profile("danvan", deadline=None)
hypothesis_settings.load_profile("danvan")

PASSWORD = "secret-pass-123"  # noqa: S105 - test fixture


@pytest.fixture
def tree(db):
    province = make_root(code="56", name="Tỉnh Khánh Hòa", short_name="Khánh Hòa")
    department = make_child(province, kind=UnitKind.DEPARTMENT, name="Sở Nội vụ")
    commune_a = make_child(province, code="22366", name="Phường Nha Trang", short_name="Nha Trang")
    cell_a = make_child(commune_a, kind=UnitKind.PARTY, name="Chi bộ Khu phố 1")
    commune_b = make_child(province, code="22738", name="Phường Phan Rang", short_name="Phan Rang")
    legacy = make_root(
        code="58",
        name="Tỉnh Ninh Thuận",
        short_name="Ninh Thuận",
        valid_from=None,
        valid_to=dt.date(2025, 6, 30),
    )
    SuccessionFactory(predecessor=legacy, successor=province)
    province.refresh_from_db()
    commune_a.refresh_from_db()
    return type(
        "Tree",
        (),
        {
            "province": province,
            "department": department,
            "commune_a": commune_a,
            "cell_a": cell_a,
            "commune_b": commune_b,
            "legacy": legacy,
        },
    )


def _member(username: str, unit, role: str):
    user = UserFactory(username=username)
    MembershipFactory(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def province_officer(tree):
    return _member("province_officer", tree.province, Role.OFFICER)


@pytest.fixture
def province_admin(tree):
    return _member("province_admin", tree.province, Role.UNIT_ADMIN)


@pytest.fixture
def province_reviewer(tree):
    return _member("province_reviewer", tree.province, Role.REVIEWER)


@pytest.fixture
def council_member(tree):
    return _member("council_member", tree.province, Role.COUNCIL_MEMBER)


@pytest.fixture
def observer(tree):
    return _member("observer", tree.province, Role.OBSERVER)


@pytest.fixture
def commune_a_officer(tree):
    return _member("commune_a_officer", tree.commune_a, Role.OFFICER)


@pytest.fixture
def commune_a_admin(tree):
    return _member("commune_a_admin", tree.commune_a, Role.UNIT_ADMIN)


@pytest.fixture
def commune_b_officer(tree):
    return _member("commune_b_officer", tree.commune_b, Role.OFFICER)


@pytest.fixture
def system_admin(tree):
    return _member("system_admin", tree.province, Role.SYSTEM_ADMIN)


@pytest.fixture
def outsider(db):
    """Logged in, but a member of no unit."""
    return UserFactory(username="outsider")


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language (vi): a request in an earlier test may have
    left another language active in this thread."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


# Reference data that migrations seed (legal deadline rules, disclosure rules, the official
# holiday calendar). A transactional test (browser tests with a live server) empties every
# table when it ends, so such tests seed it again; the seeds are idempotent.
REFERENCE_SEEDS = (
    "danvan.petitions.migrations.0002_seed_deadline_rules",
    "danvan.dialogues.migrations.0003_seed_disclosure_rules",
    "danvan.core.migrations.0003_official_calendar",
    "danvan.plans.migrations.0002_seed_activity_types",
    "danvan.kpis.migrations.0002_seed_indicators",
    "danvan.reports.migrations.0002_seed_default_form",
)


@pytest.fixture(autouse=True)
def _reference_data(request):
    from danvan.core.workdays import forget_calendar

    if {"transactional_db", "live_server"} & set(request.fixturenames):
        import importlib

        from django.apps import apps

        request.getfixturevalue("transactional_db")
        for module in REFERENCE_SEEDS:
            importlib.import_module(module).seed(apps, None)
    forget_calendar()  # a calendar cached by an earlier test must not leak into this one
    yield
    forget_calendar()
