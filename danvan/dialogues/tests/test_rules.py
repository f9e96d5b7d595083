"""Every permission of the dialogues app for every standard user.

The objects: a dialogue held by commune A (Nha Trang), a request raised there that commune B
(Phan Rang) must answer, a disclosure of commune A, a requirement set by the province.
"""

from __future__ import annotations

import pytest

from danvan.dialogues.models import ListeningRequirement
from danvan.dialogues.tests.factories import days_ago, make_dialogue, make_disclosure, make_request

USERS = [
    "province_officer",
    "province_admin",
    "province_reviewer",
    "council_member",
    "observer",
    "commune_a_officer",
    "commune_a_admin",
    "commune_b_officer",
    "system_admin",
    "outsider",
]
# Who holds each permission (the rest must not).
EXPECTED = {
    ("view_dialogue", "dialogue"): {
        "province_officer",
        "province_admin",
        "province_reviewer",
        "council_member",
        "observer",
        "commune_a_officer",
        "commune_a_admin",
        "system_admin",
    },
    ("change_dialogue", "dialogue"): {
        "province_officer",
        "province_admin",
        "commune_a_officer",
        "commune_a_admin",
        "system_admin",
    },
    ("view_dialoguerequest", "request"): {
        "province_officer",
        "province_admin",
        "province_reviewer",
        "council_member",
        "observer",
        "commune_a_officer",
        "commune_a_admin",
        "commune_b_officer",
        "system_admin",
    },
    ("answer_dialoguerequest", "request"): {
        "province_officer",
        "province_admin",
        "commune_a_officer",
        "commune_a_admin",
        "commune_b_officer",
        "system_admin",
    },
    ("open_letter", "request"): {
        "province_officer",
        "province_admin",
        "commune_b_officer",
        "system_admin",
    },
    ("view_disclosureitem", "disclosure"): {
        "province_officer",
        "province_admin",
        "province_reviewer",
        "council_member",
        "observer",
        "commune_a_officer",
        "commune_a_admin",
        "system_admin",
    },
    ("change_disclosureitem", "disclosure"): {
        "province_officer",
        "province_admin",
        "commune_a_officer",
        "commune_a_admin",
        "system_admin",
    },
    # Communes see the province's requirement (it applies to them), for their own part.
    ("view_listeningrequirement", "requirement"): set(USERS) - {"outsider"},
    ("change_listeningrequirement", "requirement"): {
        "province_officer",
        "province_admin",
        "system_admin",
    },
}


@pytest.fixture
def objects(tree):
    dialogue = make_dialogue(tree.commune_a)
    return {
        "dialogue": dialogue,
        "request": make_request(dialogue, owner=tree.commune_b),
        "disclosure": make_disclosure(tree.commune_a),
        "requirement": ListeningRequirement.objects.create(
            unit=tree.province, title="Lắng nghe", starts_on=days_ago(30), ends_on=days_ago(0)
        ),
    }


@pytest.mark.parametrize("username", USERS)
def test_permissions(request, objects, username):
    user = request.getfixturevalue(username)
    for (perm, target), holders in EXPECTED.items():
        allowed = user.has_perm(f"dialogues.{perm}", objects[target])
        assert allowed == (username in holders), f"{username} {perm}"


@pytest.mark.parametrize("username", USERS)
def test_adding_at_commune_a(request, tree, objects, username):
    user = request.getfixturevalue(username)
    writers = {
        "province_officer",
        "province_admin",
        "commune_a_officer",
        "commune_a_admin",
        "system_admin",
    }
    for perm in ("add_dialogue", "add_disclosureitem", "add_listeningrequirement"):
        assert user.has_perm(f"dialogues.{perm}", tree.commune_a) == (username in writers)


def test_anonymous_has_nothing(objects):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    for perm, target in EXPECTED:
        assert not anonymous.has_perm(f"dialogues.{perm}", objects[target])
