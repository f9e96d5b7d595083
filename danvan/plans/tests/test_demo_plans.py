"""``manage.py load_demo_plans`` on a small tree with the keys the demo needs, run twice.

The units file holds today's Khánh Hòa with a few communes and the legacy units the seed
documents came from (Ninh Thuận, Tây Ninh and its city, Quảng Nam, Thanh Hóa and Cẩm Thủy).
"""

import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from danvan.orgs.models import User
from danvan.plans import selectors, services
from danvan.plans.models import (
    Activity,
    CoverageRequirement,
    LegalDocument,
    Plan,
    PlanStatus,
    Task,
    TaskStatus,
)

COMMUNES = [
    ("C22366", "Phường Nha Trang"),
    ("C22759", "Phường Phan Rang"),
    ("C22795", "Xã Bác Ái"),
    ("C22363", "Phường Bắc Nha Trang"),
]
LEGACY = [
    ("LP58", "province", "Tỉnh Ninh Thuận", None),
    ("LP72", "province", "Tỉnh Tây Ninh", None),
    ("LD703", "district", "Thành phố Tây Ninh", "LP72"),
    ("LP49", "province", "Tỉnh Quảng Nam", None),
    ("LP38", "province", "Tỉnh Thanh Hóa", None),
    ("LD390", "district", "Huyện Cẩm Thủy", "LP38"),
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
    rows += [
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
        for key, name in COMMUNES
    ]
    rows += [
        {
            "key": key,
            "code": key[2:],
            "kind": kind,
            "name": name,
            "short_name": name.split(" ", 1)[1],
            "parent": parent,
            "valid_from": None,
            "valid_to": "2025-06-30",
        }
        for key, kind, name, parent in LEGACY
    ]
    successions = [{"predecessor": "LP58", "successor": "P56", "date": "2025-07-01"}]
    path = tmp_path / "units.json"
    data = {"source": "test", "units": rows, "successions": successions}
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


@pytest.fixture
def demo(db, tmp_path):
    quiet = io.StringIO()
    call_command("load_units", file=_units_file(tmp_path), stdout=quiet)
    call_command("load_demo", stdout=quiet)
    out = io.StringIO()
    call_command("load_demo_plans", stdout=out)
    return out.getvalue()


def test_the_seeds_form_a_chain_from_directive_33(demo):
    directive = LegalDocument.objects.get(number_key="33/ct-ttg")
    city = Plan.objects.get(unit__name="Thành phố Tây Ninh")
    chain = selectors.chain(city)
    assert [p.reference for p in chain] == ["1243/KH-UBND"]
    assert chain[0].bases.filter(document=directive).exists()
    assert city.status == PlanStatus.ISSUED
    leads = set(city.tasks.exclude(lead_unit=None).values_list("lead_unit__short_name", flat=True))
    assert leads == {
        "Phòng Nội vụ",
        "Thanh tra Thành phố",
        "Trung tâm Văn hoá, thể thao và Truyền thanh",
    }
    references = set(Plan.objects.values_list("number", "symbol"))
    assert {("5584", "KH-UBND"), ("8041", "KH-UBND"), ("451", "CV/HU"), ("202", "KH/BDVTU")} <= (
        references
    )
    assert Plan.objects.get(number="451").reference == "451-CV/HU"


def test_the_running_plan_has_tasks_in_every_status_and_partial_coverage(demo):
    today = timezone.localdate()
    plan = Plan.objects.get(number="112", symbol="KH-UBND")
    statuses = set(plan.tasks.values_list("status", flat=True))
    assert {
        TaskStatus.NOT_STARTED,
        TaskStatus.IN_PROGRESS,
        TaskStatus.DONE,
        TaskStatus.CANCELLED,
    } <= (statuses)
    assert (
        plan.tasks.filter(current_due__lt=today)
        .exclude(status__in=[TaskStatus.DONE, TaskStatus.CANCELLED])
        .exists()
    )
    child = plan.children.get()
    assert child.unit.name == "Phường Nha Trang" and child.status == PlanStatus.ISSUED
    assert Task.objects.filter(plan=child, parent_task__plan=plan).exists()
    cells = CoverageRequirement.objects.get(plan=plan, unit_kind="party")
    total = services.requirement_coverage(cells).total
    assert 0 < total.met < total.units
    assert Activity.objects.filter(activity_type__code="twinning").exists()


def test_the_demo_logins_reach_what_the_tour_says(demo):
    tinh = User.objects.get(username="tinh.canbo")
    nhatrang = User.objects.get(username="nhatrang.canbo")
    plan_5584 = Plan.objects.get(number="5584")
    # Ninh Thuận's plan is reached through Khánh Hòa, its successor.
    assert tinh.has_perm("plans.view_plan", plan_5584)
    nha_trang = Plan.objects.get(number="45").unit
    assert selectors.inbox(nha_trang, today=timezone.localdate()).exists()
    assert not nhatrang.has_perm("plans.view_plan", Plan.objects.get(number="8041"))


def test_a_second_run_creates_nothing(demo):
    counts = (Plan.objects.count(), Task.objects.count(), Activity.objects.count())
    out = io.StringIO()
    call_command("load_demo_plans", stdout=out)
    assert (Plan.objects.count(), Task.objects.count(), Activity.objects.count()) == counts
    assert "already there" in out.getvalue()
