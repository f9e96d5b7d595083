"""Demo data of reports and targets: Đà Nẵng, which absorbed Quảng Nam on 1/7/2025.

- **Units and users**: the city's agencies and demo logins (``danang.canbo``,
  ``danang.thamdinh``, ``danang.lanhdao`` at the city; ``haichau.canbo``, ``hoian.canbo``,
  ``namtramy.canbo`` at three communes). Every other reporting unit gets a writer who cannot
  log in (``vb.<unit code>``), so each report is typed and submitted by someone of its own
  unit. The mountain communes of former Quảng Nam are flagged as remote areas.
- **Targets**: Kế hoạch 8041/KH-UBND of Quảng Nam (seed 003, "II. Một số chỉ tiêu cụ thể đến
  năm 2030"), read by the plans import for the legacy province when the plans demo has not
  done it, and its 2030 targets set on Đà Nẵng (which carries on the plan since the merger),
  plus a few targets of the year 2026.
- **Periods** owned by the city with the seeded form: the yearly report of 2025 (every unit
  submitted, every report accepted, the city's report compiled from them and signed off), the
  six-monthly report of 2026 (all accepted, for the trends), and the yearly report of 2026,
  in progress after its due date: most units accepted, some awaiting review, several late
  drafts, and Hội An's report returned with a comment on its results.

Everything goes through the report services with the acting users; only the dates of the
events are set afterwards so the history reads as it would have happened. Figures are drawn
from a random generator seeded by each unit's code, so every run gives the same demo.
Each part is skipped when its marker row is there: a second run creates nothing.
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from danvan.core.models import Notification
from danvan.core.notify import emails_muted
from danvan.kpis.models import Comparator, Indicator, Target, TargetKind
from danvan.orgs.models import Membership, Role, Unit, UnitKind, User
from danvan.orgs.scope import forget_scope
from danvan.reports import services
from danvan.reports.models import (
    EventKind,
    Period,
    PeriodKind,
    Report,
    ReportEvent,
    ReportForm,
)
from danvan.reports.rollups import compile_sections, period_rollup

DEMO_PASSWORD = "danvan-demo"  # noqa: S105 - the demo's printed password, as in load_demo
CITY_KEY = "P48"
QUANG_NAM_KEY = "LP49"
FORM_CODE = "dan-van-chinh-quyen"
PLAN_NUMBER, PLAN_SYMBOL = "8041", "KH-UBND"
TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")

CITY_AGENCIES = [
    (UnitKind.DEPARTMENT, "Sở Nội vụ thành phố Đà Nẵng", "Sở Nội vụ"),
    (UnitKind.PARTY, "Ban Tuyên giáo và Dân vận Thành ủy Đà Nẵng", "Ban Tuyên giáo và Dân vận"),
    (UnitKind.FRONT, "Ủy ban Mặt trận Tổ quốc Việt Nam thành phố Đà Nẵng", "UBMTTQ thành phố"),
]
HOME_AFFAIRS = CITY_AGENCIES[0][1]
# (login, role, unit: None for the city or a commune's name, title in the full name)
LOGINS = [
    ("danang.canbo", Role.OFFICER, None, "Cán bộ"),
    ("danang.thamdinh", Role.REVIEWER, None, "Người thẩm định"),
    ("danang.lanhdao", Role.LEADER, None, "Lãnh đạo"),
    ("danang.sonoivu", Role.OFFICER, HOME_AFFAIRS, "Cán bộ"),
    ("haichau.canbo", Role.OFFICER, "Phường Hải Châu", "Cán bộ"),
    ("hoian.canbo", Role.OFFICER, "Phường Hội An", "Cán bộ"),
    ("namtramy.canbo", Role.OFFICER, "Xã Nam Trà My", "Cán bộ"),
]
HAI_CHAU, HOI_AN, NAM_TRA_MY = "Phường Hải Châu", "Phường Hội An", "Xã Nam Trà My"
# Mountain communes of former Quảng Nam (Tây Giang, Đông Giang, Nam Giang, Phước Sơn, Bắc and
# Nam Trà My), flagged as remote areas (a demo choice, as load_demo does for Khánh Hòa).
REMOTE_COMMUNES = [
    "Xã Hùng Sơn",
    "Xã Tây Giang",
    "Xã Avương",
    "Xã Đông Giang",
    "Xã Sông Kôn",
    "Xã Sông Vàng",
    "Xã Bến Hiên",
    "Xã Thạnh Mỹ",
    "Xã La Êê",
    "Xã La Dêê",
    "Xã Nam Giang",
    "Xã Bến Giằng",
    "Xã Đắc Pring",
    "Xã Khâm Đức",
    "Xã Phước Hiệp",
    "Xã Phước Năng",
    "Xã Phước Chánh",
    "Xã Phước Thành",
    "Xã Trà My",
    "Xã Trà Liên",
    "Xã Trà Đốc",
    "Xã Trà Tân",
    "Xã Trà Giáp",
    "Xã Trà Leng",
    "Xã Trà Tập",
    "Xã Nam Trà My",
    "Xã Trà Linh",
    "Xã Trà Vân",
]

# Seed 003, section II: (indicator, comparator, value, baseline 2023 or None, note).
PLAN_TARGETS = [
    ("officials_studied", Comparator.GTE, 100, 93, "Chỉ tiêu 1: 100% cán bộ được học tập"),
    ("local_dialogue_held", Comparator.GTE, 100, 80, "Chỉ tiêu 2: 100% chính quyền đối thoại"),
    ("projects_disclosed", Comparator.GTE, 100, 95, "Chỉ tiêu 2: 100% dự án được công khai"),
    (
        "residents_informed_projects",
        Comparator.GTE,
        90,
        84,
        "Chỉ tiêu 2: ít nhất 90% người dân vùng dự án được biết, bàn, tham gia",
    ),
    ("infrastructure_ready", Comparator.GT, 85, 71, "Chỉ tiêu 3: trên 85% xã, thôn"),
    ("poor_households", Comparator.LT, 8, Decimal("11.2"), "Chỉ tiêu 3: hộ nghèo dưới 8%"),
    ("health_insurance", Comparator.GTE, 100, 96, "Chỉ tiêu 3: 100% đồng bào DTTS có BHYT"),
    ("clean_water", Comparator.GTE, 100, 88, "Chỉ tiêu 3: 100% hộ DTTS dùng nước hợp vệ sinh"),
    ("danvan_staff_trained", Comparator.GTE, 100, 90, "Chỉ tiêu 4: 100% công chức dân vận"),
    ("residents_aware", Comparator.GTE, 90, 85, "Chỉ tiêu 5: ít nhất 90% đồng bào"),
    ("graduates_employed", Comparator.GT, 90, 78, "Chỉ tiêu 6: trên 90% sinh viên cử tuyển"),
]
# "Each commune" targets of the same plan (applies_to_kind = commune).
COMMUNE_TARGETS = [
    ("poor_households", Comparator.LT, 8, "Chỉ tiêu 3, áp dụng cho từng xã, phường"),
]
YEAR_TARGETS = [
    ("letters_resolved_on_time", Comparator.GTE, 90, "Chỉ tiêu năm 2026"),
    ("party_cells_themed_meeting", Comparator.GTE, 100, "Chỉ tiêu năm 2026"),
    ("tasks_done_on_time", Comparator.GTE, 90, "Chỉ tiêu năm 2026"),
]
OPEN_YEAR = 2026


# Invented signers for the demo reports.
SIGNERS = (
    "Nguyễn Văn An",
    "Trần Thị Lan",
    "Lê Văn Cường",
    "Phạm Thị Hà",
    "Hoàng Văn Dũng",
    "Võ Thị Thảo",
    "Đặng Văn Minh",
    "Bùi Thị Hồng",
)


class DemoError(Exception):
    """What the demo needs is missing (units or the Khánh Hòa demo)."""


@dataclass
class Summary:
    parts: list[str] = field(default_factory=list)
    logins: list[tuple[str, str, str]] = field(default_factory=list)


def load(*, log: Callable[[str], None] | None = None) -> Summary:
    """Build the demo (idempotent) and return what was done and the logins."""
    builder = _Builder(log or (lambda text: None))
    with emails_muted():
        return builder.run()


def at(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    """A moment of a day in Việt Nam, never later than now (the demo may run early)."""
    moment = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)
    return min(moment, timezone.now())


def lower_first(name: str) -> str:
    return name[0].lower() + name[1:]


# ---- figures ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    """What a unit is like (size, urban or mountain): the same for every period."""

    households: int
    officials: int
    cells: int
    minority: int  # ethnic-minority residents
    poor_share: float
    urban: bool
    remote: bool


def profile(unit: Unit) -> Profile:
    rng = random.Random(f"profile-{unit.code or unit.name}")  # noqa: S311 - demo figures
    remote = unit.is_remote_area
    urban = unit.name.startswith("Phường") or unit.kind != UnitKind.COMMUNE
    if remote:
        households, minority = rng.randint(1800, 3800), rng.randint(5000, 11000)
        poor = rng.uniform(0.24, 0.36)
    elif urban:
        households, minority = rng.randint(12000, 26000), rng.randint(40, 400)
        poor = rng.uniform(0.035, 0.06)
    else:
        households, minority = rng.randint(5000, 9500), rng.randint(100, 1500)
        poor = rng.uniform(0.07, 0.11)
    if unit.kind != UnitKind.COMMUNE:
        households, minority = rng.randint(800, 1200), rng.randint(20, 60)
    return Profile(
        households=households,
        officials=rng.randint(38, 75) if unit.kind == UnitKind.COMMUNE else rng.randint(90, 160),
        cells=rng.randint(8, 26),
        minority=minority,
        poor_share=poor,
        urban=urban,
        remote=remote,
    )


def figures(unit: Unit, period: Period, *, progress: float) -> dict[str, object]:
    """A unit's figures for a period: ``{code: value or (numerator, denominator)}``.

    ``progress`` moves the rates towards the 2030 targets (0: 2025, 1: end of 2026); a
    six-monthly period counts about half a year.
    """
    shape = profile(unit)
    rng = random.Random(f"{period.kind}-{period.year}-{unit.code or unit.name}")  # noqa: S311
    half = period.kind == PeriodKind.HALF_YEAR
    scale = 0.5 if half else 1.0

    def count(low: int, high: int) -> int:
        return max(0, round(rng.randint(low, high) * scale))

    def share(low: float, high: float, total: int) -> tuple[int, int]:
        lift = 0.02 * progress
        ratio = min(1.0, rng.uniform(low, high) + lift)
        return round(total * ratio), total

    officials = shape.officials
    staff = rng.randint(2, 5)
    studied = officials if rng.random() < 0.3 + 0.3 * progress else round(officials * 0.93)
    received = count(8, 70) if not shape.remote else count(3, 20)
    resolved = round(received * rng.uniform(0.82, 1.0))
    on_time = round(resolved * rng.uniform(0.8, 0.98))
    respondents = count(120, 600)
    poor_ratio = shape.poor_share * (1 - 0.035 * (1 + 2 * progress))
    projects = rng.randint(2, 14)
    affected = rng.randint(400, 5000)
    cells_met = shape.cells if rng.random() < 0.5 + 0.3 * progress else shape.cells - 1
    values: dict[str, object] = {
        "officials_studied": (studied, officials),
        "danvan_staff_trained": (staff if rng.random() < 0.8 else staff - 1, staff),
        "trainings_held": count(2, 8),
        "activities_held": count(12, 45),
        "activity_participants": count(600, 5200),
        "party_cells_themed_meeting": (cells_met, shape.cells),
        "initiatives_registered": (registered := count(2, 8)),
        "initiatives_recognised": min(registered, count(1, 4)),
        "initiatives_replicated": count(0, 5),
        "tasks_done_on_time": share(0.8, 0.95, rng.randint(20, 60)),
        "tasks_overdue": count(0, 4),
        "letters_received": received,
        "letters_resolved": resolved,
        "letters_resolved_on_time": (on_time, resolved) if resolved else None,
        "reception_sessions": count(12, 26),
        "citizens_received": count(30, 220),
        "dialogues_held": count(2, 10),
        "dialogue_requests_answered": share(0.78, 0.97, rng.randint(10, 60)),
        "local_dialogue_held": 1 if rng.random() < 0.85 + 0.15 * progress else 0,
        "projects_disclosed": (projects if rng.random() < 0.8 else projects - 1, projects),
        "residents_informed_projects": share(0.8, 0.94, affected),
        "poor_households": (round(shape.households * poor_ratio), shape.households),
        "health_insurance": share(0.95, 0.995, shape.minority),
        "clean_water": share(0.84, 0.96, max(1, shape.minority // 4)),
        "people_contributions": Decimal(rng.randint(1500, 30000)) / 10 * Decimal(str(scale)),
        "satisfaction_respondents": respondents,
        "citizen_satisfaction": Decimal(rng.randint(860, 990)) / 10,
    }
    if shape.remote:
        values["people_contributions"] = Decimal(rng.randint(200, 3000)) / 10
    return {code: figure for code, figure in values.items() if figure is not None}


def city_indices(year: int) -> dict[str, tuple[Decimal, int]]:
    """Published indices of the city for a year (illustrative values and ranks)."""
    if year <= 2025:
        return {
            "par_index": (Decimal("90.14"), 3),
            "papi": (Decimal("45.12"), 6),
            "sipas": (Decimal("86.75"), 9),
        }
    return {
        "par_index": (Decimal("91.02"), 2),
        "papi": (Decimal("45.86"), 4),
        "sipas": (Decimal("88.30"), 5),
    }


LEADERSHIP = [
    "Ban hành {docs} văn bản lãnh đạo, chỉ đạo về công tác dân vận chính quyền; quán triệt "
    "Chỉ thị số 33/CT-TTg và Kế hoạch số 8041/KH-UBND đến {studied} cán bộ, công chức.",
    "Kiện toàn Ban Chỉ đạo thực hiện Quy chế dân chủ ở cơ sở; ban hành kế hoạch công tác dân "
    "vận năm với {docs} văn bản triển khai, phân công rõ người, rõ việc.",
    "Tổ chức {trainings} hội nghị quán triệt các nghị quyết, chỉ thị về công tác dân vận; "
    "đưa chỉ tiêu dân vận vào chương trình công tác của {name}.",
]
RESULTS = [
    "Tổ chức {activities} hoạt động dân vận với {participants} lượt người tham gia; "
    "{dialogues} cuộc đối thoại với Nhân dân; tiếp nhận {letters} đơn thư, giải quyết "
    "{resolved} đơn. Đăng ký {initiatives} mô hình “Dân vận khéo”.",
    "Thực hiện tốt công tác tiếp công dân ({sessions} buổi); công khai các dự án đầu tư trên "
    "địa bàn; vận động Nhân dân đóng góp {contributions} triệu đồng xây dựng công trình ở cơ "
    "sở. Tỷ lệ hộ nghèo còn {poor}.",
    "Phong trào thi đua “Dân vận khéo” có {initiatives} mô hình đăng ký; {dialogues} cuộc "
    "đối thoại giữa người đứng đầu với Nhân dân; {participants} lượt người tham gia các "
    "hoạt động tuyên truyền, vận động.",
]
RESULTS_REMOTE = (
    " Vận động đồng bào dân tộc thiểu số tham gia bảo hiểm y tế, sử dụng nước sinh hoạt hợp "
    "vệ sinh; phát huy vai trò người có uy tín trong thôn, làng."
)
SHORTCOMINGS = [
    "Một số cán bộ, công chức chưa quan tâm đúng mức đến công tác dân vận; việc giải quyết "
    "một số đơn thư còn chậm.",
    "Việc nhân rộng mô hình “Dân vận khéo” chưa nhiều; số liệu báo cáo của một số thôn, tổ "
    "dân phố còn chậm.",
    "Công tác đối thoại có lúc còn hình thức; việc trả lời kiến nghị của Nhân dân chưa kịp thời.",
    "Cơ sở vật chất phục vụ tiếp công dân còn hạn chế; đội ngũ làm công tác dân vận kiêm "
    "nhiệm nhiều việc.",
]
SHORTCOMINGS_REMOTE = (
    "Địa bàn rộng, chia cắt, giao thông khó khăn; tỷ lệ hộ nghèo còn cao; trình độ dân trí ở "
    "một số thôn còn thấp, việc tuyên truyền bằng tiếng dân tộc còn hạn chế."
)
DIRECTION = [
    "Tiếp tục thực hiện Chỉ thị số 33/CT-TTg; nâng cao chất lượng đối thoại và tiếp công dân; "
    "phấn đấu hoàn thành các chỉ tiêu của Kế hoạch số 8041/KH-UBND.",
    "Đẩy mạnh phong trào thi đua “Dân vận khéo”, nhân rộng các mô hình hiệu quả; giải quyết "
    "đơn thư đúng hạn.",
    "Tăng cường công khai, minh bạch các dự án đầu tư; phát huy quyền làm chủ của Nhân dân "
    "theo Luật Thực hiện dân chủ ở cơ sở.",
]
RECOMMENDATIONS = [
    "Đề nghị thành phố tổ chức tập huấn nghiệp vụ công tác dân vận cho cán bộ cơ sở.",
    "Đề nghị bổ sung kinh phí cho hoạt động của tổ dân vận thôn, tổ dân phố.",
    "Không có kiến nghị.",
    "Đề nghị Sở Nội vụ hướng dẫn thống nhất mẫu số liệu báo cáo sau sắp xếp đơn vị hành chính.",
]
RECOMMENDATIONS_REMOTE = (
    "Đề nghị thành phố ưu tiên nguồn lực đầu tư đường giao thông, nước sinh hoạt cho các thôn "
    "đặc biệt khó khăn; hỗ trợ phụ cấp cho người có uy tín."
)


def narrative(unit: Unit, period: Period, values: dict[str, object]) -> dict[str, str]:
    """Short sections in Vietnamese, varied per unit and drawn from its figures."""
    rng = random.Random(f"text-{period.kind}-{period.year}-{unit.code or unit.name}")  # noqa: S311
    remote = unit.is_remote_area
    poor = values.get("poor_households")
    data = {
        "name": lower_first(unit.name),
        "docs": rng.randint(3, 12),
        "studied": values["officials_studied"][0],
        "trainings": values["trainings_held"],
        "activities": values["activities_held"],
        "participants": f"{values['activity_participants']:,}".replace(",", "."),
        "dialogues": values["dialogues_held"],
        "letters": values["letters_received"],
        "resolved": values["letters_resolved"],
        "initiatives": values["initiatives_registered"],
        "sessions": values["reception_sessions"],
        "contributions": f"{values['people_contributions']:,.1f}".replace(",", " ")
        .replace(".", ",")
        .replace(" ", "."),
        "poor": f"{poor[0] / poor[1] * 100:.2f}%".replace(".", ",") if poor else "—",
    }
    results = rng.choice(RESULTS).format(**data)
    return {
        "leadership": rng.choice(LEADERSHIP).format(**data),
        "results": results + (RESULTS_REMOTE if remote else ""),
        "shortcomings": SHORTCOMINGS_REMOTE if remote else rng.choice(SHORTCOMINGS),
        "direction": rng.choice(DIRECTION),
        "recommendations": RECOMMENDATIONS_REMOTE if remote else rng.choice(RECOMMENDATIONS),
    }


# ---- the builder --------------------------------------------------------------------------


class _Builder:
    def __init__(self, log: Callable[[str], None]):
        self.log = log
        self.summary = Summary()
        self.created = 0
        self.indicators: dict[str, Indicator] = {}

    def run(self) -> Summary:
        try:
            self.city = Unit.objects.get(external_key=CITY_KEY)
        except Unit.DoesNotExist as exc:
            raise DemoError("Load the units first: manage.py load_units") from exc
        self.admin = User.objects.filter(username="admin").first()
        if self.admin is None:
            raise DemoError("Run manage.py load_demo first (the admin user is missing).")
        self.indicators = {indicator.code: indicator for indicator in Indicator.objects.all()}
        self._units_and_users()
        self._targets()
        self._period_2025()
        self._period_half_2026()
        self._period_2026()
        return self.summary

    # ------------------------------------------------------------ units and users

    @transaction.atomic
    def _units_and_users(self) -> None:
        created = 0
        for kind, name, short in CITY_AGENCIES:
            created += self._agency(kind, name, short)
        Unit.objects.filter(
            path__startswith=self.city.path, kind=UnitKind.COMMUNE, name__in=REMOTE_COMMUNES
        ).exclude(is_remote_area=True).update(is_remote_area=True)
        self.city.refresh_from_db()
        units = {
            unit.name: unit
            for unit in Unit.objects.filter(path__startswith=self.city.path, depth=2)
        }
        self.users: dict[str, User] = {}
        for username, role, unit_name, title in LOGINS:
            unit = self.city if unit_name is None else units[unit_name]
            label = "thành phố Đà Nẵng" if unit_name is None else lower_first(unit.name)
            if unit_name == HOME_AFFAIRS:
                label = unit.name
            user, was_new = User.objects.get_or_create(
                username=username,
                defaults={"full_name": f"{title} {label}", "email": f"{username}@danvan.local"},
            )
            if was_new:
                user.set_password(DEMO_PASSWORD)
                user.save()
                created += 1
            _membership, new_membership = Membership.objects.get_or_create(
                user=user, unit=unit, role=role
            )
            created += int(new_membership)
            forget_scope(user)
            self.users[username] = user
            self.summary.logins.append((username, str(role.label), unit.name))
        created += self._writers()
        self.summary.parts.append(f"units and users ({created} rows created)")

    def _agency(self, kind: str, name: str, short: str) -> int:
        self.city.refresh_from_db()
        if Unit.objects.filter(
            path__startswith=self.city.path, depth=self.city.depth + 1, name=name
        ).exists():
            return 0
        Unit.objects.add_child(
            self.city,
            {"kind": kind, "name": name, "short_name": short, "valid_from": self.city.valid_from},
        )
        return 1

    def _writers(self) -> int:
        """An officer who cannot log in at every reporting unit without a demo login."""
        staffed = set(
            Membership.objects.filter(
                unit__path__startswith=self.city.path,
                role=Role.OFFICER,
                user__username__in=[login for login, *_rest in LOGINS],
            ).values_list("unit_id", flat=True)
        )
        units = [
            unit
            for unit in Unit.objects.current()
            .filter(path__startswith=self.city.path, kind__in=[UnitKind.COMMUNE])
            .order_by("path")
            if unit.pk not in staffed
        ]
        names = {f"vb.{unit.code or unit.pk}": unit for unit in units}
        existing = set(User.objects.filter(username__in=names).values_list("username", flat=True))
        new_users = []
        for username, unit in names.items():
            if username in existing:
                continue
            user = User(
                username=username,
                full_name=f"Cán bộ {lower_first(unit.name)}",
                email="",
            )
            user.set_unusable_password()
            new_users.append(user)
        User.objects.bulk_create(new_users)
        users = {u.username: u for u in User.objects.filter(username__in=names)}
        held = set(
            Membership.objects.filter(user__in=users.values(), role=Role.OFFICER).values_list(
                "user_id", "unit_id"
            )
        )
        memberships = [
            Membership(user=users[username], unit=unit, role=Role.OFFICER)
            for username, unit in names.items()
            if (users[username].pk, unit.pk) not in held
        ]
        Membership.objects.bulk_create(memberships)
        return len(new_users) + len(memberships)

    def _writer_map(self) -> dict[int, User]:
        """The officer who writes each unit's report (a demo login where there is one)."""
        writers: dict[int, User] = {}
        demo = {user.pk: user for user in self.users.values()}
        rows = Membership.objects.active().filter(
            unit__path__startswith=self.city.path, role=Role.OFFICER
        )
        other = {
            user.pk: user
            for user in User.objects.filter(
                pk__in=rows.values("user_id"), username__startswith="vb."
            )
        }
        for user_id, unit_id in rows.values_list("user_id", "unit_id"):
            user = demo.get(user_id) or other.get(user_id)
            if user is not None and (unit_id not in writers or user_id in demo):
                writers[unit_id] = user
        return writers

    # ------------------------------------------------------------------ targets

    def _plan(self):
        from danvan.plans.models import Plan

        plan = Plan.objects.filter(number=PLAN_NUMBER, symbol=PLAN_SYMBOL).first()
        if plan is not None:
            return plan
        legacy = Unit.objects.filter(external_key=QUANG_NAM_KEY).first()
        if legacy is None:
            raise DemoError("The legacy province of Quảng Nam (LP49) is missing: load the units.")
        # The plans demo reads the seed through the real import; do the same when it has not run.
        from danvan.plans.management.commands.load_demo_plans import Command as PlansDemo

        plans = PlansDemo()
        plans.admin = self.admin
        plans.today = timezone.localdate()
        return plans._import("8041", legacy)

    @transaction.atomic
    def _targets(self) -> None:
        plan = self._plan()
        rows = []
        for code, comparator, value, baseline, note in PLAN_TARGETS:
            rows.append(
                (
                    code,
                    "",
                    TargetKind.HORIZON,
                    2030,
                    comparator,
                    value,
                    baseline,
                    f"{note} (Kế hoạch {plan.reference} của UBND tỉnh Quảng Nam, nay thành phố "
                    "Đà Nẵng thực hiện)",
                )
            )
        for code, comparator, value, note in COMMUNE_TARGETS:
            rows.append(
                (code, UnitKind.COMMUNE, TargetKind.HORIZON, 2030, comparator, value, None, note)
            )
        for code, comparator, value, note in YEAR_TARGETS:
            rows.append((code, "", TargetKind.ANNUAL, OPEN_YEAR, comparator, value, None, note))
        created = 0
        creator = self.users["danang.canbo"]
        for code, applies, kind, year, comparator, value, baseline, note in rows:
            indicator = self.indicators[code]
            if Target.objects.filter(
                indicator=indicator, unit=self.city, applies_to_kind=applies, kind=kind, year=year
            ).exists():
                continue
            target = Target(
                indicator=indicator,
                unit=self.city,
                applies_to_kind=applies,
                kind=kind,
                year=year,
                comparator=comparator,
                value=Decimal(value),
                baseline_year=2023 if baseline is not None else None,
                baseline_value=Decimal(baseline) if baseline is not None else None,
                plan=plan if kind == TargetKind.HORIZON else None,
                note=note[:500],
                created_by=creator,
            )
            target.full_clean()
            target.save()
            created += 1
        self.summary.parts.append(f"targets of {plan.reference} ({created} created)")

    # ------------------------------------------------------------------ periods

    def _period(
        self, *, name: str, kind: str, year: int, start: dt.date, end: dt.date, due: dt.date
    ) -> Period | None:
        """A new period opened by the city's officer (None when it is already there)."""
        if Period.objects.filter(owner=self.city, name=name).exists():
            return None
        period = Period(
            name=name,
            kind=kind,
            year=year,
            start_date=start,
            end_date=end,
            due_date=due,
            owner=self.city,
            form_version=ReportForm.objects.get(code=FORM_CODE).latest_version,
        )
        period.save()
        services.open_period(period, actor=self.users["danang.canbo"])
        opened = at(due - dt.timedelta(days=30), 8)
        Period.objects.filter(pk=period.pk).update(opened_at=opened)
        ReportEvent.objects.filter(report__period=period, kind=EventKind.CREATED).update(
            created_at=opened
        )
        period.refresh_from_db()
        return period

    def _reports(self, period: Period) -> tuple[Report, list[Report]]:
        reports = list(
            Report.objects.filter(period=period).select_related("unit").order_by("unit__path")
        )
        city = next(report for report in reports if report.unit_id == self.city.pk)
        return city, [report for report in reports if report.pk != city.pk]

    def _fill(
        self,
        report: Report,
        actor: User,
        values: dict[str, object],
        sections: dict[str, str] | None,
        header: dict | None = None,
    ) -> Report:
        typed = {}
        for code, figure in values.items():
            indicator = self.indicators[code]
            if isinstance(figure, tuple) and len(figure) == 2 and indicator.has_rank:
                typed[indicator.pk] = services.ValueInput(value=figure[0], rank=figure[1])
            elif isinstance(figure, tuple):
                typed[indicator.pk] = services.ValueInput(
                    numerator=figure[0], denominator=figure[1]
                )
            else:
                typed[indicator.pk] = services.ValueInput(value=figure)
        report.refresh_from_db(fields=["lock_version"])
        return services.save_report(
            report,
            actor=actor,
            lock_version=report.lock_version,
            header=header,
            sections=sections,
            values=typed,
        )

    def _cycle(
        self,
        period: Period,
        children: list[Report],
        *,
        progress: float,
        plan: Callable[[Report, int], str],
        stamps: Callable[[Report, int], tuple[dt.datetime, dt.datetime | None]],
    ) -> dict[str, int]:
        """Fill, submit and review each child report as ``plan(report, i)`` says: "accepted",
        "submitted", "returned", "draft" (figures typed, not submitted) or "empty"."""
        writers = self._writer_map()
        reviewer = self.users["danang.thamdinh"]
        counts: dict[str, int] = {}
        dated = []
        for position, report in enumerate(children):
            state = plan(report, position)
            counts[state] = counts.get(state, 0) + 1
            if state == "empty":
                continue
            writer = writers.get(report.unit_id, self.admin)
            values = figures(report.unit, period, progress=progress)
            sections = narrative(report.unit, period, values)
            if state == "draft":
                # half typed: the figures, the first two sections
                sections = {key: sections[key] for key in ("leadership", "results")}
            self._fill(report, writer, values, sections, self._header(report, period))
            if state == "draft":
                continue
            services.submit(report, actor=writer)
            if state == "accepted":
                services.accept(report, actor=reviewer)
            elif state == "returned":
                services.return_report(
                    report,
                    actor=reviewer,
                    comments={
                        "results": "Phần kết quả chưa nêu số cuộc đối thoại và số ý kiến, kiến "
                        "nghị đã trả lời; đề nghị bổ sung và đối chiếu với bảng số liệu."
                    },
                )
            submitted, reviewed = stamps(report, position)
            dated.append((report.pk, state, submitted, reviewed))
        self._date(dated)
        return counts

    def _header(self, report: Report, period: Period) -> dict:
        unit = report.unit
        symbol = "BC-UBND" if unit.kind == UnitKind.COMMUNE else "BC-SNV"
        if unit.pk == self.city.pk:
            symbol = "BC-UBND"
        seeded = random.Random(f"no-{period.pk}-{unit.pk}")  # noqa: S311
        number = seeded.randint(40, 480)
        return {
            "number": f"{number}/{symbol}",
            "signer_name": seeded.choice(SIGNERS),
            "place": "Đà Nẵng" if unit.kind != UnitKind.COMMUNE else unit.short_name or unit.name,
            "signed_on": period.due_date - dt.timedelta(days=3),
            "signer_title": "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH"
            if unit.kind == UnitKind.COMMUNE
            else "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
            "recipients": "- UBND thành phố Đà Nẵng;\n- Sở Nội vụ;\n- Lưu: VT."
            if unit.pk != self.city.pk
            else "- Bộ Nội vụ;\n- Thường trực Thành ủy;\n- Lưu: VT, SNV.",
        }

    def _date(self, dated: list[tuple[int, str, dt.datetime, dt.datetime | None]]) -> None:
        """Put the submissions and reviews on the days they would have happened."""
        reports = Report.objects.in_bulk([pk for pk, *_rest in dated])
        events = {
            (event.report_id, event.kind): event
            for event in ReportEvent.objects.filter(
                report_id__in=reports,
                kind__in=[
                    EventKind.SAVED,
                    EventKind.SUBMITTED,
                    EventKind.ACCEPTED,
                    EventKind.RETURNED,
                ],
            )
        }
        changed_reports, changed_events = [], []
        for pk, _state, submitted, reviewed in dated:
            report = reports[pk]
            report.submitted_at = submitted
            changed_reports.append(report)
            for kind, moment in (
                (EventKind.SAVED, submitted - dt.timedelta(hours=2)),
                (EventKind.SUBMITTED, submitted),
            ):
                event = events.get((pk, kind))
                if event is not None:
                    event.created_at = moment
                    changed_events.append(event)
            if reviewed is not None:
                report.reviewed_at = reviewed
                for kind in (EventKind.ACCEPTED, EventKind.RETURNED):
                    event = events.get((pk, kind))
                    if event is not None:
                        event.created_at = reviewed
                        changed_events.append(event)
        Report.objects.bulk_update(changed_reports, ["submitted_at", "reviewed_at"])
        ReportEvent.objects.bulk_update(changed_events, ["created_at"])

    def _sign_off(
        self, period: Period, report: Report, *, progress: float, submitted: dt.datetime
    ) -> None:
        """The city's own report: its figures, the narrative compiled from the accepted
        reports below it, submitted by the city's officer and signed off by its leader."""
        rollup = period_rollup(period, self.city)
        compiled = compile_sections(rollup, report.pk)
        accepted, expected = rollup.completeness(report.pk)
        intro = {
            "leadership": "Ủy ban nhân dân thành phố ban hành kế hoạch công tác dân vận chính "
            "quyền năm và kế hoạch thực hiện Kế hoạch số 8041/KH-UBND sau sắp xếp đơn vị hành "
            "chính; các đơn vị báo cáo như sau:",
            "results": f"Tổng hợp từ {accepted}/{expected} báo cáo đã được tiếp nhận:",
        }
        sections = {
            key: (f"{intro[key]}\n\n{body}" if key in intro else body)
            for key, body in compiled.items()
        }
        officer = self.users["danang.canbo"]
        values = figures(self.city, period, progress=progress)
        if period.kind == PeriodKind.YEAR:
            values.update(city_indices(period.year))
        self._fill(report, officer, values, sections, self._header(report, period))
        services.submit(report, actor=officer)
        services.accept(report, actor=self.users["danang.lanhdao"])
        self._date([(report.pk, "accepted", submitted, submitted + dt.timedelta(days=4))])

    def _mark_read(self, since: int, moment: dt.datetime) -> None:
        """Notifications of a past period: read long ago (they would clutter the bell)."""
        Notification.objects.filter(pk__gt=since).update(read_at=moment, created_at=moment)

    def _last_notification(self) -> int:
        return Notification.objects.aggregate(last=Max("pk"))["last"] or 0

    @transaction.atomic
    def _period_2025(self) -> None:
        since = self._last_notification()
        period = self._period(
            name="Báo cáo công tác dân vận chính quyền năm 2025",
            kind=PeriodKind.YEAR,
            year=2025,
            start=dt.date(2024, 11, 1),
            end=dt.date(2025, 10, 31),
            due=dt.date(2025, 11, 1),
        )
        if period is None:
            self.summary.parts.append("2025 already there")
            return
        city, children = self._reports(period)

        def stamps(report: Report, position: int):
            rng = random.Random(f"when-2025-{report.unit_id}")  # noqa: S311
            day = period.due_date - dt.timedelta(days=rng.randint(-4, 10))
            submitted = at(day, rng.randint(8, 16), rng.randint(0, 59))
            return submitted, submitted + dt.timedelta(days=rng.randint(1, 6), hours=2)

        self._cycle(period, children, progress=0.0, plan=lambda r, i: "accepted", stamps=stamps)
        self._sign_off(period, city, progress=0.0, submitted=at(dt.date(2025, 11, 18), 15))
        self._mark_read(since, at(dt.date(2025, 11, 25), 8))
        self.summary.parts.append(f"2025: {len(children) + 1} reports accepted")

    @transaction.atomic
    def _period_half_2026(self) -> None:
        since = self._last_notification()
        period = self._period(
            name="Báo cáo công tác dân vận chính quyền 6 tháng đầu năm 2026",
            kind=PeriodKind.HALF_YEAR,
            year=OPEN_YEAR,
            start=dt.date(2025, 11, 1),
            end=dt.date(2026, 4, 30),
            due=dt.date(2026, 5, 5),
        )
        if period is None:
            self.summary.parts.append("six months of 2026 already there")
            return
        city, children = self._reports(period)

        def stamps(report: Report, position: int):
            rng = random.Random(f"when-h1-{report.unit_id}")  # noqa: S311
            day = period.due_date - dt.timedelta(days=rng.randint(-2, 6))
            submitted = at(day, rng.randint(8, 16), rng.randint(0, 59))
            return submitted, submitted + dt.timedelta(days=rng.randint(1, 4), hours=3)

        self._cycle(period, children, progress=0.4, plan=lambda r, i: "accepted", stamps=stamps)
        self._sign_off(period, city, progress=0.4, submitted=at(dt.date(2026, 5, 15), 10))
        self._mark_read(since, at(dt.date(2026, 5, 20), 8))
        self.summary.parts.append(f"six months of 2026: {len(children) + 1} reports accepted")

    @transaction.atomic
    def _period_2026(self) -> None:
        period = self._period(
            name=f"Báo cáo công tác dân vận chính quyền năm {OPEN_YEAR}",
            kind=PeriodKind.YEAR,
            year=OPEN_YEAR,
            start=dt.date(OPEN_YEAR - 1, 11, 1),
            end=dt.date(OPEN_YEAR, 10, 31),
            due=dt.date(OPEN_YEAR, 11, 1),
        )
        if period is None:
            self.summary.parts.append(f"{OPEN_YEAR} already there")
            return
        city, children = self._reports(period)
        others = [r for r in children if r.unit.name not in (HAI_CHAU, HOI_AN, NAM_TRA_MY)]
        rng = random.Random(f"states-{OPEN_YEAR}")  # noqa: S311
        shuffled = others[:]
        rng.shuffle(shuffled)
        # Of the others: about one in ten awaiting review, one in twelve still draft (late),
        # a few not even started; the rest accepted.
        awaiting = {r.pk for r in shuffled[: max(1, len(others) // 10)]}
        rest = shuffled[len(awaiting) :]
        drafts = {r.pk for r in rest[: max(1, len(others) // 12)]}
        rest = rest[len(drafts) :]
        empty = {r.pk for r in rest[: max(1, len(others) // 30)]}

        def plan(report: Report, position: int) -> str:
            name = report.unit.name
            if name == HAI_CHAU:
                return "draft"
            if name == HOI_AN:
                return "returned"
            if name == NAM_TRA_MY or report.pk in awaiting:
                return "submitted"
            if report.pk in drafts:
                return "draft"
            if report.pk in empty:
                return "empty"
            return "accepted"

        def stamps(report: Report, position: int):
            when = random.Random(f"when-{OPEN_YEAR}-{report.unit_id}")  # noqa: S311
            if report.unit.name == NAM_TRA_MY:
                submitted = at(dt.date(OPEN_YEAR, 11, 6), 16, 40)  # late: after the due date
                return submitted, None
            if report.unit.name == HOI_AN:
                submitted = at(dt.date(OPEN_YEAR, 10, 30), 10, 15)
                return submitted, at(dt.date(OPEN_YEAR, 11, 4), 14, 5)
            late = report.pk in awaiting
            day = period.due_date + dt.timedelta(
                days=when.randint(2, 12) if late else -when.randint(0, 6)
            )
            submitted = at(day, when.randint(8, 16), when.randint(0, 59))
            if late:
                return submitted, None
            return submitted, submitted + dt.timedelta(days=when.randint(1, 5), hours=1)

        counts = self._cycle(period, children, progress=1.0, plan=plan, stamps=stamps)
        # The city's own figures are typed; its narrative waits for the units (not compiled).
        values = figures(self.city, period, progress=1.0)
        values.update(city_indices(period.year))
        self._fill(city, self.users["danang.canbo"], values, None, None)
        detail = ", ".join(f"{count} {state}" for state, count in sorted(counts.items()))
        self.summary.parts.append(f"{OPEN_YEAR}: {detail}")
