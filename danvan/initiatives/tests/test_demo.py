"""``manage.py load_demo_initiatives`` on a small tree with the keys the demo needs.

The full units file is not needed (and slow): a province "P56" with Phường Nha Trang
("C22366"), Phường Phan Rang, the communes the demo names and a few others, then
``load_demo`` for the agencies and users, then the command under test.
"""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.urls import reverse
from django.utils import translation

from danvan.core.models import Notification
from danvan.initiatives.models import (
    Assignment,
    Award,
    Campaign,
    CampaignStatus,
    Council,
    CouncilStatus,
    Evidence,
    Initiative,
    Recognition,
    ScoreSheet,
    Status,
    Transition,
)
from danvan.initiatives.selectors import campaign_counts
from danvan.orgs.models import Unit

COMMUNES = [
    ("C22366", "Phường Nha Trang"),
    ("C22759", "Phường Phan Rang"),
    ("C22795", "Xã Bác Ái"),
    ("C22786", "Xã Bác Ái Tây"),
    ("C22870", "Xã Ninh Phước"),
    ("C22363", "Phường Bắc Nha Trang"),
    ("C22411", "Xã Cam Lâm"),
    ("C22420", "Xã Vạn Ninh"),
    ("C22430", "Xã Diên Khánh"),
    ("C22440", "Xã Khánh Sơn"),
    ("C22450", "Xã Ninh Sơn"),
    ("C22460", "Xã Cà Ná"),
    ("C22470", "Xã Phước Hà"),
]


def _units_file(tmp_path) -> str:
    rows = [
        {
            "key": "P56",
            "code": "56",
            "kind": "province",
            "name": "Tỉnh Khánh Hòa",
            "short_name": "Khánh Hòa",
            "parent": None,
            "valid_from": "2025-07-01",
            "valid_to": None,
        }
    ]
    for key, name in COMMUNES:
        rows.append(
            {
                "key": key,
                "code": key[1:],
                "kind": "commune",
                "name": name,
                "short_name": name.split(" ", 1)[1],
                "parent": "P56",
                "valid_from": "2025-07-01",
                "valid_to": None,
            }
        )
    path = tmp_path / "units.json"
    data = {"source": "test", "units": rows, "successions": []}
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


@pytest.fixture
def demo_tree(db, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_units", file=_units_file(tmp_path), stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    return Unit.objects.get(external_key="P56")


def run() -> str:
    out = io.StringIO()
    # The summary prints status labels in the active language; these tests read English.
    with translation.override("en"):
        call_command("load_demo_initiatives", stdout=out)
    return out.getvalue()


def snapshot() -> dict[str, int]:
    models = [
        Campaign,
        Initiative,
        Transition,
        Evidence,
        Council,
        Assignment,
        ScoreSheet,
        Recognition,
        Award,
        Notification,
    ]
    return {m.__name__: m.objects.count() for m in models}


@pytest.fixture
def demo(demo_tree):
    """The command run once (about 15 s: two campaigns through every service)."""
    output = run()
    province = demo_tree
    return type(
        "Demo",
        (),
        {
            "output": output,
            "province": province,
            "current": Campaign.objects.get(unit=province, status=CampaignStatus.OPEN),
            "last": Campaign.objects.get(unit=province, status=CampaignStatus.CLOSED),
        },
    )


def check_every_status(demo) -> None:
    counts = campaign_counts(demo.current)
    assert [s for s, n in counts.items() if n == 0] == []
    assert demo.current.year == demo.last.year + 1
    assert demo.current.registration_opens.strftime("%d/%m") == "01/01"
    assert demo.current.registration_closes.strftime("%d/%m") == "31/12"
    assert demo.current.quota_min == 1 and demo.current.quota_max == 2
    assert "Tour" in demo.output and "tinh.hoidong" in demo.output
    assert "Under appraisal: 3" in demo.output


def check_decided_council(demo) -> None:
    council = Council.objects.get(
        campaign=demo.current, level__rank=1, status=CouncilStatus.DECIDED
    )
    assert council.decision_number == "215/QĐ-BCĐ"
    assignments = list(council.assignments.select_related("initiative"))
    assert len(assignments) >= 7
    assert all(a.result is not None and a.rank for a in assignments)
    passed = [a for a in assignments if a.passed]
    failed = [a for a in assignments if not a.passed]
    assert passed and failed
    assert {a.initiative.status for a in failed} == {Status.NOT_RECOGNISED}
    assert all(
        Recognition.objects.filter(initiative=a.initiative, level=council.level).exists()
        for a in passed
    )
    # Conflict of interest: the Nha Trang member scored nothing of Nha Trang.
    nha_trang = Unit.objects.get(external_key="C22366")
    assert not ScoreSheet.objects.filter(
        assignment__council=council,
        member__user__username="nhatrang.hoidong",
        assignment__initiative__unit__path__startswith=nha_trang.path,
    ).exists()


def check_open_councils(demo) -> None:
    council = Council.objects.get(campaign=demo.current, level__rank=2)
    assert council.status == CouncilStatus.OPEN
    assert council.assignments.count() == 3
    assert {a.initiative.status for a in council.assignments.all()} == {Status.UNDER_APPRAISAL}
    sheets = ScoreSheet.objects.filter(assignment__council=council)
    assert not sheets.filter(member__user__username="tinh.hoidong").exists()
    assert sheets.filter(submitted_at__isnull=False).exists()
    assert sheets.filter(submitted_at__isnull=True).exists()  # a draft
    # A supplementary grassroots council waits, with a self-assessed initiative to assign.
    spare = Council.objects.get(campaign=demo.current, level__rank=1, status=CouncilStatus.OPEN)
    assert not spare.assignments.exists()
    assert demo.current.initiatives.filter(
        status=Status.SELF_ASSESSED, assignments__isnull=True
    ).exists()


def check_last_year_and_replications(demo) -> None:
    rewarded = demo.last.initiatives.filter(status=Status.REWARDED)
    assert rewarded.count() == 3
    for initiative in rewarded:
        assert initiative.level.name == "Cấp tỉnh"
        award = initiative.awards.get()
        assert award.kind.name == "Bằng khen" and "UBND tỉnh" in award.issuer
        assert initiative.is_published and initiative.story
    replicated = demo.current.initiatives.exclude(replicated_from=None)
    assert replicated.count() >= 3
    assert {i.replicated_from.campaign_id for i in replicated} == {demo.last.pk}
    assert demo.current.initiatives.filter(
        status=Status.REWARDED, awards__kind__name="Giấy khen"
    ).exists()


def check_quota_spread(demo) -> None:
    per_unit = dict(
        demo.current.initiatives.counted()
        .values("unit__name")
        .annotate(n=Count("pk"))
        .values_list("unit__name", "n")
    )
    communes = Unit.objects.filter(path__startswith=demo.province.path, kind="commune")
    assert {0, 1, 2} <= {per_unit.get(c.name, 0) for c in communes}
    assert max(per_unit.values()) <= demo.current.quota_max


@pytest.mark.django_db
def test_demo_builds_the_whole_cycle(demo):
    check_every_status(demo)
    check_decided_council(demo)
    check_open_councils(demo)
    check_last_year_and_replications(demo)
    check_quota_spread(demo)


@pytest.mark.django_db
def test_demo_fills_the_showcase_and_a_second_run_changes_nothing(demo, client):
    published = Initiative.objects.published()
    assert published.filter(campaign=demo.last).count() >= 4
    assert published.filter(campaign=demo.current).count() >= 3
    response = client.get(reverse("portal:showcase"))
    names = {i.name for i in response.context["page"].object_list}
    assert names == set(published.values_list("name", flat=True))
    hidden = demo.current.initiatives.exclude(pk__in=published.values("pk"))
    assert not names & set(hidden.values_list("name", flat=True))
    # Each published one has a public photo, served to anyone.
    for initiative in published:
        assert initiative.evidence.filter(is_public=True, kind="photo").exists(), initiative.name
    token = published.first().evidence.filter(is_public=True).first().token
    assert client.get(reverse("portal:photo", args=[token])).status_code == 200

    before = snapshot()
    output = run()
    assert snapshot() == before
    assert "no change" in output


@pytest.mark.django_db
def test_the_command_asks_for_the_demo_users_first(db, tmp_path):
    call_command("load_units", file=_units_file(tmp_path), stdout=io.StringIO())
    with pytest.raises(CommandError, match="load_demo"):
        run()
    assert not Campaign.objects.exists()
