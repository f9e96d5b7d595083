"""Demo data of the plans module, built through the real services (and the real import).

- **The five seed documents as plans**, read by the Word/text import
  (``danvan/plans/data/seeds``) and placed in the units that issued them. Most of those
  units no longer exist since 1/7/2025; they stay in the tree with their ``valid_to`` and
  their successors, and their plans are reached through today's units:
  5584/KH-UBND (Ninh Thuận, now Khánh Hòa); the Tây Ninh city plan implementing province
  plan 1243/KH-UBND, which implements Directive 33/CT-TTg (the chain the issue asks to
  browse); 8041/KH-UBND (Quảng Nam, now Đà Nẵng); 451-CV/HU (Huyện ủy Cẩm Thủy, Thanh
  Hóa); 202-KH/BDVTU of a provincial mass-mobilisation board (the article names no
  province; the demo files it under Khánh Hòa's board).
- **A running plan of the year** in Khánh Hòa implementing 5584/KH-UBND, with tasks in
  every status (not started, in progress, done, cancelled, overdue, due soon, a yearly
  report due 01/11, a task every commune leads for itself), Nha Trang's implementing plan
  (built with "implement this plan") with progress on the copied tasks, activities
  (themed meetings, a training, an article, a coordination programme, a twinning, 15/10
  events) and two coverage requirements partly met.

Each part is skipped when its marker row is there, so a second run creates nothing.
Needs ``manage.py load_units`` and ``manage.py load_demo`` first.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from danvan.core.notify import emails_muted
from danvan.orgs.models import Unit, UnitKind, User
from danvan.plans import services
from danvan.plans.models import (
    ActivityType,
    LegalDocument,
    Plan,
    PlanStatus,
    Task,
)

SEEDS = Path(__file__).resolve().parents[2] / "data" / "seeds"
SEED_FILES = {
    "5584": "000_b643216c99098849.txt",
    "tayninh": "001_63fd07ba7b00d6b8.txt",
    "202": "002_28590b2518cd8516.txt",
    "8041": "003_967ce2c4fd062375.txt",
    "451": "004_bd997d0a6714e226.txt",
}
RUNNING_TITLE = "Thực hiện công tác dân vận chính quyền và phong trào thi đua “Dân vận khéo” năm"
TAY_NINH_OFFICES = [
    (UnitKind.DEPARTMENT, "Phòng Nội vụ thành phố Tây Ninh", "Phòng Nội vụ"),
    (UnitKind.DEPARTMENT, "Thanh tra thành phố Tây Ninh", "Thanh tra Thành phố"),
    (
        UnitKind.OTHER,
        "Trung tâm Văn hoá, thể thao và Truyền thanh thành phố Tây Ninh",
        "Trung tâm Văn hoá, thể thao và Truyền thanh",
    ),
]
NHA_TRANG_CELLS = [
    "Chi bộ Khu phố Vĩnh Phước 2",
    "Chi bộ Khu phố Phương Sài",
    "Chi bộ Khu phố Xương Huân",
    "Chi bộ Khu phố Vạn Thắng",
    "Chi bộ Khu phố Lộc Thọ",
]
SEED = 20_261_015


class Command(BaseCommand):
    help = "Load the demo plans: the five seeds as a chain, and a running plan (idempotent)."

    def handle(self, *args, **options):
        try:
            self.province = Unit.objects.get(external_key="P56")
            self.nha_trang = Unit.objects.get(external_key="C22366")
        except Unit.DoesNotExist as exc:
            raise CommandError(
                "Load the units and the demo first (load_units, load_demo)."
            ) from exc
        self.admin = User.objects.filter(username="admin").first()
        self.tinh = User.objects.filter(username="tinh.canbo").first()
        self.nhatrang = User.objects.filter(username="nhatrang.canbo").first()
        if not (self.admin and self.tinh and self.nhatrang):
            raise CommandError("Run manage.py load_demo first (the demo users are missing).")
        self.today = timezone.localdate()
        self.rng = random.Random(SEED)  # noqa: S311 - demo data, not secrets
        with emails_muted():
            done = [self._seeds(), self._running()]
        self.stdout.write(self.style.SUCCESS("Demo plans: " + "; ".join(done)))
        self.stdout.write(
            "Plans tour: log in as tinh.canbo → /plans/ (the plans), /plans/inbox/ (tasks), "
            "/plans/coverage/ (coverage); nhatrang.canbo → /plans/inbox/ and its implementing "
            "plan; admin → the seed chain from Directive 33/CT-TTg (/plans/documents/)."
        )

    # ------------------------------------------------------------------ helpers

    def _unit(self, key: str) -> Unit:
        return Unit.objects.get(external_key=key)

    def _child(self, parent: Unit, kind: str, name: str, short: str = "") -> Unit:
        parent.refresh_from_db()
        found = Unit.objects.filter(
            path__startswith=parent.path, depth=parent.depth + 1, name=name
        ).first()
        if found is not None:
            return found
        return Unit.objects.add_child(
            parent,
            {
                "kind": kind,
                "name": name,
                "short_name": short,
                "valid_from": parent.valid_from,
                "valid_to": parent.valid_to,
            },
        )

    def _issue(self, plan: Plan, actor: User) -> Plan:
        """Issue through the service, or (a historical plan whose number the source leaves
        blank) mark it issued as it was: the register then holds it as "…/KH-UBND"."""
        problems = services.issue_problems(plan)
        if not problems:
            return services.issue_plan(actor=actor, plan=plan)
        plan.status = PlanStatus.ISSUED
        plan.issued_by = actor
        plan.save()
        for task in plan.tasks.all():
            task.current_due = services.first_due(task, plan)
            task.save(update_fields=["current_due", "updated_at"])
        services.register_plan(plan, actor=actor)
        return plan

    def _import(self, key: str, unit: Unit, *, parent: Plan | None = None, **overrides) -> Plan:
        """A seed read by the import as an official would: proposal, review, save, issue.

        What the source leaves blank and saving needs is filled here, as a reviewer would,
        and said in the docs: a part without a heading (000 is abridged) is headed as such;
        a task with no deadline in the text is given 31/12 of the plan's year.
        """
        from danvan.plans import importer, importing

        text = (SEEDS / SEED_FILES[key]).read_text(encoding="utf-8")
        proposal = importer.parse_text(text)
        review = importing.prepare(proposal, unit, self.admin)
        data = importing.review_data(proposal, review)
        data["plan"].update(overrides)
        data["plan"]["parent"] = parent
        year_end = dt.date((data["plan"]["issued_on"] or self.today).year, 12, 31)
        units = {u.pk: u for u in review.candidates}
        for row in data["tasks"]:
            row["lead_unit"] = units.get(row["lead_unit"])
            row["coordinating_units"] = [units[pk] for pk in row["coordinating_units"]]
            if row["recurrence"] == "once" and row["due_on"] is None:
                row["due_on"] = year_end
        for row in data["bases"]:  # what the line does not say, the register entry says so
            row["title"] = row["title"] or row["text"] or row["number"]
            row["issuer"] = row["issuer"] or "(không ghi trong văn bản trích dẫn)"
        for row in data["sections"]:
            row["heading"] = row["heading"] or "(Phần không có tiêu đề trong bản trích)"
        types = {t.pk: t for t in ActivityType.objects.all()}
        data["requirements"] = data.pop("reqs")
        for row in data["requirements"]:
            row["activity_type"] = types.get(row["activity_type"])
        plan = importing.save_proposal(actor=self.admin, unit=unit, data=data)
        return self._issue(plan, self.admin)

    # ------------------------------------------------------------- the seeds

    @transaction.atomic
    def _seeds(self) -> str:
        if (
            LegalDocument.objects.filter(number_key="33/ct-ttg").exists()
            and Plan.objects.filter(number="5584").exists()
        ):
            return "seed chain already there"
        directive, _new = services.find_or_register_document(
            actor=self.admin,
            unit=None,
            data={
                "number": "33/CT-TTg",
                "doc_type": "directive",
                "issuer": "Thủ tướng Chính phủ",
                "issued_on": dt.date(2021, 11, 26),
                "title": "tiếp tục tăng cường và đổi mới công tác dân vận của cơ quan hành chính "
                "nhà nước, chính quyền các cấp trong tình hình mới",
            },
        )
        # Ninh Thuận (now part of Khánh Hòa): 5584/KH-UBND.
        ninh_thuan = self._unit("LP58")
        self.plan_5584 = self._import("5584", ninh_thuan)
        # Tây Ninh: province plan 1243/KH-UBND (only its number, date and title are known,
        # from the city plan that cites it) and the city plan of seed 001 implementing it.
        tay_ninh = self._unit("LP72")
        city = self._unit("LD703")
        for kind, name, short in TAY_NINH_OFFICES:
            self._child(city, kind, name, short)
        province_plan = services.create_plan(
            actor=self.admin,
            unit=tay_ninh,
            data={
                "kind": "plan",
                "number": "1243",
                "symbol": "KH-UBND",
                "issued_on": dt.date(2023, 4, 26),
                "place": "Tây Ninh",
                "title": "Triển khai Chỉ thị số 33/CT-TTg ngày 26/11/2021 của Thủ tướng Chính phủ "
                "về tiếp tục tăng cường và đổi mới công tác dân vận của cơ quan hành chính nhà "
                "nước, chính quyền các cấp trong tình hình mới",
                "signer_name": "",
                "signer_title": "TM. ỦY BAN NHÂN DÂN",
            },
        )
        services.add_basis(actor=self.admin, plan=province_plan, document=directive)
        province_plan = self._issue(province_plan, self.admin)
        # The source dates it "ngày … tháng 5 năm 2023": the demo takes the last day of May.
        self._import("tayninh", city, parent=province_plan, issued_on=dt.date(2023, 5, 31))
        # Quảng Nam (now Đà Nẵng): 8041/KH-UBND.
        self._import("8041", self._unit("LP49"))
        # Huyện ủy Cẩm Thủy (Thanh Hóa): 451-CV/HU, a party official letter.
        cam_thuy = self._child(self._unit("LD390"), UnitKind.PARTY, "Huyện ủy Cẩm Thủy", "Huyện ủy")
        self._import("451", cam_thuy)
        # 202-KH/BDVTU: the article names no province; filed under Khánh Hòa's board.
        board = Unit.objects.get(
            path__startswith=self.province.path, name="Ban Tuyên giáo và Dân vận Tỉnh ủy Khánh Hòa"
        )
        self._import("202", board)
        return "five seed documents imported as plans"

    # --------------------------------------------------------- the running plan

    def _year(self) -> int:
        return (
            self.today.year if self.today >= dt.date(self.today.year, 3, 1) else self.today.year - 1
        )

    @transaction.atomic
    def _running(self) -> str:
        year = self._year()
        if Plan.objects.filter(unit=self.province, title__startswith=RUNNING_TITLE).exists():
            return "running plan already there"
        parent = Plan.objects.filter(number="5584", symbol="KH-UBND").first()
        units = {
            u.name: u
            for u in Unit.objects.filter(path__startswith=self.province.path, depth__lte=3)
        }
        home = units["Sở Nội vụ tỉnh Khánh Hòa"]
        inspectorate = units["Thanh tra tỉnh Khánh Hòa"]
        board = units["Ban Tuyên giáo và Dân vận Tỉnh ủy Khánh Hòa"]
        front = units["Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Khánh Hòa"]
        women = units["Hội Liên hiệp Phụ nữ tỉnh Khánh Hòa"]
        youth = units["Tỉnh đoàn Khánh Hòa"]
        phan_rang = units["Phường Phan Rang"]
        issued_on = dt.date(year, 1, 15)
        soon = self.today + dt.timedelta(days=4)
        later = self.today + dt.timedelta(days=25)
        past = self.today - dt.timedelta(days=20)
        plan = services.create_plan(
            actor=self.tinh,
            unit=self.province,
            parent=parent,
            data={
                "kind": "plan",
                "number": "112",
                "symbol": "KH-UBND",
                "issued_on": issued_on,
                "place": "Khánh Hòa",
                "title": f"{RUNNING_TITLE} {year} trên địa bàn tỉnh",
                "subject": "Dân vận chính quyền",
                "signer_name": "Trần Hòa Nam",
                "signer_title": "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
                "recipients_text": "- Sở Nội vụ;\n- Các sở, ban, ngành;\n- UBND các xã, phường, "
                "đặc khu;\n- Lưu: VT, SNV.",
            },
            recipient_units=[home, inspectorate, front],
        )
        directive = LegalDocument.objects.filter(number_key="33/ct-ttg").first()
        if directive is not None:
            services.add_basis(actor=self.tinh, plan=plan, document=directive)
        sections = [
            (
                "purpose",
                "I. MỤC ĐÍCH, YÊU CẦU",
                "- Tiếp tục triển khai Chỉ thị số 33/CT-TTg và Kế hoạch số 5584/KH-UBND; nâng cao "
                "nhận thức, trách nhiệm của cán bộ, công chức, viên chức về công tác dân vận.\n"
                "- Phân công cụ thể cơ quan chủ trì, phối hợp và thời hạn hoàn thành.",
            ),
            (
                "content",
                "II. NỘI DUNG THỰC HIỆN",
                "1. Tuyên truyền, quán triệt các văn bản về công tác dân vận.\n\n"
                "2. Đẩy mạnh phong trào thi đua “Dân vận khéo”; mỗi cơ quan, đơn vị xây dựng ít "
                "nhất 01 mô hình.\n\n3. Thực hiện tốt công tác tiếp công dân, đối thoại.",
            ),
            ("targets", "III. CHỈ TIÊU", "- 100% chi bộ sinh hoạt chuyên đề trong Tháng Dân vận."),
            (
                "organisation",
                "IV. TỔ CHỨC THỰC HIỆN",
                "Các cơ quan, đơn vị triển khai theo phân công.",
            ),
        ]
        for kind, heading, body in sections:
            services.save_section(
                actor=self.tinh, plan=plan, data={"kind": kind, "heading": heading, "body": body}
            )

        def task(title, lead=None, coordinators=(), **fields):
            data = {"title": title, "lead_unit": lead, "recurrence": "once", **fields}
            return services.save_task(
                actor=self.tinh, plan=plan, data=data, coordinating_units=coordinators
            )

        report = task(
            "Tổng hợp, báo cáo kết quả công tác dân vận chính quyền hằng năm gửi UBND tỉnh",
            home,
            recurrence="yearly",
            recur_day=1,
            recur_month=11,
            description="Các cơ quan, đơn vị gửi báo cáo về Sở Nội vụ chậm nhất ngày 01/11 hằng "
            "năm để tổng hợp.",
        )
        each = task(
            "Xây dựng kế hoạch thực hiện của địa phương",
            lead_kinds="commune",
            lead_label="UBND các xã, phường, đặc khu",
            due_on=dt.date(year, 2, 28),
        )
        listening = task(
            "Tổ chức hội nghị lắng nghe ý kiến Nhân dân về môi trường",
            self.nha_trang,
            (front,),
            due_on=min(dt.date(year, 10, 31), self.today),
        )
        inspections = task(
            "Theo dõi, đôn đốc việc tiếp công dân, giải quyết khiếu nại, tố cáo",
            inspectorate,
            recurrence="quarterly",
            recur_day=15,
            recur_month=3,
        )
        outreach = task(
            "Tuyên truyền hoạt động “Tháng Dân vận” trên báo, đài và mạng xã hội",
            board,
            (front,),
            due_on=min(dt.date(year, 10, 15), self.today),
        )
        women_task = task(
            "Nhân rộng mô hình “Dân vận khéo” trong hội viên phụ nữ", women, due_on=later
        )
        youth_task = task("Tổ chức diễn đàn thanh niên với chính quyền", youth, due_on=later)
        programme = task(
            "Ký kết chương trình phối hợp công tác dân vận với Đảng ủy phường",
            phan_rang,
            due_on=soon,
        )
        overdue = task("Rà soát quy chế dân chủ ở cơ sở", phan_rang, due_on=max(past, issued_on))
        plan = services.issue_plan(actor=self.tinh, plan=plan)
        services.save_requirement(
            actor=self.tinh,
            unit=self.province,
            plan=plan,
            data={
                "title": "100% xã, phường tổ chức kỷ niệm Ngày truyền thống công tác dân vận "
                f"15/10/{year}",
                "unit_kind": "commune",
                "activity_type": ActivityType.objects.get(code="anniversary"),
                "starts_on": dt.date(year, 10, 1),
                "ends_on": dt.date(year, 10, 31),
                "citation": f"Kế hoạch số 112/KH-UBND ngày {issued_on:%d/%m/%Y}",
            },
        )

        def progress(actor, t, pct, status, text, on, **extra):
            services.record_progress(
                actor=actor,
                task=t,
                data={"progress": pct, "status": status, "text": text, "reported_on": on, **extra},
            )

        progress(self.tinh, inspections, 50, "in_progress", "Đã đôn đốc quý I, II.", self.today)
        progress(self.tinh, outreach, 100, "done", "Đăng 24 tin, bài; 6 phóng sự.", self.today)
        progress(self.tinh, women_task, 30, "in_progress", "Đã đăng ký 3 mô hình mới.", self.today)
        services.cancel_task(
            actor=self.tinh, task=youth_task, reason="Ghép vào chương trình của Tỉnh đoàn năm sau."
        )
        del programme, overdue, report  # left as they are: due soon, overdue, open

        # Nha Trang implements the plan in one step, then reports progress.
        child = services.cascade(actor=self.nhatrang, parent=plan, unit=self.nha_trang)
        child = services.update_plan(
            actor=self.nhatrang,
            plan=child,
            data={
                "number": "45",
                "issued_on": min(dt.date(year, 2, 10), self.today),
                "signer_name": "Nguyễn Thanh Bình",
                "signer_title": "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH",
            },
            parent=plan,
        )
        child = services.issue_plan(actor=self.nhatrang, plan=child)
        for copy in child.tasks.select_related("parent_task"):
            if copy.parent_task_id == listening.pk:
                progress(
                    self.nhatrang,
                    copy,
                    100,
                    "done",
                    "Hội nghị ngày 20/10 với 120 người dân.",
                    self.today,
                )
            elif copy.parent_task_id == each.pk:
                progress(
                    self.nhatrang, copy, 100, "done", "Ban hành Kế hoạch số 45/KH-UBND.", self.today
                )
        self._activities(year, plan, child)
        return f"running plan {plan.reference} with {Task.objects.filter(plan=plan).count()} tasks"

    def _activities(self, year: int, plan: Plan, child: Plan) -> None:
        party = Unit.objects.get(path__startswith=self.nha_trang.path, name__startswith="Đảng ủy")
        for name in NHA_TRANG_CELLS:
            self._child(party, UnitKind.PARTY, name)
        cells = list(
            Unit.objects.filter(path__startswith=party.path, depth=party.depth + 1).order_by("path")
        )
        types = {t.code: t for t in ActivityType.objects.all()}
        month_end = self.today.replace(day=1) - dt.timedelta(days=1)
        month_start = month_end.replace(day=1)
        services.save_requirement(
            actor=self.tinh,
            unit=self.province,
            plan=plan,
            data={
                "title": f"100% chi bộ sinh hoạt chuyên đề bài báo “Dân vận” trong tháng "
                f"{month_start:%m/%Y}",
                "unit_kind": "party",
                "activity_type": types["themed-meeting"],
                "starts_on": month_start,
                "ends_on": month_end,
                "citation": "Kế hoạch số 202-KH/BDVTU",
            },
        )

        def record(unit, code, title, on, partners=(), **fields):
            return services.save_activity(
                actor=self.admin,
                unit=unit,
                data={"activity_type": types[code], "title": title, "held_on": on, **fields},
                partner_units=partners,
            )

        for index, cell in enumerate(cells):
            if index % 3 == 2:
                continue  # one cell in three has not held it yet: coverage partly met
            record(
                cell,
                "themed-meeting",
                "Sinh hoạt chuyên đề tìm hiểu bài báo “Dân vận” của Chủ tịch Hồ Chí Minh",
                month_start + dt.timedelta(days=5 + index),
                participant_count=15 + index,
                plan=plan,
            )
        record(
            self.nha_trang,
            "training",
            "Tập huấn kỹ năng dân vận cho cán bộ khu phố",
            month_start + dt.timedelta(days=2),
            participant_count=64,
            plan=child,
        )
        record(
            self.nha_trang,
            "outreach-article",
            "Bài viết: Phường Nha Trang lắng nghe dân về chỉnh trang đô thị",
            month_start + dt.timedelta(days=12),
        )
        record(
            self.nha_trang,
            "coordination-programme",
            "Ký kết chương trình phối hợp công tác dân vận giai đoạn 2026-2030",
            month_start + dt.timedelta(days=1),
            ends_on=dt.date(2030, 12, 31),
            commitments="Phối hợp tiếp công dân, đối thoại định kỳ; tuyên truyền chính sách.",
            partners=(party,),
        )
        mountain = Unit.objects.filter(
            path__startswith=self.province.path, kind=UnitKind.COMMUNE, name="Xã Bác Ái"
        ).first()
        if mountain is not None:
            record(
                self.nha_trang,
                "twinning",
                "Kết nghĩa phường Nha Trang với xã Bác Ái",
                month_start + dt.timedelta(days=8),
                partners=(mountain,),
            )
        communes = list(
            Unit.objects.filter(
                path__startswith=self.province.path, kind=UnitKind.COMMUNE, valid_to__isnull=True
            ).order_by("path")
        )
        anniversary = dt.date(year, 10, 15)
        if anniversary <= self.today:
            for commune in self.rng.sample(communes, k=min(len(communes), 40)):
                record(
                    commune,
                    "anniversary",
                    f"Kỷ niệm Ngày truyền thống công tác dân vận 15/10/{year}",
                    anniversary,
                    participant_count=self.rng.randint(40, 150),
                    plan=plan,
                )
