"""Demo data of the citizens module in Tỉnh Khánh Hòa, built through the real services.

- Reception: the schedules of the Nha Trang and Phan Rang ward chairs (weekly) and of the
  province chair (monthly); about three months of the reception register of both wards,
  leaders' days included, with a few weeks missed so that compliance shows gaps; a group of
  15 citizens; a reception that produced a letter.
- Letters on every track and in every status, dated back from today so that some are due
  soon and some overdue (escalated to the province by ``services.escalate_overdue``): 1st-
  and 2nd-round complaints (one complex, one sealed at the complainant's request), petitions
  and feedback (some from the public portal), a denunciation with a sealed identity, accepted
  as complex, assigned to ``nhatrang.canbo`` and extended once by written decision; letters
  transferred, refused, forwarded, resolved (on time and late), an anonymous one filed, and
  two from the same ID number linked into one case family.
- Dialogues: October's listening conference in Nha Trang with requests answered and
  published, pending and overdue; a dialogue at the waste-treatment site in Phan Rang; the
  province's requirement that every commune leader hold a listening conference in October.
- Disclosure register: a land-use plan posted 30 days, the budget on the radio 3 days, a
  village-convention draft posted only 20 days (a violation), a list still posted.

Each part is skipped when its marker row is there, so a second run creates nothing.
Needs ``manage.py load_units`` and ``manage.py load_demo`` first.
"""

from __future__ import annotations

import datetime as dt
import random

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from danvan.core.notify import emails_muted
from danvan.core.workdays import default_calendar
from danvan.dialogues import services as dialogue_services
from danvan.dialogues.models import (
    Dialogue,
    DialogueKind,
    DialogueRequest,
    DisclosureCategory,
    DisclosureChannel,
    DisclosureItem,
    ListeningRequirement,
    RequestStatus,
    Topic,
)
from danvan.orgs.management.commands.load_demo import DEMO_PASSWORD
from danvan.orgs.models import Membership, Role, Unit, UnitKind, User
from danvan.petitions import reception_services, services
from danvan.petitions.models import (
    Channel,
    Complexity,
    Letter,
    LetterKind,
    LetterStatus,
    Outcome,
    Reception,
    ReceptionClass,
    ReceptionFrequency,
    ReceptionKind,
    ReceptionOutcome,
    ReceptionSchedule,
    SubjectArea,
)

PROVINCE_KEY = "P56"
NHA_TRANG_KEY = "C22366"
BAC_AI = "Xã Bác Ái"  # a remote-area commune (flagged by load_demo)
USERNAMES = [
    "admin",
    "tinh.canbo",
    "tinh.lanhdao",
    "nhatrang.canbo",
    "nhatrang.lanhdao",
    "phanrang.canbo",
    "phanrang.lanhdao",
]
INSPECTOR = "tinh.thanhtra"
SEED = 20_261_015

PROVINCE_CHAIR = ("Phạm Quốc Huy", "Chủ tịch UBND tỉnh Khánh Hòa")
NHA_TRANG_CHAIR = ("Nguyễn Thanh Bình", "Chủ tịch UBND phường Nha Trang")
PHAN_RANG_CHAIR = ("Lê Văn Hòa", "Chủ tịch UBND phường Phan Rang")
RECEPTION_OFFICIAL = {
    "nhatrang": ("Đỗ Thị Mỹ Linh", "Công chức Văn phòng HĐND và UBND phường"),
    "phanrang": ("Châu Văn Tài", "Công chức Văn phòng HĐND và UBND phường"),
}

# Markers: one row per part; a part whose marker exists is left as it is.
RECEPTION_COMPLAINT = (
    "Khiếu nại Quyết định thu hồi đất số 215/QĐ-UBND để thực hiện dự án chỉnh trang đô thị ven "
    "sông Cái"
)
SEALED_TITLE = "Tố cáo cán bộ địa chính nhận tiền để hợp thức hóa hồ sơ cấp giấy chứng nhận"
CONFERENCE_TITLE = "Hội nghị lắng nghe ý kiến Nhân dân phường Nha Trang tháng 10"
INCIDENT_TITLE = "Đối thoại tại khu xử lý chất thải rắn về mùi hôi và nước rỉ rác"
REQUIREMENT_TITLE = "100% lãnh đạo cấp xã tổ chức hội nghị lắng nghe ý kiến Nhân dân trong tháng 10"
LAND_PLAN_TITLE = "Quy hoạch sử dụng đất phường Nha Trang đến năm 2030, tầm nhìn 2050"

CITIZENS = [
    ("Nguyễn Văn Tâm", "Tổ dân phố Vĩnh Phước 1"),
    ("Trần Thị Hoa", "Tổ dân phố Phương Sài 3"),
    ("Lê Văn Dũng", "Tổ dân phố Lộc Thọ 2"),
    ("Phạm Thị Lan", "Tổ dân phố Xương Huân 4"),
    ("Hoàng Văn Minh", "Tổ dân phố Vạn Thắng 1"),
    ("Võ Thị Thu", "Tổ dân phố Phước Tân 2"),
    ("Huỳnh Văn Phúc", "Tổ dân phố Tân Lập 5"),
    ("Đặng Thị Ngọc", "Tổ dân phố Phước Tiến 1"),
    ("Bùi Văn Sơn", "Tổ dân phố Vĩnh Nguyên 6"),
    ("Ngô Thị Kim", "Tổ dân phố Phước Hòa 3"),
    ("Dương Văn Lộc", "Tổ dân phố Vĩnh Trường 2"),
    ("Trương Thị Yến", "Tổ dân phố Phước Long 4"),
]
# (content, classification, outcome) of ordinary visits to the reception office.
VISITS = [
    (
        "Hỏi thủ tục cấp giấy chứng nhận quyền sử dụng đất lần đầu cho thửa đất ở ổn định từ "
        "trước năm 1993.",
        ReceptionClass.OTHER,
        ReceptionOutcome.GUIDED,
    ),
    (
        "Phản ánh quán karaoke trong hẻm hát sau 22 giờ gây ồn, ảnh hưởng sinh hoạt.",
        ReceptionClass.FEEDBACK,
        ReceptionOutcome.FORWARDED,
    ),
    (
        "Kiến nghị sửa chữa hệ thống đèn chiếu sáng trong hẻm bị hư hỏng đã hơn hai tháng.",
        ReceptionClass.PETITION,
        ReceptionOutcome.ANSWERED,
    ),
    (
        "Khiếu nại mức bồi thường về đất khi Nhà nước thu hồi đất thực hiện dự án chỉnh trang "
        "đô thị ven sông Cái.",
        ReceptionClass.COMPLAINT,
        ReceptionOutcome.GUIDED,
    ),
    (
        "Đề nghị xem xét đưa gia đình vào danh sách hộ cận nghèo năm sau.",
        ReceptionClass.PETITION,
        ReceptionOutcome.ANSWERED,
    ),
    (
        "Phản ánh tình trạng lấn chiếm vỉa hè để kinh doanh trên đường Hai Bà Trưng.",
        ReceptionClass.FEEDBACK,
        ReceptionOutcome.FORWARDED,
    ),
    (
        "Hỏi về chế độ trợ cấp hằng tháng đối với thân nhân người có công với cách mạng.",
        ReceptionClass.OTHER,
        ReceptionOutcome.ANSWERED,
    ),
    (
        "Kiến nghị nạo vét mương thoát nước trước mùa mưa bão.",
        ReceptionClass.PETITION,
        ReceptionOutcome.ANSWERED,
    ),
    (
        "Phản ánh việc thu gom rác không đúng giờ, rác tồn đọng nhiều ngày ở đầu hẻm.",
        ReceptionClass.FEEDBACK,
        ReceptionOutcome.ANSWERED,
    ),
    (
        "Hỏi tiến độ chi trả tiền hỗ trợ tái định cư dự án mở rộng đường ven biển.",
        ReceptionClass.PETITION,
        ReceptionOutcome.GUIDED,
    ),
]
DENUNCIATION_VISIT = (
    "Trình bày nội dung tố cáo cán bộ gây khó khăn khi giải quyết hồ sơ; được hướng dẫn viết đơn "
    "tố cáo và được bảo đảm giữ bí mật thông tin người tố cáo.",
    ReceptionClass.DENUNCIATION,
    ReceptionOutcome.GUIDED,
)
LEADER_VISITS = [
    (
        "Kiến nghị bố trí đất tái định cư tại chỗ cho các hộ bị thu hồi toàn bộ đất ở.",
        ReceptionClass.PETITION,
        ReceptionOutcome.ANSWERED,
    ),
    (
        "Phản ánh công trình xây dựng sai phép lấn sang ranh giới đất của gia đình.",
        ReceptionClass.FEEDBACK,
        ReceptionOutcome.FORWARDED,
    ),
    (
        "Đề nghị hỗ trợ học nghề, việc làm cho con em các hộ bị thu hồi đất nông nghiệp.",
        ReceptionClass.PETITION,
        ReceptionOutcome.ANSWERED,
    ),
]


class Command(BaseCommand):
    help = "Create the citizens-module demo (idempotent) and print a tour of it."

    def handle(self, *args, **options):
        # The demo's notifications show in the bell; e-mailing them would flood the console.
        with emails_muted():
            self._handle()

    def _handle(self) -> None:
        self.today = timezone.localdate()
        self.calendar = default_calendar()
        self.rng = random.Random(SEED)  # noqa: S311 - a reproducible demo, not a secret
        self._load_people_and_units()
        built = []
        parts = [
            ("letters", self._letters_built, self._build_letters),
            ("receptions", self._receptions_built, self._build_receptions),
            ("dialogues", self._dialogues_built, self._build_dialogues),
            ("disclosure", self._disclosure_built, self._build_disclosure),
        ]
        for name, is_built, build in parts:
            if is_built():
                continue
            with transaction.atomic():
                build()
            built.append(name)
        if built:
            # Every open letter past its due date is escalated to the unit above, once.
            services.escalate_overdue()
        self._summary(built)

    # ------------------------------------------------------------------ setting up

    def _load_people_and_units(self) -> None:
        try:
            self.province = Unit.objects.get(external_key=PROVINCE_KEY)
            self.nha_trang = Unit.objects.get(external_key=NHA_TRANG_KEY)
        except Unit.DoesNotExist as exc:
            raise CommandError("Load the units first: manage.py load_units") from exc
        communes = Unit.objects.filter(
            path__startswith=self.province.path, kind=UnitKind.COMMUNE
        ).current()
        self.phan_rang = communes.filter(name="Phường Phan Rang").first()
        self.bac_ai = communes.filter(name=BAC_AI).first()
        users = {u.username: u for u in User.objects.filter(username__in=USERNAMES)}
        missing = sorted(set(USERNAMES) - set(users))
        if missing or self.phan_rang is None:
            raise CommandError(
                "Load the demo users and agencies first: manage.py load_demo "
                f"(missing: {', '.join(missing) or 'Phường Phan Rang'})"
            )
        self.users = users
        self.users[INSPECTOR] = self._inspector()

    def _inspector(self) -> User:
        """The province inspectorate reads the identity-access log (load_demo has no such user)."""
        user, created = User.objects.get_or_create(
            username=INSPECTOR,
            defaults={
                "full_name": "Thanh tra viên tỉnh Khánh Hòa",
                "email": f"{INSPECTOR}@danvan.local",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        Membership.objects.get_or_create(user=user, unit=self.province, role=Role.INSPECTOR)
        return user

    def ago(self, days: int) -> dt.date:
        return self.today - dt.timedelta(days=days)

    def working_day_on_or_before(self, day: dt.date) -> dt.date:
        while not self.calendar.is_working_day(day):
            day -= dt.timedelta(days=1)
        return day

    # ------------------------------------------------------------------ letters

    def _letters_built(self) -> bool:
        return Letter.objects.filter(received_unit=self.nha_trang, title=SEALED_TITLE).exists()

    def _receive(self, unit: Unit, actor: User | None, days_ago: int, **data) -> Letter:
        data.setdefault("channel", Channel.IN_PERSON)
        data["received_on"] = self.ago(days_ago)
        return services.receive_letter(actor=actor, unit=unit, data=data)

    def _build_letters(self) -> None:
        u = self.users
        nt, pr, tinh = self.nha_trang, self.phan_rang, self.province
        nt_officer, nt_leader = u["nhatrang.canbo"], u["nhatrang.lanhdao"]
        pr_officer, pr_leader = u["phanrang.canbo"], u["phanrang.lanhdao"]

        # -- the sealed denunciation: complex, assigned, extended once by written decision.
        letter = self._receive(
            nt,
            nt_officer,
            45,
            kind=LetterKind.DENUNCIATION,
            subject_area=SubjectArea.CORRUPTION,
            title=SEALED_TITLE,
            content=(
                "Người tố cáo trình bày: khi làm hồ sơ cấp giấy chứng nhận quyền sử dụng đất cho "
                "thửa đất số 112, tờ bản đồ số 18, một cán bộ địa chính phường yêu cầu nộp thêm "
                "15 triệu đồng ngoài phí, lệ phí theo quy định để “hợp thức hóa” phần diện tích "
                "chênh lệch. Người tố cáo cung cấp ghi âm cuộc trao đổi và đề nghị giữ bí mật "
                "họ tên, địa chỉ."
            ),
            citizen_name="Nguyễn Thị Hạnh",
            citizen_id_number="056182004517",
            citizen_address="Tổ dân phố Phước Hải 3, phường Nha Trang",
            citizen_phone="0914 227 318",
        )
        services.assign(
            actor=nt_leader,
            letter=letter,
            handler=nt_officer,
            note="Giao công chức Thanh tra phường xác minh, giữ bí mật người tố cáo.",
        )
        services.accept(
            actor=nt_officer,
            letter=letter,
            on=self.ago(40),
            complexity=Complexity.COMPLEX,
            note="Vụ việc phức tạp: phải xác minh tại Văn phòng đăng ký đất đai và ngân hàng.",
            document_number="38/QĐ-UBND",
        )
        letter = services.extend(
            actor=nt_officer,
            letter=letter,
            days=30,
            decision_number="145/QĐ-UBND",
            decision_date=self.ago(12),
            signer=NHA_TRANG_CHAIR[0],
            note="Gia hạn giải quyết tố cáo do cần trưng cầu giám định ghi âm.",
        )
        # The handler read the sealed identity once: the inspectorate sees it in the log.
        services.read_identity(
            user=nt_officer, letter=letter, purpose="Mời người tố cáo làm việc, ghi biên bản"
        )

        # -- complaints, first round
        # Handed in at the reception office: the register entry records the letter.
        reception = reception_services.record_reception(
            actor=nt_officer,
            unit=nt,
            data={
                "received_on": self.working_day_on_or_before(self.ago(20)),
                "kind": ReceptionKind.REGULAR,
                "official_name": RECEPTION_OFFICIAL["nhatrang"][0],
                "official_title": RECEPTION_OFFICIAL["nhatrang"][1],
                "citizen_name": "Trần Thị Hoa",
                "citizen_address": "Tổ dân phố Phương Sài 3, phường Nha Trang",
                "content": (
                    f"{RECEPTION_COMPLAINT}\n"
                    "Bà Trần Thị Hoa khiếu nại quyết định thu hồi 86,4 m² đất ở tại thửa số 45, tờ "
                    "bản đồ số 9: diện tích thu hồi vượt ranh giới đã cắm mốc ngoài thực địa; đề "
                    "nghị đo đạc lại và điều chỉnh quyết định. Đã nhận đơn, hẹn thông báo thụ lý."
                ),
                "classification": ReceptionClass.COMPLAINT,
                "outcome": ReceptionOutcome.LETTER_RECEIVED,
            },
            make_letter=True,
        )
        complaint = reception.letter
        services.accept(
            actor=nt_officer,
            letter=complaint,
            on=self.ago(15),
            document_number="41/TB-UBND",
            note="Thông báo thụ lý gửi người khiếu nại.",
        )
        services.assign(actor=nt_leader, letter=complaint, handler=nt_officer)

        complex_complaint = self._receive(
            nt,
            nt_officer,
            42,
            kind=LetterKind.COMPLAINT,
            subject_area=SubjectArea.LAND,
            title="Khiếu nại phương án bồi thường, hỗ trợ, tái định cư dự án mở rộng đường "
            "Lê Hồng Phong",
            content=(
                "Ông khiếu nại việc không được hỗ trợ chuyển đổi nghề vì đất nông nghiệp xen "
                "kẹt trong khu dân cư; nguồn gốc đất có nhiều lần chuyển nhượng giấy tay, cần "
                "xác minh qua nhiều cơ quan."
            ),
            citizen_name="Lê Văn Dũng",
            citizen_id_number="056072009912",
            citizen_address="Tổ dân phố Lộc Thọ 2, phường Nha Trang",
            citizen_phone="0935 440 129",
        )
        services.seal(
            actor=nt_officer,
            letter=complex_complaint,
            note="Người khiếu nại đề nghị giữ bí mật họ tên vì lo ngại bị gây khó dễ.",
        )
        services.accept(
            actor=nt_officer,
            letter=complex_complaint,
            on=self.ago(36),
            complexity=Complexity.COMPLEX,
            document_number="35/TB-UBND",
        )

        # Not accepted in time: overdue, escalated to the province below.
        self._receive(
            nt,
            nt_officer,
            30,
            kind=LetterKind.COMPLAINT,
            subject_area=SubjectArea.ADMINISTRATIVE,
            title="Khiếu nại việc chậm cấp giấy phép xây dựng nhà ở riêng lẻ",
            content=(
                "Hồ sơ xin phép xây dựng nộp tại bộ phận một cửa đã quá hạn 20 ngày nhưng chưa "
                "được trả kết quả, không có văn bản nêu lý do."
            ),
            citizen_name="Hoàng Văn Minh",
            citizen_id_number="056081003365",
            citizen_address="Tổ dân phố Vạn Thắng 1, phường Nha Trang",
            citizen_phone="0987 612 004",
        )

        # -- one matter filed twice by the same ID number: one case family.
        first = self._receive(
            nt,
            nt_officer,
            34,
            kind=LetterKind.COMPLAINT,
            subject_area=SubjectArea.LAND,
            title="Khiếu nại việc không bồi thường tài sản trên đất (nhà kho, cây lâu năm)",
            content=(
                "Hộ ông Trần Văn Hùng khiếu nại biên bản kiểm đếm bỏ sót nhà kho 40 m² và 12 cây "
                "dừa trên đất bị thu hồi thực hiện dự án chỉnh trang đô thị ven sông Cái."
            ),
            citizen_name="Trần Văn Hùng",
            citizen_id_number="056078004521",
            citizen_address="Tổ dân phố Vĩnh Phước 1, phường Nha Trang",
            citizen_phone="0913 774 205",
        )
        services.accept(actor=nt_officer, letter=first, on=self.ago(30), document_number="33/TB")
        again = self._receive(
            nt,
            nt_officer,
            6,
            kind=LetterKind.COMPLAINT,
            channel=Channel.POST,
            subject_area=SubjectArea.LAND,
            title="Đơn khiếu nại (lần hai gửi) về bồi thường nhà kho và cây dừa bị bỏ sót",
            content=(
                "Ông Trần Văn Hùng tiếp tục gửi đơn về việc kiểm đếm bỏ sót tài sản trên đất, "
                "đề nghị sớm tổ chức kiểm đếm lại có mặt gia đình."
            ),
            citizen_name="Trần Văn Hùng",
            citizen_id_number="056078004521",
            citizen_address="Tổ dân phố Vĩnh Phước 1, phường Nha Trang",
            citizen_phone="0913 774 205",
        )
        services.link(
            actor=nt_officer,
            letters=[first, again],
            title="Hộ ông Trần Văn Hùng — bồi thường tài sản trên đất, dự án ven sông Cái",
        )

        # -- second round, at the province: 45 days from acceptance, due in a few days.
        second = self._receive(
            tinh,
            u["tinh.canbo"],
            47,
            kind=LetterKind.COMPLAINT,
            complaint_round=2,
            channel=Channel.POST,
            subject_area=SubjectArea.LAND,
            title="Khiếu nại lần hai Quyết định giải quyết khiếu nại số 92/QĐ-UBND của Chủ tịch "
            "UBND phường Nha Trang",
            content=(
                "Không đồng ý với quyết định giải quyết khiếu nại lần đầu về việc xác định vị trí "
                "đất để tính giá bồi thường (vị trí 2 thay vì vị trí 1 mặt tiền đường)."
            ),
            citizen_name="Phạm Thị Lan",
            citizen_id_number="056170001248",
            citizen_address="Tổ dân phố Xương Huân 4, phường Nha Trang",
            citizen_phone="0905 127 660",
        )
        services.accept(
            actor=u["tinh.canbo"], letter=second, on=self.ago(42), document_number="118/TB-UBND"
        )

        # -- petitions and feedback, some from the public portal (actor None).
        self._receive(
            nt,
            None,
            11,
            kind=LetterKind.PETITION,
            channel=Channel.PORTAL,
            subject_area=SubjectArea.SOCIAL_POLICY,
            title="Kiến nghị xét hỗ trợ tiền điện cho hộ nghèo năm nay",
            content=(
                "Gia đình thuộc hộ nghèo từ tháng 3 nhưng chưa được nhận hỗ trợ tiền điện; đề "
                "nghị phường kiểm tra danh sách."
            ),
            citizen_name="Ngô Thị Kim",
            citizen_address="Tổ dân phố Phước Hòa 3, phường Nha Trang",
            citizen_phone="0978 003 916",
        )
        self._receive(
            nt,
            None,
            2,
            kind=LetterKind.FEEDBACK,
            channel=Channel.PORTAL,
            subject_area=SubjectArea.CONSTRUCTION,
            title="Phản ánh hố ga không có nắp trên đường Nguyễn Thị Minh Khai",
            content=(
                "Hố ga trước số nhà 58 bị mất nắp từ tuần trước, buổi tối rất nguy hiểm cho "
                "người đi xe máy."
            ),
            citizen_name="Dương Văn Lộc",
            citizen_phone="0901 552 871",
        )
        environment = self._receive(
            nt,
            nt_officer,
            46,
            kind=LetterKind.PETITION,
            subject_area=SubjectArea.ENVIRONMENT,
            title="Kiến nghị xử lý cơ sở chế biến hải sản xả nước thải ra mương thoát nước",
            content=(
                "Các hộ dân tổ dân phố Vĩnh Trường 2 kiến nghị kiểm tra cơ sở chế biến hải sản "
                "xả nước thải chưa qua xử lý ra mương chung, gây mùi hôi kéo dài."
            ),
            citizen_name="Dương Văn Lộc",
            citizen_id_number="056090007731",
            citizen_address="Tổ dân phố Vĩnh Trường 2, phường Nha Trang",
            citizen_phone="0901 552 871",
            group_size=9,
        )
        services.accept(actor=nt_officer, letter=environment, on=self.ago(41))

        # Resolved on time, from the portal: the citizen reads the answer by tracking code.
        on_time = self._receive(
            nt,
            None,
            60,
            kind=LetterKind.FEEDBACK,
            channel=Channel.PORTAL,
            subject_area=SubjectArea.SOCIAL_POLICY,
            title="Phản ánh việc chậm chi trả trợ cấp xã hội hằng tháng cho người cao tuổi",
            content=(
                "Mẹ tôi 82 tuổi, hai tháng nay chưa nhận được trợ cấp xã hội hằng tháng qua "
                "bưu điện."
            ),
            citizen_name="Võ Thị Thu",
            citizen_address="Tổ dân phố Phước Tân 2, phường Nha Trang",
            citizen_email="vothithu@example.vn",
        )
        services.accept(actor=nt_officer, letter=on_time, on=self.ago(57))
        services.resolve(
            actor=nt_leader,
            letter=on_time,
            on=self.ago(45),
            outcome=Outcome.ANSWERED,
            answer=(
                "Do thay đổi tài khoản nhận trợ cấp khi sắp xếp đơn vị hành chính, khoản trợ cấp "
                "hai tháng bị chậm. Phường đã phối hợp Bưu điện chi trả đủ ngày "
                f"{self.ago(46):%d/%m/%Y}; từ tháng sau chi trả đúng ngày 10 hằng tháng."
            ),
            signer=NHA_TRANG_CHAIR[0],
        )

        late = self._receive(
            nt,
            nt_officer,
            95,
            kind=LetterKind.PETITION,
            subject_area=SubjectArea.CONSTRUCTION,
            title="Kiến nghị sửa chữa tuyến hẻm 27 Trần Quang Khải bị sụt lún",
            content="Mặt hẻm sụt lún, đọng nước sau mỗi trận mưa; đề nghị bê tông hóa lại.",
            citizen_name="Huỳnh Văn Phúc",
            citizen_id_number="056065001197",
            citizen_address="Tổ dân phố Tân Lập 5, phường Nha Trang",
            group_size=23,
        )
        services.accept(actor=nt_officer, letter=late, on=self.ago(90))
        services.resolve(
            actor=nt_leader,
            letter=late,
            on=self.ago(48),
            outcome=Outcome.ANSWERED,
            answer=(
                "Phường đã đưa tuyến hẻm vào danh mục sửa chữa năm nay theo phương thức Nhà nước "
                "và Nhân dân cùng làm; thi công trong tháng tới. Việc trả lời chậm so với thời "
                "hạn do phải chờ bố trí vốn."
            ),
            signer=NHA_TRANG_CHAIR[0],
        )

        decided = self._receive(
            nt,
            nt_officer,
            80,
            kind=LetterKind.COMPLAINT,
            subject_area=SubjectArea.SOCIAL_POLICY,
            title="Khiếu nại việc không đưa hộ gia đình vào danh sách hộ cận nghèo",
            content=(
                "Hộ có thu nhập dưới chuẩn cận nghèo nhưng không có tên trong danh sách được "
                "công nhận; đề nghị rà soát lại."
            ),
            citizen_name="Bùi Văn Sơn",
            citizen_id_number="056076005810",
            citizen_address="Tổ dân phố Vĩnh Nguyên 6, phường Nha Trang",
        )
        services.accept(actor=nt_officer, letter=decided, on=self.ago(75), document_number="21/TB")
        services.resolve(
            actor=nt_leader,
            letter=decided,
            on=self.ago(52),
            outcome=Outcome.PARTLY_UPHELD,
            answer=(
                "Khiếu nại đúng một phần: hộ đủ điều kiện hộ cận nghèo theo kết quả rà soát lại; "
                "phần yêu cầu truy lĩnh hỗ trợ từ đầu năm không có cơ sở giải quyết."
            ),
            decision_number="92/QĐ-UBND",
            decision_date=self.ago(52),
            signer=NHA_TRANG_CHAIR[0],
        )

        # -- refused, forwarded, filed without processing
        refused = self._receive(
            nt,
            nt_officer,
            25,
            kind=LetterKind.COMPLAINT,
            subject_area=SubjectArea.LAND,
            title="Khiếu nại Quyết định cưỡng chế kiểm đếm năm 2023",
            content="Đề nghị hủy quyết định cưỡng chế kiểm đếm đã thực hiện năm 2023.",
            citizen_name="Nguyễn Văn Tâm",
            citizen_id_number="056062000734",
            citizen_address="Tổ dân phố Vĩnh Phước 1, phường Nha Trang",
        )
        services.refuse(
            actor=nt_officer,
            letter=refused,
            on=self.ago(21),
            reason=(
                "Không thụ lý: khiếu nại quá thời hiệu 90 ngày kể từ ngày nhận quyết định (Điều 9, "
                "Điều 11 Luật Khiếu nại 2011) và không có lý do bất khả kháng."
            ),
            document_number="45/TB-UBND",
        )
        forwarded = self._receive(
            nt,
            nt_officer,
            18,
            kind=LetterKind.PETITION,
            channel=Channel.POST,
            subject_area=SubjectArea.OTHER,
            title="Kiến nghị di dời cột điện trung thế đặt sát nhà dân",
            content="Cột điện trung thế mới dựng cách tường nhà 0,8 m, gây mất an toàn.",
            citizen_name="Đặng Thị Ngọc",
            citizen_id_number="056184006602",
            citizen_address="Tổ dân phố Phước Tiến 1, phường Nha Trang",
        )
        services.forward(
            actor=nt_officer,
            letter=forwarded,
            to_body="Công ty Cổ phần Điện lực Khánh Hòa",
            on=self.ago(15),
            note="Thuộc trách nhiệm của đơn vị quản lý lưới điện; đã báo người kiến nghị.",
            document_number="512/UBND-VP",
        )
        anonymous = self._receive(
            nt,
            nt_officer,
            14,
            kind=LetterKind.DENUNCIATION,
            channel=Channel.POST,
            subject_area=SubjectArea.OFFICIALS,
            title="Đơn không ký tên tố cáo tổ trưởng tổ dân phố thu tiền sai quy định",
            content="Đơn nặc danh, không có tài liệu, chứng cứ kèm theo.",
            is_anonymous=True,
        )
        services.archive(
            actor=nt_officer,
            letter=anonymous,
            reason=(
                "Đơn tố cáo không rõ họ tên, địa chỉ người tố cáo, không có chứng cứ cụ thể: không "
                "thụ lý (Điều 25 Luật Tố cáo 2018); lưu để tham khảo công tác quản lý."
            ),
        )

        # -- Phan Rang: a letter about a Nha Trang matter goes to Nha Trang.
        moved = self._receive(
            pr,
            pr_officer,
            9,
            kind=LetterKind.PETITION,
            channel=Channel.POST,
            subject_area=SubjectArea.LAND,
            title="Kiến nghị chi trả tiền hỗ trợ tái định cư còn thiếu (dự án tại phường Nha "
            "Trang)",
            content=(
                "Gia đình đã chuyển về Phan Rang sinh sống; đề nghị chi trả phần hỗ trợ tái định "
                "cư còn thiếu của dự án chỉnh trang đô thị ven sông Cái."
            ),
            citizen_name="Trương Thị Yến",
            citizen_id_number="058186003390",
            citizen_address="Khu phố 4, phường Phan Rang",
        )
        services.transfer(
            actor=pr_officer,
            letter=moved,
            to_unit=nt,
            on=self.ago(7),
            note="Dự án do UBND phường Nha Trang thực hiện bồi thường.",
            document_number="208/UBND-VP",
        )
        smell = self._receive(
            pr,
            pr_officer,
            44,
            kind=LetterKind.FEEDBACK,
            subject_area=SubjectArea.ENVIRONMENT,
            title="Phản ánh mùi hôi từ khu xử lý chất thải rắn về đêm",
            content=(
                "Từ 20 giờ đến sáng, mùi hôi từ khu xử lý chất thải rắn lan vào khu dân cư, "
                "nhiều hộ phải đóng kín cửa."
            ),
            citizen_name="Châu Thị Mai",
            citizen_id_number="058171004466",
            citizen_address="Khu phố 9, phường Phan Rang",
            group_size=31,
        )
        services.accept(actor=pr_officer, letter=smell, on=self.ago(40))
        clearance = self._receive(
            pr,
            pr_officer,
            12,
            kind=LetterKind.COMPLAINT,
            subject_area=SubjectArea.LAND,
            title="Khiếu nại đơn giá bồi thường cây trồng dự án đường ven biển đoạn qua phường",
            content="Đơn giá bồi thường cây nho, cây táo thấp hơn giá thị trường nhiều lần.",
            citizen_name="Lưu Văn Khánh",
            citizen_id_number="058069002215",
            citizen_address="Khu phố 2, phường Phan Rang",
        )
        services.accept(actor=pr_officer, letter=clearance, on=self.ago(8), document_number="17/TB")
        self._receive(
            pr,
            None,
            10,
            kind=LetterKind.PETITION,
            channel=Channel.PORTAL,
            subject_area=SubjectArea.SOCIAL_POLICY,
            title="Kiến nghị giải quyết chế độ trợ cấp cho người khuyết tật nặng",
            content="Hồ sơ đề nghị trợ cấp cho con tôi (khuyết tật nặng) nộp đã hơn một tháng.",
            citizen_name="Thạch Thị Duyên",
            citizen_phone="0388 412 776",
        )
        resolved_pr = self._receive(
            pr,
            pr_officer,
            50,
            kind=LetterKind.PETITION,
            subject_area=SubjectArea.CONSTRUCTION,
            title="Kiến nghị lắp đặt gờ giảm tốc trước Trường Tiểu học Phủ Hà",
            content="Xe tải chạy nhanh giờ tan học, đề nghị lắp gờ giảm tốc và biển báo.",
            citizen_name="Đinh Văn Quý",
            citizen_id_number="058080001943",
            citizen_address="Khu phố 6, phường Phan Rang",
        )
        services.accept(actor=pr_officer, letter=resolved_pr, on=self.ago(47))
        services.resolve(
            actor=pr_leader,
            letter=resolved_pr,
            on=self.ago(30),
            outcome=Outcome.ANSWERED,
            answer="Đã lắp đặt gờ giảm tốc và biển báo khu vực trường học.",
            signer=PHAN_RANG_CHAIR[0],
        )

        # -- sent over level to the province, for a remote-area commune (longer clocks).
        if self.bac_ai is not None:
            over_level = self._receive(
                tinh,
                u["tinh.canbo"],
                9,
                kind=LetterKind.COMPLAINT,
                channel=Channel.POST,
                subject_area=SubjectArea.LAND,
                is_over_level=True,
                title="Khiếu nại việc thu hồi đất rẫy để xây dựng hồ chứa nước",
                content=(
                    "Khiếu nại quyết định thu hồi 1,2 ha đất rẫy của gia đình khi chưa được "
                    "thông báo, chưa được kiểm đếm."
                ),
                citizen_name="Pi Năng Thị Lành",
                citizen_id_number="058190000871",
                citizen_address="Thôn Ma Oai, xã Bác Ái",
            )
            services.transfer(
                actor=u["tinh.canbo"],
                letter=over_level,
                to_unit=self.bac_ai,
                on=self.ago(7),
                note="Đơn gửi vượt cấp: chuyển UBND xã Bác Ái giải quyết lần đầu theo thẩm quyền.",
                document_number="1432/TTr-NV",
            )

    # ------------------------------------------------------------------ receptions

    def _receptions_built(self) -> bool:
        return ReceptionSchedule.objects.filter(
            unit=self.nha_trang, leader_name=NHA_TRANG_CHAIR[0]
        ).exists()

    def _build_receptions(self) -> None:
        start = self.ago(92)
        for unit, actor, (name, title), frequency, days_text, place in (
            (
                self.nha_trang,
                self.users["nhatrang.canbo"],
                NHA_TRANG_CHAIR,
                ReceptionFrequency.WEEKLY,
                "Thứ Năm hằng tuần",
                "Trụ sở tiếp công dân phường Nha Trang",
            ),
            (
                self.phan_rang,
                self.users["phanrang.canbo"],
                PHAN_RANG_CHAIR,
                ReceptionFrequency.WEEKLY,
                "Thứ Ba hằng tuần",
                "Trụ sở tiếp công dân phường Phan Rang",
            ),
            (
                self.province,
                self.users["tinh.canbo"],
                PROVINCE_CHAIR,
                ReceptionFrequency.MONTHLY,
                "Ngày 15 hằng tháng (trùng ngày nghỉ thì ngày làm việc liền trước)",
                "Trụ sở Ban Tiếp công dân tỉnh Khánh Hòa",
            ),
        ):
            reception_services.save_schedule(
                actor=actor,
                unit=unit,
                data={
                    "leader_name": name,
                    "leader_title": title,
                    "frequency": frequency,
                    "days_text": days_text,
                    "place": place,
                    "valid_from": max(dt.date(start.year, 1, 1), unit.valid_from or start),
                },
            )

        # Thursdays in Nha Trang, Tuesdays in Phan Rang; the weeks the chair was away are gaps.
        self._leader_days(self.nha_trang, NHA_TRANG_CHAIR, weekday=3, missed={3, 8})
        self._leader_days(self.phan_rang, PHAN_RANG_CHAIR, weekday=1, missed={2, 6, 10})
        for months_back in range(3):
            year, month = self.today.year, self.today.month - months_back
            if month < 1:
                year, month = year - 1, month + 12
            day = self.working_day_on_or_before(dt.date(year, month, 15))
            if day <= self.today:
                self._reception(
                    self.province,
                    day,
                    ReceptionKind.LEADER,
                    PROVINCE_CHAIR,
                    LEADER_VISITS[months_back % len(LEADER_VISITS)],
                )
        for key, unit in (("nhatrang", self.nha_trang), ("phanrang", self.phan_rang)):
            day = start
            while day <= self.today:
                if self.calendar.is_working_day(day) and self.rng.random() < 0.55:
                    visit = self.rng.choice([*VISITS] * 4 + [DENUNCIATION_VISIT])
                    self._reception(
                        unit, day, ReceptionKind.REGULAR, RECEPTION_OFFICIAL[key], visit
                    )
                day += dt.timedelta(days=1)

        # A group of 15 households about site clearance, met by the ward chair.
        self._reception(
            self.nha_trang,
            self.working_day_on_or_before(self.ago(26)),
            ReceptionKind.UNSCHEDULED,
            NHA_TRANG_CHAIR,
            (
                "Đoàn 15 hộ dân tổ dân phố Vĩnh Phước 1 kiến nghị công khai phương án bồi thường, "
                "hỗ trợ, tái định cư dự án chỉnh trang đô thị ven sông Cái trước khi chi trả; Chủ "
                "tịch UBND phường trả lời trực tiếp và hẹn tổ chức đối thoại với các hộ.",
                ReceptionClass.PETITION,
                ReceptionOutcome.ANSWERED,
            ),
            count=15,
            citizen=("Ông Trần Văn Hùng (đại diện đoàn)", "Tổ dân phố Vĩnh Phước 1"),
        )

    def _leader_days(self, unit: Unit, chair: tuple[str, str], *, weekday: int, missed) -> None:
        day = self.today - dt.timedelta(days=(self.today.weekday() - weekday) % 7)
        for week in range(13):
            when = day - dt.timedelta(weeks=week)
            if week in missed or not self.calendar.is_working_day(when):
                continue
            for visit in self.rng.sample(LEADER_VISITS, self.rng.randint(1, 2)):
                self._reception(unit, when, ReceptionKind.LEADER, chair, visit)

    def _reception(
        self,
        unit: Unit,
        day: dt.date,
        kind: str,
        official: tuple[str, str],
        visit: tuple[str, str, str],
        *,
        count: int = 1,
        citizen: tuple[str, str] | None = None,
    ) -> Reception:
        content, classification, outcome = visit
        name, address = citizen or self.rng.choice(CITIZENS)
        actor = {self.nha_trang.pk: "nhatrang.canbo", self.phan_rang.pk: "phanrang.canbo"}
        return reception_services.record_reception(
            actor=self.users[actor.get(unit.pk, "tinh.canbo")],
            unit=unit,
            data={
                "received_on": day,
                "kind": kind,
                "official_name": official[0],
                "official_title": official[1],
                "citizen_name": name,
                "citizen_address": address,
                "citizen_count": count,
                "content": content,
                "classification": classification,
                "outcome": outcome,
            },
        )

    # ------------------------------------------------------------------ dialogues

    def _dialogues_built(self) -> bool:
        return Dialogue.objects.filter(unit=self.nha_trang, title=CONFERENCE_TITLE).exists()

    def october(self) -> int:
        """The year of the last October that has ended."""
        return self.today.year if self.today.month >= 11 else self.today.year - 1

    def _build_dialogues(self) -> None:
        u = self.users
        year = self.october()
        if not ListeningRequirement.objects.filter(
            unit=self.province, title=REQUIREMENT_TITLE
        ).exists():
            dialogue_services.save_requirement(
                actor=u["tinh.canbo"],
                unit=self.province,
                data={
                    "title": REQUIREMENT_TITLE,
                    "unit_kind": UnitKind.COMMUNE,
                    "dialogue_kind": DialogueKind.PERIODIC,
                    "starts_on": dt.date(year, 10, 1),
                    "ends_on": dt.date(year, 10, 31),
                    "citation": "Kế hoạch của Ban Chỉ đạo “Tháng Dân vận” tỉnh Khánh Hòa",
                },
            )

        nt_officer = u["nhatrang.canbo"]
        held_on = dt.date(year, 10, 9)
        conference = dialogue_services.create_dialogue(
            actor=nt_officer,
            unit=self.nha_trang,
            data={
                "held_on": held_on,
                "place": "Hội trường UBND phường Nha Trang",
                "title": CONFERENCE_TITLE,
                "topic": Topic.GENERAL,
                "kind": DialogueKind.PERIODIC,
                "chair_name": NHA_TRANG_CHAIR[0],
                "chair_title": NHA_TRANG_CHAIR[1],
                "participants": (
                    "Đảng ủy, HĐND, UBND, Ủy ban MTTQ phường; tổ trưởng, trưởng ban công tác Mặt "
                    "trận các tổ dân phố; đại diện hộ dân"
                ),
                "participant_count": 126,
                "summary": (
                    "Hội nghị lắng nghe ý kiến Nhân dân trong “Tháng Dân vận”: 5 ý kiến về bồi "
                    "thường, giải phóng mặt bằng, thoát nước, trật tự đô thị và chính sách xã hội."
                ),
            },
        )
        requests = [
            (
                "Đề nghị công khai bảng giá bồi thường và danh sách hộ được bố trí tái định cư "
                "dự án chỉnh trang đô thị ven sông Cái.",
                "Ông Trần Văn Hùng, tổ dân phố Vĩnh Phước 1",
                self.nha_trang,
                dt.date(year, 10, 31),
                (
                    "Phương án bồi thường, hỗ trợ, tái định cư đã niêm yết tại trụ sở UBND phường "
                    "và nhà văn hóa tổ dân phố Vĩnh Phước 1 từ ngày 20/10; danh sách bố trí tái "
                    "định cư công khai cùng ngày.",
                    dt.date(year, 10, 20),
                    True,
                ),
            ),
            (
                "Kiến nghị nạo vét mương thoát nước khu vực Phước Hải trước mùa mưa.",
                "Bà Lê Thị Sen, tổ dân phố Phước Hải 2",
                self.nha_trang,
                dt.date(year, 10, 25),
                (
                    "Đã nạo vét 1,2 km mương thoát nước khu vực Phước Hải từ ngày 14 đến 22/10.",
                    dt.date(year, 10, 23),
                    True,
                ),
            ),
            (
                "Đề nghị xử lý dứt điểm tình trạng lấn chiếm vỉa hè trên đường Hai Bà Trưng.",
                "Ông Phan Văn Lực, tổ dân phố Xương Huân 4",
                self.nha_trang,
                dt.date(year, 10, 30),
                (
                    "Phường đã ra quân lập lại trật tự vỉa hè, xử phạt 14 trường hợp; duy trì "
                    "kiểm tra định kỳ hằng tuần.",
                    dt.date(year, 10, 28),
                    False,  # answered, not yet published
                ),
            ),
            (
                "Kiến nghị tỉnh sớm bố trí vốn xây dựng trường mầm non khu tái định cư.",
                "Bà Nguyễn Thị Nga, tổ dân phố Vĩnh Phước 3",
                self.province,
                self.ago(7),  # overdue
                None,
            ),
            (
                "Đề nghị xem xét mở rộng đối tượng hỗ trợ bảo hiểm y tế cho hộ cận nghèo.",
                "Ông Đoàn Văn Bảy, tổ dân phố Phương Sài 1",
                self.nha_trang,
                self.ago(-20),  # still within its time
                None,
            ),
        ]
        for text, raised_by, owner, due_on, answered in requests:
            request = dialogue_services.add_request(
                actor=nt_officer,
                dialogue=conference,
                data={"text": text, "raised_by": raised_by, "owner_unit": owner, "due_on": due_on},
            )
            if answered is None:
                continue
            answer, on, publish = answered
            request = dialogue_services.answer_request(
                actor=nt_officer, request=request, answer=answer, on=on
            )
            if publish:
                dialogue_services.publish_request(actor=u["nhatrang.lanhdao"], request=request)
        dialogue_services.publish_dialogue(actor=u["nhatrang.lanhdao"], dialogue=conference)

        pr_officer = u["phanrang.canbo"]
        incident = dialogue_services.create_dialogue(
            actor=pr_officer,
            unit=self.phan_rang,
            data={
                "held_on": self.ago(20),
                "place": "Khu xử lý chất thải rắn sinh hoạt, khu phố 9, phường Phan Rang",
                "title": INCIDENT_TITLE,
                "topic": Topic.ENVIRONMENT,
                "kind": DialogueKind.INCIDENT,
                "chair_name": PHAN_RANG_CHAIR[0],
                "chair_title": PHAN_RANG_CHAIR[1],
                "participants": (
                    "UBND phường, Ủy ban MTTQ phường, đơn vị vận hành khu xử lý, Công an phường, "
                    "đại diện 40 hộ dân khu phố 9"
                ),
                "participant_count": 58,
                "summary": (
                    "Đối thoại tại hiện trường sau phản ánh kéo dài về mùi hôi và nước rỉ rác "
                    "tràn ra mương thoát nước khi mưa lớn."
                ),
            },
        )
        incident_requests = [
            (
                "Yêu cầu đơn vị vận hành phun chế phẩm khử mùi hằng ngày và che phủ ô chôn lấp "
                "trước 18 giờ.",
                "Đại diện các hộ dân khu phố 9",
                self.phan_rang,
                self.ago(10),
                (
                    "Đơn vị vận hành đã phun chế phẩm khử mùi hai lần mỗi ngày và che phủ ô chôn "
                    "lấp trước 17 giờ; phường kiểm tra đột xuất hằng tuần.",
                    self.ago(12),
                    True,
                ),
            ),
            (
                "Đề nghị kiểm tra, xử lý việc nước rỉ rác tràn ra mương thoát nước khi mưa lớn.",
                "Ông Châu Văn Thành, khu phố 9",
                self.province,
                self.ago(-10),
                None,
            ),
            (
                "Đề nghị điều chỉnh tuyến xe chở rác không đi qua đường trước trường học.",
                "Bà Thạch Thị Mỹ, khu phố 9",
                self.phan_rang,
                self.ago(-5),
                None,
            ),
        ]
        followed_up = None
        for text, raised_by, owner, due_on, answered in incident_requests:
            request = dialogue_services.add_request(
                actor=pr_officer,
                dialogue=incident,
                data={"text": text, "raised_by": raised_by, "owner_unit": owner, "due_on": due_on},
            )
            if answered is None:
                if followed_up is None and owner == self.phan_rang:
                    # Followed up as a letter on the petitions track (channel: dialogue).
                    followed_up = dialogue_services.open_letter_for_request(
                        actor=pr_officer, request=request
                    )
                    services.accept(
                        actor=pr_officer,
                        letter=followed_up,
                        on=max(incident.held_on, self.working_day_on_or_before(self.ago(17))),
                    )
                continue
            answer, on, publish = answered
            request = dialogue_services.answer_request(
                actor=pr_officer, request=request, answer=answer, on=on
            )
            if publish:
                dialogue_services.publish_request(actor=u["phanrang.lanhdao"], request=request)
        dialogue_services.publish_dialogue(actor=u["phanrang.lanhdao"], dialogue=incident)

    # ------------------------------------------------------------------ disclosure

    def _disclosure_built(self) -> bool:
        return DisclosureItem.objects.filter(unit=self.nha_trang, title=LAND_PLAN_TITLE).exists()

    def _build_disclosure(self) -> None:
        u = self.users
        items = [
            (
                self.nha_trang,
                u["nhatrang.canbo"],
                LAND_PLAN_TITLE,
                DisclosureCategory.LAND,
                DisclosureChannel.POSTING,
                self.ago(64),
                self.ago(35),  # 30 days: as the law asks
                "Trụ sở UBND phường và nhà văn hóa các tổ dân phố",
            ),
            (
                self.nha_trang,
                u["nhatrang.canbo"],
                "Dự toán ngân sách phường năm sau và kết quả thu, chi 9 tháng",
                DisclosureCategory.BUDGET,
                DisclosureChannel.RADIO,
                self.ago(12),
                self.ago(10),  # 3 consecutive days
                "Đài truyền thanh phường, bản tin 6 giờ và 17 giờ",
            ),
            (
                self.nha_trang,
                u["nhatrang.canbo"],
                "Dự thảo quy ước tổ dân phố Vĩnh Phước 1 (sửa đổi)",
                DisclosureCategory.VILLAGE_CONVENTION,
                DisclosureChannel.POSTING,
                self.ago(48),
                self.ago(29),  # 20 days: shorter than the 30 the law asks
                "Nhà văn hóa tổ dân phố Vĩnh Phước 1",
            ),
            (
                self.nha_trang,
                u["nhatrang.canbo"],
                "Danh sách hộ nghèo, hộ cận nghèo được rà soát, đề nghị công nhận",
                DisclosureCategory.SOCIAL_POLICY,
                DisclosureChannel.POSTING,
                self.ago(6),
                None,  # still posted
                "Trụ sở UBND phường và nhà văn hóa các tổ dân phố",
            ),
            (
                self.phan_rang,
                u["phanrang.canbo"],
                "Phương án bồi thường, hỗ trợ dự án đường ven biển đoạn qua phường Phan Rang",
                DisclosureCategory.LAND,
                DisclosureChannel.WEBSITE,
                self.ago(40),
                None,
                "Trang thông tin điện tử phường Phan Rang",
            ),
        ]
        for unit, actor, title, category, channel, posted_from, posted_to, location in items:
            dialogue_services.save_disclosure(
                actor=actor,
                unit=unit,
                data={
                    "title": title,
                    "category": category,
                    "channel": channel,
                    "posted_from": posted_from,
                    "posted_to": posted_to,
                    "location": location,
                },
            )

    # ------------------------------------------------------------------ summary

    def _summary(self, built: list[str]) -> None:
        if built:
            self.stdout.write(self.style.SUCCESS(f"Citizens demo built ({', '.join(built)})."))
        else:
            self.stdout.write(self.style.SUCCESS("Citizens demo already there: no change."))
        province_letters = Letter.objects.filter(unit__path__startswith=self.province.path)
        by_status = {
            label: province_letters.filter(status=value).count()
            for value, label in LetterStatus.choices
        }
        self.stdout.write(
            "  Letters: " + ", ".join(f"{label}: {n}" for label, n in by_status.items() if n)
        )
        open_letters = province_letters.open()
        overdue = open_letters.overdue(self.today).count()
        soon = open_letters.due_soon(self.today, 5).count()
        self.stdout.write(
            f"  Open: {open_letters.count()} — overdue {overdue}, due in 5 days {soon}"
        )
        receptions = Reception.objects.filter(unit__path__startswith=self.province.path).count()
        self.stdout.write(f"  Reception register entries: {receptions}")
        requests = DialogueRequest.objects.filter(
            dialogue__unit__path__startswith=self.province.path
        )
        self.stdout.write(
            f"  Dialogue requests: {requests.count()} — answered "
            f"{requests.filter(status=RequestStatus.ANSWERED).count()}, published "
            f"{requests.filter(is_published=True).count()}, overdue "
            f"{requests.overdue(self.today).count()}"
        )
        violations = DisclosureItem.objects.filter(
            unit__path__startswith=self.province.path
        ).violations()
        self.stdout.write(f"  Disclosure items shorter than the minimum: {violations.count()}")

        sealed = Letter.objects.filter(received_unit=self.nha_trang, title=SEALED_TITLE).first()
        public = (
            Letter.objects.filter(
                unit=self.nha_trang, channel=Channel.PORTAL, status=LetterStatus.RESOLVED
            )
            .order_by("pk")
            .first()
        )
        requirement = ListeningRequirement.objects.filter(
            unit=self.province, title=REQUIREMENT_TITLE
        ).first()
        hints: list[tuple[str, str]] = [
            (
                "(anyone)",
                f"{reverse('public:track')} — follow a letter by its code"
                + (f" (try {public.code}: resolved, with its answer)" if public else "")
                + f"; {reverse('public:submit')} to send one; "
                f"{reverse('public:dialogue_list')} for published answers",
            ),
            (
                "nhatrang.canbo",
                f"{reverse('petitions:letter_list')} — the ward's letters with their clocks; "
                "the sealed denunciation"
                + (f" {sealed.get_absolute_url()}" if sealed else "")
                + " (you are its handler: reading the identity is logged); accept the letter "
                "transferred from Phan Rang; answer the pending requests of October's "
                "listening conference",
            ),
            (
                "nhatrang.lanhdao",
                "head of the ward: may read sealed identities of the ward's letters, resolves "
                f"letters; reception compliance {reverse('petitions:reception_compliance')} "
                "(two Thursdays missed)",
            ),
            (
                "tinh.lanhdao",
                f"{reverse('petitions:overdue_list')} — overdue letters escalated from the "
                f"wards; backlog {reverse('petitions:backlog')}; sees the denunciation but "
                "never its author",
            ),
            (
                INSPECTOR,
                f"{reverse('petitions:identity_log')} — who read a sealed identity, when, why "
                "(new user, role inspector)",
            ),
            (
                "tinh.canbo",
                "the listening requirement for October"
                + (f" {requirement.get_absolute_url()}" if requirement else "")
                + " (Phan Rang has not met it); the 2nd-round complaint due in a few days",
            ),
            (
                "phanrang.canbo",
                f"{reverse('dialogues:dialogue_list')} — the dialogue at the waste-treatment "
                "site, a request followed up as a letter",
            ),
            (
                "nhatrang.canbo",
                f"{reverse('dialogues:disclosure_list')} — the village-convention draft posted "
                "20 days is flagged (30 required)",
            ),
            (
                "admin",
                f"{reverse('petitions:rule_list')} — the legal clocks as data; "
                f"{reverse('calendar:year')} — holidays and swapped working days",
            ),
        ]
        self.stdout.write(f"Tour (password for all: {DEMO_PASSWORD}):")
        for login, text in hints:
            self.stdout.write(f"  {login:<18} {text}")
