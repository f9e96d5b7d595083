"""Who may open and do what on commune A's initiative, in each status of its lifecycle.

The expectations are written out by hand (not derived from the rules under test):

- ``200``: the page opens;
- ``"ok"``: the action is done (302 and the change is there);
- ``"no"``: the move is refused with a message (302, error message, nothing changes);
- ``403``: the user sees the initiative but may not do this;
- ``404``: out of the user's scope;
- ``"login"``: anonymous, sent to the login page.

The province officer has a write role over the province (so over commune A) but is not a
reviewer: he may act for the registering unit, never accept. The observer only reads.
"""

from __future__ import annotations

import pytest
from django.contrib.messages import constants, get_messages
from django.urls import reverse
from django.utils import timezone

from danvan.initiatives.models import Initiative, ProgressUpdate, Status
from danvan.initiatives.tests.factories import make_initiative

pytestmark = pytest.mark.django_db

ACTIONS = ("detail", "edit", "accept", "submit", "progress")
D, R, A, P, S, REC = (
    Status.DRAFT,
    Status.REGISTERED,
    Status.ACCEPTED,
    Status.IN_PROGRESS,
    Status.SELF_ASSESSED,
    Status.RECOGNISED,
)

# user → status → (detail GET, edit GET, accept POST, submit POST, progress POST)
EXPECTED = {
    "province_officer": {
        D: (200, 200, 403, "ok", "no"),
        R: (200, "no", 403, "no", "no"),
        A: (200, "no", 403, "no", "ok"),
        P: (200, "no", 403, "no", "ok"),
        S: (200, "no", 403, "no", "ok"),
        REC: (200, "no", 403, "no", "no"),
    },
    "province_reviewer": {
        D: (200, 403, "no", 403, 403),
        R: (200, 403, "ok", 403, 403),
        A: (200, 403, "no", 403, 403),
        P: (200, 403, "no", 403, 403),
        S: (200, 403, "no", 403, 403),
        REC: (200, 403, "no", 403, 403),
    },
    "observer": {
        D: (200, 403, 403, 403, 403),
        R: (200, 403, 403, 403, 403),
        A: (200, 403, 403, 403, 403),
        P: (200, 403, 403, 403, 403),
        S: (200, 403, 403, 403, 403),
        REC: (200, 403, 403, 403, 403),
    },
    "commune_a_officer": {
        D: (200, 200, 403, "ok", "no"),
        R: (200, "no", 403, "no", "no"),
        A: (200, "no", 403, "no", "ok"),
        P: (200, "no", 403, "no", "ok"),
        S: (200, "no", 403, "no", "ok"),
        REC: (200, "no", 403, "no", "no"),
    },
    "commune_b_officer": {
        D: (404, 404, 404, 404, 404),
        R: (404, 404, 404, 404, 404),
        A: (404, 404, 404, 404, 404),
        P: (404, 404, 404, 404, 404),
        S: (404, 404, 404, 404, 404),
        REC: (404, 404, 404, 404, 404),
    },
    "outsider": {
        D: (404, 404, 404, 404, 404),
        R: (404, 404, 404, 404, 404),
        A: (404, 404, 404, 404, 404),
        P: (404, 404, 404, 404, 404),
        S: (404, 404, 404, 404, 404),
        REC: (404, 404, 404, 404, 404),
    },
    "anonymous": {
        D: ("login", "login", "login", "login", "login"),
        R: ("login", "login", "login", "login", "login"),
        A: ("login", "login", "login", "login", "login"),
        P: ("login", "login", "login", "login", "login"),
        S: ("login", "login", "login", "login", "login"),
        REC: ("login", "login", "login", "login", "login"),
    },
}
# What a successful action leads to.
AFTER = {"accept": Status.ACCEPTED, "submit": Status.REGISTERED}


@pytest.fixture(autouse=True)
def english_and_media(client, settings, tmp_path):
    """Pages in English (the default is Vietnamese) and uploads in a temporary folder."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    settings.MEDIA_ROOT = tmp_path / "media"


def _request(client, action: str, initiative: Initiative):
    pk = initiative.pk
    if action == "detail":
        return client.get(reverse("initiatives:initiative_detail", args=[pk]))
    if action == "edit":
        return client.get(reverse("initiatives:initiative_edit", args=[pk]))
    if action in ("accept", "submit"):
        return client.post(reverse("initiatives:initiative_transition", args=[pk, action]))
    return client.post(
        reverse("initiatives:initiative_progress", args=[pk]),
        {"date": timezone.localdate().isoformat(), "text": "Họp dân triển khai"},
    )


def _errors(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request) if m.level == constants.ERROR]


def _outcome(response, action, before: str, initiative: Initiative, updates_before: int):
    """What happened, in the vocabulary of ``EXPECTED``."""
    initiative.refresh_from_db()
    updates = ProgressUpdate.objects.filter(initiative=initiative).count()
    changed = initiative.status != before or updates != updates_before
    if response.status_code == 302 and "/accounts/login/" in response.url:
        return "login" if not changed else "login but changed!"
    if response.status_code == 302:
        if action == "progress" and updates == updates_before + 1:
            return "ok"
        if action in AFTER and initiative.status == AFTER[action] and before != AFTER[action]:
            return "ok"
        if not changed and _errors(response):
            return "no"
        return f"302 (changed={changed}, messages={_errors(response)})"
    if changed:
        return f"{response.status_code} but changed!"
    return response.status_code


@pytest.mark.parametrize("status", [D, R, A, P, S, REC])
@pytest.mark.parametrize("username", list(EXPECTED))
def test_permission_matrix(request, client, campaign, tree, username, status):
    initiative = make_initiative(campaign, tree.commune_a, status=status)
    if username != "anonymous":
        client.force_login(request.getfixturevalue(username))
    got, wanted = {}, {}
    # Actions run in this order on the same initiative; a success changes the status for
    # the next ones, and each expectation above holds for the status it then finds.
    for action, expected in zip(ACTIONS, EXPECTED[username][status], strict=True):
        before = Initiative.objects.get(pk=initiative.pk).status
        updates_before = initiative.updates.count()
        response = _request(client, action, initiative)
        got[action] = _outcome(response, action, before, initiative, updates_before)
        wanted[action] = expected
    assert got == wanted
