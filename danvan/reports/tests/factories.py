"""Periods, reports and figures for tests, built through the services.

``report_tree()`` gives a province with two communes (and a party cell under the first) and a
department, with an officer at each reporting unit and a reviewer and a leader at the
province. ``open_period(tree)`` opens a yearly period owned by the province with the seeded
form; ``fill(report, {code: value or (numerator, denominator)})`` types figures and
``submit`` / ``accept`` / ``return_`` move a report through the cycle.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from danvan.kpis.models import Indicator
from danvan.orgs.models import Membership, Role, Unit, UnitKind, User
from danvan.orgs.tests.factories import UserFactory, make_child, make_root
from danvan.reports import services
from danvan.reports.models import FormVersion, Period, PeriodKind, Report, ReportForm

_counter = itertools.count(1)
FORM_CODE = "dan-van-chinh-quyen"


def member(unit: Unit, role: str = Role.OFFICER) -> User:
    username = f"reports-{role}-{unit.pk}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = UserFactory(username=username)
        Membership.objects.create(user=user, unit=unit, role=role)
    return user


def officer(unit: Unit) -> User:
    return member(unit, Role.OFFICER)


def reviewer(unit: Unit) -> User:
    return member(unit, Role.REVIEWER)


def leader(unit: Unit) -> User:
    return member(unit, Role.LEADER)


def system_admin() -> User:
    user = User.objects.filter(username="reports-sysadmin").first()
    if user is None:
        user = UserFactory(username="reports-sysadmin", is_superuser=True, is_staff=True)
    return user


@dataclass
class ReportTree:
    province: Unit
    department: Unit
    commune_a: Unit
    commune_b: Unit
    cell_a: Unit


def report_tree(name: str = "Tỉnh Báo Cáo") -> ReportTree:
    province = make_root(name=name, short_name=name.replace("Tỉnh ", ""), code=f"9{next(_counter)}")
    department = make_child(
        province, kind=UnitKind.DEPARTMENT, name=f"Sở Nội vụ {name}", short_name="Sở Nội vụ"
    )
    commune_a = make_child(province, name="Xã Hòa Bình", short_name="Hòa Bình")
    commune_b = make_child(province, name="Xã Đồng Tâm", short_name="Đồng Tâm")
    cell_a = make_child(
        commune_a, kind=UnitKind.PARTY, name="Chi bộ thôn 1 xã Hòa Bình", short_name="Chi bộ 1"
    )
    return ReportTree(province, department, commune_a, commune_b, cell_a)


def form_version() -> FormVersion:
    """The seeded form's latest version (the seed migration runs in every test database)."""
    return ReportForm.objects.get(code=FORM_CODE).latest_version


def make_period(
    owner: Unit | None,
    *,
    year: int | None = None,
    due: dt.date | None = None,
    version: FormVersion | None = None,
    kind: str = PeriodKind.YEAR,
    **fields,
) -> Period:
    today = timezone.localdate()
    year = year or today.year
    period = Period(
        name=fields.pop("name", f"Báo cáo công tác dân vận năm {year} ({next(_counter)})"),
        kind=kind,
        year=year,
        start_date=fields.pop("start_date", dt.date(year - 1, 11, 1)),
        end_date=fields.pop("end_date", dt.date(year, 10, 31)),
        due_date=due or dt.date(year, 11, 1),
        owner=owner,
        form_version=version or form_version(),
        **fields,
    )
    period.save()
    return period


def open_period(tree: ReportTree | Unit, **fields) -> Period:
    owner = tree.province if isinstance(tree, ReportTree) else tree
    period = make_period(owner, **fields)
    actor = officer(owner) if owner is not None else system_admin()
    services.open_period(period, actor=actor)
    period.refresh_from_db()
    return period


def report_of(period: Period, unit: Unit) -> Report:
    return Report.objects.select_related("unit", "period").get(period=period, unit=unit)


def indicator(code: str) -> Indicator:
    return Indicator.objects.get(code=code)


def fill(report: Report, figures: dict, *, actor: User | None = None, **sections) -> Report:
    """Type figures: ``{"letters_received": 12, "poor_households": (40, 1000)}``."""
    report.refresh_from_db()
    values = {}
    for code, figure in figures.items():
        item = indicator(code)
        if isinstance(figure, tuple):
            values[item.pk] = services.ValueInput(numerator=figure[0], denominator=figure[1])
        else:
            values[item.pk] = services.ValueInput(value=figure)
    return services.save_report(
        report,
        actor=actor or officer(report.unit),
        lock_version=report.lock_version,
        values=values,
        sections=sections or None,
    )


def submit(report: Report) -> Report:
    return services.submit(report, actor=officer(report.unit))


def _reviewer_for(report: Report) -> User:
    parent = services.parent_report(report)
    if parent is None:
        return leader(report.unit)
    return reviewer(parent.unit)


def accept(report: Report, *, actor: User | None = None) -> Report:
    return services.accept(report, actor=actor or _reviewer_for(report))


def return_(report: Report, comments: dict | None = None, *, actor: User | None = None) -> Report:
    return services.return_report(
        report,
        actor=actor or _reviewer_for(report),
        comments=comments or {"results": "Bổ sung số liệu."},
    )


def accepted(report: Report, figures: dict, **sections) -> Report:
    fill(report, figures, **sections)
    submit(report)
    return accept(report)


def as_decimal(value) -> Decimal:
    return Decimal(str(value))
