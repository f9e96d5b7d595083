"""The legal clocks of DOMAIN.md §5 as data. Edit them on /citizens/rules/ when the law changes."""

import datetime as dt

from django.db import migrations

COMPLAINTS = "Luật Khiếu nại 2011"
DENUNCIATIONS = "Luật Tố cáo 2018"
RECEPTION = "Luật Tiếp công dân 2013"
CIRCULAR = "Thông tư 05/2021/TT-TTCP"
COMPLAINTS_FROM = dt.date(2012, 7, 1)
DENUNCIATIONS_FROM = dt.date(2019, 1, 1)
CIRCULAR_FROM = dt.date(2021, 11, 15)

# track, step, complexity, remote, days, day type, extensions, days each, from, citation
RULES = [
    ("complaint_1", "filing_window", "normal", False, 90, "calendar", 0, 0, COMPLAINTS_FROM, f"{COMPLAINTS}, Điều 9"),
    ("complaint_1", "acceptance", "normal", False, 10, "working", 0, 0, COMPLAINTS_FROM, f"{COMPLAINTS}, Điều 27"),
    ("complaint_1", "resolution", "normal", False, 30, "calendar", 0, 0, COMPLAINTS_FROM, f"{COMPLAINTS}, Điều 28"),
    ("complaint_1", "resolution", "complex", False, 45, "calendar", 0, 0, COMPLAINTS_FROM, f"{COMPLAINTS}, Điều 28"),
    ("complaint_1", "resolution", "normal", True, 45, "calendar", 0, 0, COMPLAINTS_FROM, f"{COMPLAINTS}, Điều 28 (vùng sâu, vùng xa)"),
    ("complaint_1", "resolution", "complex", True, 60, "calendar", 0, 0, COMPLAINTS_FROM, f"{COMPLAINTS}, Điều 28 (vùng sâu, vùng xa)"),
    ("complaint_2", "filing_window", "normal", False, 30, "calendar", 0, 0, COMPLAINTS_FROM, f"{COMPLAINTS}, Điều 33"),
    ("complaint_2", "filing_window", "normal", True, 45, "calendar", 0, 0, COMPLAINTS_FROM, f"{COMPLAINTS}, Điều 33 (vùng sâu, vùng xa)"),
    ("complaint_2", "acceptance", "normal", False, 10, "working", 0, 0, COMPLAINTS_FROM, f"{COMPLAINTS}, Điều 36"),
    ("complaint_2", "resolution", "normal", False, 45, "calendar", 0, 0, COMPLAINTS_FROM, f"{COMPLAINTS}, Điều 37"),
    ("complaint_2", "resolution", "complex", False, 60, "calendar", 0, 0, COMPLAINTS_FROM, f"{COMPLAINTS}, Điều 37"),
    ("complaint_2", "resolution", "normal", True, 60, "calendar", 0, 0, COMPLAINTS_FROM, f"{COMPLAINTS}, Điều 37 (vùng sâu, vùng xa)"),
    ("complaint_2", "resolution", "complex", True, 70, "calendar", 0, 0, COMPLAINTS_FROM, f"{COMPLAINTS}, Điều 37 (vùng sâu, vùng xa)"),
    ("denunciation", "acceptance", "normal", False, 7, "working", 1, 3, DENUNCIATIONS_FROM, f"{DENUNCIATIONS}, Điều 24 (gia hạn đến 10 ngày làm việc khi phải xác minh ở nhiều nơi)"),
    ("denunciation", "forwarding", "normal", False, 5, "working", 0, 0, DENUNCIATIONS_FROM, f"{DENUNCIATIONS}, Điều 24"),
    ("denunciation", "resolution", "normal", False, 30, "calendar", 0, 0, DENUNCIATIONS_FROM, f"{DENUNCIATIONS}, Điều 30"),
    ("denunciation", "resolution", "complex", False, 30, "calendar", 1, 30, DENUNCIATIONS_FROM, f"{DENUNCIATIONS}, Điều 30 (phức tạp: gia hạn một lần, không quá 30 ngày)"),
    ("denunciation", "resolution", "especially_complex", False, 30, "calendar", 2, 30, DENUNCIATIONS_FROM, f"{DENUNCIATIONS}, Điều 30 (đặc biệt phức tạp: gia hạn hai lần, mỗi lần không quá 30 ngày)"),
    ("petition", "acceptance", "normal", False, 10, "working", 0, 0, CIRCULAR_FROM, f"{CIRCULAR} (xử lý đơn kiến nghị, phản ánh)"),
    ("petition", "resolution", "normal", False, 30, "calendar", 0, 0, CIRCULAR_FROM, f"{RECEPTION}; thời hạn trả lời do địa phương quy định (mặc định 30 ngày, sửa được)"),
    ("feedback", "acceptance", "normal", False, 10, "working", 0, 0, CIRCULAR_FROM, f"{CIRCULAR} (xử lý đơn kiến nghị, phản ánh)"),
    ("feedback", "resolution", "normal", False, 30, "calendar", 0, 0, CIRCULAR_FROM, f"{RECEPTION}; thời hạn trả lời do địa phương quy định (mặc định 30 ngày, sửa được)"),
]


def seed(apps, schema_editor):
    DeadlineRule = apps.get_model("petitions", "DeadlineRule")
    for track, step, complexity, remote, days, day_type, ext, ext_days, start, citation in RULES:
        DeadlineRule.objects.get_or_create(
            track=track,
            step=step,
            complexity=complexity,
            remote_area=remote,
            effective_from=start,
            defaults={
                "days": days,
                "day_type": day_type,
                "extensions_allowed": ext,
                "extension_days": ext_days,
                "citation": citation,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("petitions", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
