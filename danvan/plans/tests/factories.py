"""Plans, tasks, activities and requirements for tests, built through the services.

A small tree for permission tests: ``small_tree()`` returns a province with two communes (and a
party cell under each) and an agency, plus an officer at each unit.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

from django.utils import timezone

from danvan.orgs.models import Membership, Role, Unit, UnitKind, User
from danvan.orgs.tests.factories import UserFactory, make_child, make_root
from danvan.plans import services
from danvan.plans.models import ActivityType, Plan, Task

_counter = itertools.count(1)


def today() -> dt.date:
    return timezone.localdate()


def days_ago(n: int) -> dt.date:
    return today() - dt.timedelta(days=n)


def days_ahead(n: int) -> dt.date:
    return today() + dt.timedelta(days=n)


def member(unit: Unit, role: str = Role.OFFICER, *, username: str | None = None) -> User:
    """A user with ``role`` at ``unit`` (created once per unit and role)."""
    username = username or f"plans-{role}-{unit.pk}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = UserFactory(username=username)
        Membership.objects.create(user=user, unit=unit, role=role)
    return user


def officer(unit: Unit) -> User:
    return member(unit, Role.OFFICER)


@dataclass
class Tree:
    province: Unit
    department: Unit
    commune_a: Unit
    commune_b: Unit
    cell_a: Unit
    cell_b: Unit


def small_tree(name: str = "Tỉnh Thử") -> Tree:
    province = make_root(name=name, short_name=name.replace("Tỉnh ", ""), code=str(next(_counter)))
    department = make_child(
        province, kind=UnitKind.DEPARTMENT, name=f"Sở Nội vụ {name}", short_name="Sở Nội vụ"
    )
    commune_a = make_child(province, name="Xã An Bình", short_name="An Bình")
    commune_b = make_child(province, name="Xã Bình Minh", short_name="Bình Minh")
    cell_a = make_child(
        commune_a, kind=UnitKind.PARTY, name="Chi bộ thôn 1 xã An Bình", short_name="Chi bộ thôn 1"
    )
    cell_b = make_child(
        commune_b,
        kind=UnitKind.PARTY,
        name="Chi bộ thôn 2 xã Bình Minh",
        short_name="Chi bộ thôn 2",
    )
    return Tree(province, department, commune_a, commune_b, cell_a, cell_b)


def activity_type(code: str = "themed-meeting") -> ActivityType:
    found = ActivityType.objects.filter(code=code).first()
    return found or ActivityType.objects.create(code=code, name=code, name_en=code)


def make_plan(
    unit: Unit,
    *,
    actor: User | None = None,
    issued: bool = False,
    issued_on: dt.date | None = None,
    parent: Plan | None = None,
    **fields,
) -> Plan:
    n = next(_counter)
    actor = actor or officer(unit)
    data = {
        "kind": "plan",
        "number": str(100 + n),
        "symbol": "KH-UBND",
        "title": f"Kế hoạch số {n} thực hiện công tác dân vận năm 2026",
        "signer_name": "Nguyễn Văn Ký",
        "signer_title": "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
        "issued_on": issued_on or days_ago(30),
        **fields,
    }
    plan = services.create_plan(actor=actor, unit=unit, data=data, parent=parent)
    if issued:
        plan = services.issue_plan(actor=actor, plan=plan)
    return plan


def make_task(
    plan: Plan,
    *,
    lead: Unit | None = None,
    coordinators: tuple[Unit, ...] = (),
    actor: User | None = None,
    **fields,
) -> Task:
    """A task in a draft plan (issue the plan afterwards to send it to the inboxes)."""
    actor = actor or officer(plan.unit)
    data = {
        "title": f"Nhiệm vụ {next(_counter)}",
        "lead_unit": lead,
        "recurrence": "once",
        "due_on": days_ahead(30),
        **fields,
    }
    return services.save_task(actor=actor, plan=plan, data=data, coordinating_units=coordinators)


def issued_plan_with_task(unit: Unit, lead: Unit, **task_fields) -> tuple[Plan, Task]:
    plan = make_plan(unit)
    task = make_task(plan, lead=lead, **task_fields)
    plan = services.issue_plan(actor=officer(unit), plan=plan)
    task.refresh_from_db()
    return plan, task


def make_activity(unit: Unit, *, code: str = "themed-meeting", held_on=None, **fields):
    data = {
        "activity_type": activity_type(code),
        "title": f"Sinh hoạt chuyên đề {next(_counter)}",
        "held_on": held_on or days_ago(3),
        "participant_count": 20,
        **fields,
    }
    return services.save_activity(actor=officer(unit), unit=unit, data=data)
