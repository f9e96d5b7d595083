"""The import parser on the five seed documents, as text and as Word files, and the unit
matcher (pure, and on a unit tree like the demo's Tây Ninh city)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from types import SimpleNamespace

import docx
import pytest
from django.utils import translation

from danvan.orgs.models import UnitKind
from danvan.orgs.tests.factories import make_child, make_root
from danvan.plans import importer, importing
from danvan.plans.importer import (
    find_deadline,
    lead_kinds,
    match_unit,
    parse_docx,
    parse_text,
    split_reference,
)


@pytest.fixture(autouse=True)
def _english():
    """The problems and notices are asserted in English (the interface default is vi)."""
    with translation.override("en"):
        yield


SEEDS = Path(__file__).resolve().parents[1] / "data" / "seeds"
D = dt.date


def seed_text(number: str) -> str:
    return next(SEEDS.glob(f"{number}_*.txt")).read_text(encoding="utf-8")


def seed(number: str) -> importer.Proposal:
    return parse_text(seed_text(number))


def documents(proposal):
    return [
        [(d.doc_type, d.number, d.issued_on, d.issuer) for d in line.documents]
        for line in proposal.basis
    ]


def leads(proposal):
    return [(t.number, t.lead_label, t.lead_kinds) for t in proposal.tasks]


# ------------------------------------------------------------------ the seeds


def test_seed_000_ninh_thuan_dan_van_kheo_plan():
    p = seed("000")
    assert (p.kind, p.number, p.symbol) == ("plan", "5584", "KH-UBND")
    assert p.issued_on == D(2022, 12, 23)
    assert p.place == "Ninh Thuận"
    assert p.issuer_lines == ["ỦY BAN NHÂN DÂN"]
    assert p.issuer_name == "Tỉnh Ninh Thuận"  # "Cơ quan ban hành"
    assert p.title == (
        "THỰC HIỆN PHONG TRÀO THI ĐUA “DÂN VẬN KHÉO” TRÊN ĐỊA BÀN TỈNH ĐẾN NĂM 2025 VÀ "
        "NHỮNG NĂM TIẾP THEO"
    )
    assert (p.signer_title, p.signer_name) == ("", "Nguyễn Long Biên")  # "Người ký"
    assert documents(p) == [
        [("directive", "33/CT-TTg", D(2021, 11, 26), "Thủ tướng Chính phủ")],
        [("directive", "35-CT/TU", D(2022, 11, 2), "Ban Thường vụ Tỉnh ủy")],
    ]
    assert p.basis[0].documents[0].title.startswith("tăng cường và đổi mới công tác dân vận")
    assert p.basis[1].text.startswith("Căn cứ Chỉ thị số 35-CT/TU")
    # Abridged at its source: the lists of I and II lost their headings.
    assert [(s.numeral, s.heading, s.kind) for s in p.sections] == [
        ("", "", "other"),
        ("", "", "other"),
        (
            "III",
            "CHỈ TIÊU, TIÊU CHÍ, CÁC BƯỚC XÂY DỰNG MÔ HÌNH, ĐIỂN HÌNH “DÂN VẬN KHÉO”",
            "targets",
        ),
    ]
    assert p.sections[0].body.startswith("1. Tiếp tục quán triệt")
    assert p.sections[0].body.count("\n\n") == 5  # items 1–6
    assert p.sections[1].body.startswith("1. Tổ chức quán triệt")
    assert p.tasks == []  # no "TỔ CHỨC THỰC HIỆN"
    assert (p.recipients, p.coverage) == ([], [])
    assert any("part 1" in m and "III" in m for m in p.problems)
    assert any("part 2" in m for m in p.problems)
    assert any("TỔ CHỨC THỰC HIỆN" in m for m in p.notices)
    assert p.is_usable


def test_seed_001_tay_ninh_city_plan_has_the_four_tasks_of_section_iii():
    p = seed("001")
    assert (p.kind, p.number, p.symbol) == ("plan", "", "KH-UBND")  # "Số: /KH-UBND"
    assert p.issued_on is None
    assert p.issued_month == "5/2023"  # "ngày tháng 5 năm 2023"
    assert any("5/2023 only" in m for m in p.notices)
    assert p.place == "TP Tây Ninh"
    assert p.title.startswith("Triển khai thực hiện Chỉ thị số 33/CT-TTg ngày 26/11/2021")
    assert p.title.endswith("trên địa bàn thành phố Tây Ninh")
    assert (p.signer_title, p.signer_name) == ("KT.CHỦ TỊCH\nPHÓ CHỦ TỊCH", "")
    assert documents(p) == [
        [
            ("plan", "1243/KH-UBND", D(2023, 4, 26), "UBND tỉnh Tây Ninh"),
            ("directive", "33/CT-TTg", D(2021, 11, 26), "Thủ tướng Chính phủ"),
        ]
    ]
    plan_1243, directive_33 = p.basis[0].documents
    assert plan_1243.title.startswith("triển khai Chỉ thị số 33/CT-TTg")
    assert directive_33.title == (
        "tiếp tục tăng cường và đổi mới công tác dân vận của cơ quan hành chính nhà nước, "
        "chính quyền các cấp trong tình hình mới"
    )
    assert p.basis[0].text.startswith("Thực hiện Kế hoạch số 1243/KH-UBND ngày 26/4 /2023")
    assert [(s.numeral, s.heading, s.kind) for s in p.sections] == [
        ("I", "MỤC ĐÍCH, YÊU CẦU", "purpose"),
        ("II", "NỘI DUNG THỰC HIỆN", "content"),
        ("III", "TỔ CHỨC THỰC HIỆN", "organisation"),
    ]
    # A paragraph cut by a page break is joined again.
    assert "Kế hoạch cải cách hành chính năm 2023" in p.sections[1].body
    assert "**" not in p.sections[2].body
    assert leads(p) == [
        (
            "1",
            "Các cơ quan, đơn vị; các đơn vị sự nghiệp công lập thuộc UBND Thành phố; "
            "UBND các phường, xã",
            ["department", "other", "commune"],
        ),
        ("2", "Phòng Nội vụ Thành phố", []),
        ("3", "Thanh tra Thành phố", []),
        ("4", "Trung tâm Văn hoá, thể thao và Truyền thanh Thành phố", []),
    ]
    first, second, third, fourth = p.tasks
    assert first.title == (
        "Căn cứ chức năng, nhiệm vụ chủ động xây dựng Kế hoạch tổ chức triển khai thực hiện "
        "các nội dung trong kế hoạch của UBND Thành phố, đảm bảo chất lượng, hiệu quả"
    )
    assert "chậm nhất ngày 01/11" in first.description
    assert (first.deadline.recurrence, first.deadline.day, first.deadline.month) == (
        "yearly",
        1,
        11,
    )
    assert second.title.startswith("Chủ trì, phối hợp với các cơ quan, đơn vị liên quan")
    assert second.coordinating_label == "các cơ quan, đơn vị liên quan"
    assert third.coordinating_label == "các cơ quan, đơn vị có liên quan"
    assert fourth.description.startswith("Chủ trì phối hợp")
    assert "Trên đây là" not in fourth.description  # the closing is not part of task 4
    assert [second.deadline, third.deadline, fourth.deadline] == [None, None, None]
    assert len(p.recipients) == 9
    assert p.recipients[0] == "- Sở Nội vụ;"
    assert p.recipients[-1] == "- Lưu: VT, PNV TP."
    assert p.coverage == []


def test_seed_002_news_article_on_plan_202_with_coverage_targets():
    p = seed("002")
    assert p.is_news
    assert (p.kind, p.number, p.symbol) == ("plan", "202", "KH/BDVTU")
    assert p.issued_on == D(2024, 9, 6)
    assert p.issuer_name == "Ban Dân vận Tỉnh ủy"
    assert p.title == "Triển khai các hoạt động “Tháng Dân vận” năm 2024"
    assert p.basis == []
    assert [(s.heading, s.kind) for s in p.sections] == [("NỘI DUNG", "content")]
    assert p.sections[0].body.startswith("Nhằm tiếp tục nâng cao nhận thức")
    assert "Xem chi tiết" not in p.sections[0].body  # the page's tail is left out
    assert leads(p) == [
        ("Một là", "Các cấp ủy, tổ chức Đảng", ["party"]),
        ("Hai là", "Các cơ quan Nhà nước", ["department"]),
        ("Ba là", "Các cấp ủy, tổ chức Đảng", ["party"]),
        ("Bốn là", "Mặt trận Tổ quốc và các tổ chức chính trị - xã hội", ["front", "mass_org"]),
        ("Năm là", "", []),
    ]
    assert [t.title[:40] for t in p.tasks] == [
        "Các cấp ủy, tổ chức Đảng tập trung tuyên",
        "Các cơ quan Nhà nước tổ chức tuyên truyề",
        "Các cấp ủy, tổ chức Đảng nâng cao hiệu q",
        "Mặt trận Tổ quốc và các tổ chức chính tr",
        "Chỉ đạo đẩy nhanh tiến độ thực hiện, hoà",
    ]
    assert p.tasks[0].deadline.due_on == D(2024, 10, 31)  # "trong tháng 10/2024"
    assert p.tasks[2].deadline.due_on == D(2024, 10, 31)
    assert [(c.unit_kind, c.activity_type, c.starts_on, c.ends_on) for c in p.coverage] == [
        ("party", "themed-meeting", D(2024, 10, 1), D(2024, 10, 31)),
        ("commune", "listening-conference", D(2024, 10, 1), D(2024, 10, 31)),
    ]
    assert p.coverage[0].title.startswith("100% chi bộ sinh hoạt chuyên đề")
    assert p.recipients == []
    assert (p.signer_title, p.signer_name) == ("", "")
    assert any("no lead unit" in m and "Năm là" in m for m in p.problems)


def test_seed_003_quang_nam_plan_basis_cites_two_documents():
    p = seed("003")
    assert (p.kind, p.number, p.symbol) == ("plan", "8041", "KH-UBND")
    assert p.issued_on == D(2023, 11, 21)
    assert p.place == "Quảng Nam"
    assert p.issuer_lines == ["ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NAM"]
    assert p.title.startswith("THỰC HIỆN ĐỀ ÁN NÂNG CAO HIỆU QUẢ CÔNG TÁC DÂN VẬN")
    assert p.signer_name == "Lê Trí Thanh"
    assert documents(p) == [
        [
            (
                "official_letter",
                "509-CV/BCSĐ",
                D(2023, 8, 31),
                "Ban cán sự đảng Ủy ban nhân dân tỉnh",  # "của … tại Công văn số …"
            ),
            ("project", "17-ĐA/TU", D(2023, 8, 25), "Ban Thường vụ Tỉnh ủy"),
        ]
    ]
    assert p.basis[0].documents[1].title.startswith("nâng cao hiệu quả công tác dân vận")
    # The sentence's last clause ("Ủy ban nhân dân tỉnh xây dựng kế hoạch …") is left out.
    assert p.basis[0].text.endswith("đến năm 2030);")
    assert [(s.numeral, s.heading, s.kind) for s in p.sections] == [
        ("I", "MỤC ĐÍCH, YÊU CẦU", "purpose"),
        ("II", "MỘT SỐ CHỈ TIÊU CỤ THỂ ĐẾN NĂM 2030", "targets"),
        ("III", "NHIỆM VỤ VÀ GIẢI PHÁP", "content"),
    ]
    assert p.tasks == []
    assert p.coverage == []  # its "100%" targets set no period
    assert any("cut short" in m for m in p.notices)


def test_seed_004_cam_thuy_party_letter_with_nine_items():
    p = seed("004")
    assert (p.kind, p.number, p.symbol) == ("official_letter", "451", "CV/HU")
    assert p.issued_on == D(2022, 2, 26)
    assert p.place == "Cẩm Thủy"
    assert p.issuer_lines == ["ĐẢNG BỘ TỈNH THANH HOÁ", "HUYỆN ỦY CẨM THỦY"]
    assert p.title == "lãnh đạo, chỉ đạo thực hiện “Năm dân vận chính quyền” 2022"  # V/v
    assert (p.signer_title, p.signer_name) == (
        "T/M BAN THƯỜNG VỤ\nPHÓ BÍ THƯ THƯỜNG TRỰC",
        "Cao Văn Vượng",
    )
    assert documents(p) == [
        [("official_letter", "547-CV/TU", D(2022, 2, 17), "Ban Thường vụ Tỉnh ủy Thanh Hóa")]
    ]
    assert p.basis[0].text == (
        "Thực hiện công văn số 547 \u2013 CV/TU ngày 17/02/2022 "
        "của Ban Thường vụ Tỉnh ủy Thanh Hóa;"
    )
    assert [(s.heading, s.kind) for s in p.sections] == [("NỘI DUNG", "content")]
    assert len(p.tasks) == 9
    assert [t.number for t in p.tasks] == [str(n) for n in range(1, 10)]
    assert [t.title[:30] for t in p.tasks] == [
        "Tăng cường lãnh đạo, chỉ đạo c",
        "Tiếp tục cụ thể hóa các chủ tr",
        "Tổ chức thực hiện có hiệu quả ",
        "Tiếp tục vận động cán bộ, công",
        "Tổ chức thực hiện tốt Luật tiế",
        "Xây dựng kế hoạch tập huấn, bồ",
        "Ban Tuyên giáo chỉ đạo Đài tru",
        "UBND huyện phối hợp với Ban Dâ",
        "Đảng ủy các xã, thị trấn tập t",
    ]
    assert p.tasks[1].title.endswith("sau đại dịch covid-19")  # cut at the first ";"
    assert "giải quyết dứt điểm" in p.tasks[4].description  # joined across the page break
    assert leads(p)[6:] == [
        ("7", "Ban Tuyên giáo", []),
        ("8", "UBND huyện", []),
        ("9", "Đảng ủy các xã, thị trấn", ["party"]),
    ]
    assert [t.lead_label for t in p.tasks[:6]] == [""] * 6
    assert p.tasks[7].coordinating_label == "Ban Dân vận Huyện ủy"
    assert p.addressees == [
        "- HĐND, UBND huyện;",
        "- Các Ban, ngành, Mặt trận Tổ quốc và các đoàn thể cấp huyện;",
        "- Các tổ chức cơ sở đảng trong huyện.",
    ]
    assert p.recipients == ["- Như kính gửi;", "- Lưu VP/HU."]
    assert p.recipients_text.splitlines() == [*p.addressees, "- Lưu VP/HU."]


@pytest.mark.parametrize("number", ["000", "001", "002", "003", "004"])
def test_every_seed_round_trips_through_the_session(number):
    p = seed(number)
    assert importer.Proposal.from_dict(p.to_dict()) == p


# ----------------------------------------------------------------- Word files


def docx_bytes(lines, tables=None) -> bytes:
    """A .docx with ``lines`` as paragraphs; ``tables`` maps a line index to rows
    [[left cell lines, right cell lines], …] of a two-column table that takes the place of
    the lines it holds, as in Word templates."""
    document = docx.Document()
    tables = tables or {}
    i = 0
    while i < len(lines):
        if i in tables:
            rows = tables[i]
            table = document.add_table(rows=len(rows), cols=2)
            for r, (left, right) in enumerate(rows):
                table.cell(r, 0).text = "\n".join(left)
                table.cell(r, 1).text = "\n".join(right)
            i += sum(len(left) + len(right) for left, right in rows)
            continue
        document.add_paragraph(lines[i])
        i += 1
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def text_lines(number: str) -> list[str]:
    return [line for line in seed_text(number).splitlines() if line.strip()]


@pytest.mark.parametrize("number", ["000", "001", "002", "003", "004"])
def test_a_word_file_gives_the_same_proposal_as_the_text(number):
    assert parse_docx(docx_bytes(text_lines(number))) == seed(number)


def test_a_word_header_in_a_two_column_table_gives_the_same_proposal():
    lines = text_lines("003")
    start = lines.index("ỦY BAN NHÂN DÂN")
    header = [
        [lines[start : start + 3], lines[start + 3 : start + 6]],  # issuer | national motto
        [[lines[start + 6]], [lines[start + 7]]],  # "Số: 8041/KH-UBND" | place and date
    ]
    assert header[1] == [["Số: 8041/KH-UBND"], ["Quảng Nam, ngày 21 tháng 11 năm 2023"]]
    data = docx_bytes(lines, {start: header})
    read = importer.lines_from_docx(data)
    assert read[start : start + 2] == ["ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NAM"]
    assert parse_docx(data) == seed("003")


def test_a_party_letter_with_header_and_signature_tables_reads_the_same():
    lines = text_lines("004")
    # Party layout: issuer, "*", number and "V/v" on the left; the party's name and the
    # place and date on the right.
    header = [
        [
            ["ĐẢNG BỘ TỈNH THANH HOÁ", "HUYỆN ỦY CẨM THỦY", "*", "Số 451-CV/HU", *lines[6:8]],
            ["ĐẢNG CỘNG SẢN VIỆT NAM", "Cẩm Thủy, ngày 26 tháng 02 năm 2022"],
        ]
    ]
    assert lines[:4] == ["ĐẢNG BỘ TỈNH THANH HOÁ", "HUYỆN ỦY CẨM THỦY", *header[0][1]]
    body = lines[8:]
    ordered = header[0][0] + header[0][1] + body
    sign_at = ordered.index("Nơi nhận:")
    signature = [[ordered[sign_at : sign_at + 3], ordered[sign_at + 3 :]]]
    data = docx_bytes(ordered, {0: header, sign_at: signature})
    from_word = parse_docx(data)
    expected = seed("004")
    assert from_word.to_dict() == expected.to_dict()


def test_a_damaged_word_file_is_unreadable():
    with pytest.raises(importer.UnreadableDocumentError):
        parse_docx(b"PK\x03\x04 not really a zip")


# ------------------------------------------------------------- small parts


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5584/KH-UBND", ("5584", "KH-UBND")),
        ("451-CV/HU", ("451", "CV/HU")),
        ("/KH-UBND", ("", "KH-UBND")),
        ("…/KH-UBND", ("", "KH-UBND")),
        ("547 \u2013 CV/TU", ("547", "CV/TU")),
        ("202-KH/BDVTU", ("202", "KH/BDVTU")),
    ],
)
def test_split_reference(text, expected):
    assert split_reference(text) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "Căn cứ Nghị quyết 25-NQ/TW ngày 03/6/2013 của Ban Chấp hành Trung ương Đảng về x;",
            ("resolution", "25-NQ/TW", D(2013, 6, 3), "Ban Chấp hành Trung ương Đảng"),
        ),
        (
            "Căn cứ Quyết định số 23- QĐ/TW, ngày 30/7/2021 của Bộ Chính trị về ban hành y;",
            ("decision", "23-QĐ/TW", D(2021, 7, 30), "Bộ Chính trị"),
        ),
        (
            "Căn cứ Chỉ thị số 05- CT/TW ngày 15/5//2016 của Bộ Chính trị “Về đẩy mạnh z”;",
            ("directive", "05-CT/TW", D(2016, 5, 15), "Bộ Chính trị"),
        ),
        (
            "Căn cứ Luật số 10/2022/QH15 ngày 10 tháng 11 năm 2022 của Quốc hội;",
            ("law", "10/2022/QH15", D(2022, 11, 10), "Quốc hội"),
        ),
    ],
)
def test_cited_documents(line, expected):
    (document,), _end = importer.cite_documents(line)
    assert (document.doc_type, document.number, document.issued_on, document.issuer) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("báo cáo chậm nhất ngày 01/11 hằng năm", ("yearly", None, 1, 11)),
        ("gửi trước ngày 15/10 để tổng hợp", ("yearly", None, 15, 10)),
        ("hoàn thành trước ngày 15/10/2024", ("once", D(2024, 10, 15), None, None)),
        ("tổ chức trong tháng 10/2024", ("once", D(2024, 10, 31), None, None)),
        ("tổ chức trong tháng 2 năm 2024", ("once", D(2024, 2, 29), None, None)),
        ("báo cáo hằng tháng, trước ngày 25", ("monthly", None, 25, None)),
        ("báo cáo hằng quý trước ngày 15 tháng cuối quý", ("quarterly", None, 15, 3)),
    ],
)
def test_find_deadline(text, expected):
    found = find_deadline(text)
    assert (found.recurrence, found.due_on, found.day, found.month) == expected


def test_dates_without_a_deadline_word_are_no_deadline():
    assert find_deadline("theo Kết luận số 116-KL/TU ngày 09/7/2021 của Ban Thường vụ") is None
    assert find_deadline("chậm nhất ngày 31/02") is None  # never falls


@pytest.mark.parametrize(
    ("label", "kinds"),
    [
        ("UBND các phường, xã", ["commune"]),
        ("Đảng ủy các xã, thị trấn", ["party"]),
        ("Các cơ quan, đơn vị", ["department"]),
        ("Phòng Nội vụ Thành phố", []),
        ("UBND huyện", []),
    ],
)
def test_lead_kinds_of_group_leads(label, kinds):
    assert lead_kinds(label) == kinds


def test_nothing_usable_in_a_text_without_number_sections_or_tasks():
    p = parse_text("Xin chào, đây là một đoạn văn bản bất kỳ.\nKhông có số hiệu.")
    assert not p.is_usable
    assert any("Nothing usable" in m for m in p.problems)
    assert any("Number and symbol" in m for m in p.problems)
    empty = parse_text("   \n ")
    assert not empty.is_usable
    assert empty.problems


# ------------------------------------------------------------------- matching


def unit(pk, name, kind="department", depth=3, short_name=""):
    return SimpleNamespace(pk=pk, name=name, short_name=short_name, kind=kind, depth=depth)


CITY = [
    unit(1, "Thành phố Tây Ninh", "district", 2),
    unit(2, "Phòng Nội vụ"),
    unit(3, "Phòng Tư pháp"),
    unit(4, "Thanh tra Thành phố"),
    unit(5, "Trung tâm Văn hoá, thể thao và Truyền thanh", "other"),
    unit(6, "Trung tâm Y tế", "other"),
    unit(7, "Sở Nội vụ", "department", 2),
    unit(8, "Phường 1", "commune"),
]


@pytest.mark.parametrize(
    ("label", "pk"),
    [
        ("Phòng Nội vụ Thành phố", 2),
        ("Thanh tra Thành phố", 4),
        ("Trung tâm Văn hoá, thể thao và Truyền thanh Thành phố", 5),
        ("TRUNG TÂM VĂN HÓA, THỂ THAO VÀ TRUYỀN THANH TP", 5),
        ("Sở Nội vụ tỉnh", 7),
        ("UBND Thành phố", 1),  # a bare reference: the city itself
    ],
)
def test_match_unit(label, pk):
    assert match_unit(label, CITY).unit.pk == pk


@pytest.mark.parametrize(
    "label",
    ["Phòng Giáo dục", "UBND các phường, xã", "Ban Quản lý dự án", "", "Công an tỉnh"],
)
def test_match_unit_refuses_a_poor_fit_and_groups(label):
    assert match_unit(label, CITY) is None


def test_match_unit_does_not_take_a_department_for_an_office_of_the_same_name():
    assert importer.score("Phòng Nội vụ", "Sở Nội vụ") < importer.MATCH_THRESHOLD
    assert importer.score("Phòng Nội vụ Thành phố", "Phòng Nội vụ") == 1.0


@pytest.fixture
def tay_ninh(db):
    """The demo's shape: a legacy province and city (closed 30/06/2025), offices under it."""
    closed = D(2025, 6, 30)
    province = make_root(
        name="Tỉnh Tây Ninh", short_name="Tây Ninh", valid_from=None, valid_to=closed
    )
    city = make_child(
        province,
        kind=UnitKind.DISTRICT,
        name="Thành phố Tây Ninh",
        short_name="Tây Ninh",
        valid_to=closed,
    )
    offices = {
        name: make_child(city, kind=kind, name=name, valid_to=closed)
        for name, kind in [
            ("Phòng Nội vụ", UnitKind.DEPARTMENT),
            ("Phòng Tư pháp", UnitKind.DEPARTMENT),
            ("Thanh tra Thành phố", UnitKind.DEPARTMENT),
            ("Trung tâm Văn hoá, thể thao và Truyền thanh", UnitKind.OTHER),
        ]
    }
    ward = make_child(city, name="Phường 1", valid_to=closed)
    return SimpleNamespace(province=province, city=city, offices=offices, ward=ward)


def test_candidates_of_a_legacy_unit_include_its_closed_offices(tay_ninh):
    found = importing.candidate_units(tay_ninh.city, None)
    assert {u.name for u in found} == {
        "Thành phố Tây Ninh",
        "Phòng Nội vụ",
        "Phòng Tư pháp",
        "Thanh tra Thành phố",
        "Trung tâm Văn hoá, thể thao và Truyền thanh",
        "Phường 1",
    }


def test_candidates_of_a_current_unit_are_those_in_force_on_the_plan_date(tay_ninh):
    province = make_root(name="Tỉnh Thử", valid_from=D(2025, 7, 1))
    make_child(province, name="Xã Cũ", valid_from=None, valid_to=D(2025, 6, 30))
    current = make_child(province, name="Xã Mới")
    names = {u.name for u in importing.candidate_units(province, D(2026, 1, 5))}
    assert names == {"Tỉnh Thử", current.name}


def test_seed_001_leads_match_the_city_offices(tay_ninh):
    p = seed("001")
    candidates = importing.candidate_units(tay_ninh.city, importing.plan_day(p))
    matched = [match_unit(t.lead_label, candidates) for t in p.tasks]
    assert matched[0] is None  # the group lead is left to lead_kinds
    assert [m.unit for m in matched[1:]] == [
        tay_ninh.offices["Phòng Nội vụ"],
        tay_ninh.offices["Thanh tra Thành phố"],
        tay_ninh.offices["Trung tâm Văn hoá, thể thao và Truyền thanh"],
    ]


def test_the_issuing_unit_is_suggested_from_the_header(tay_ninh):
    units = [tay_ninh.province, tay_ninh.city, *tay_ninh.offices.values(), tay_ninh.ward]
    assert importer.suggest_issuer(seed("001"), units).unit == tay_ninh.city  # "TP Tây Ninh"
    quang_nam = make_root(name="Tỉnh Quảng Nam", short_name="Quảng Nam")
    assert importer.suggest_issuer(seed("003"), [*units, quang_nam]).unit == quang_nam
    assert importer.suggest_issuer(seed("004"), units) is None
