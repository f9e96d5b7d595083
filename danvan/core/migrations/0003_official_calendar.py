"""The government's holiday schedules for civil servants, 2025 and 2026, each with its source.

``danvan.core.workdays`` computes the statutory holidays (Labour Code 2019, Art. 112) with a
compensatory day off for a holiday on a weekend (Art. 111(3)). These rows record what the
government decided where it differs from that default (which days of Tết, swapped Saturdays,
the extra day off in a swap) and confirm the computed days that a notice fixed.

2027 is not seeded: no notice for Tết Đinh Mùi (06/02/2027) or the other 2027 holidays was
found, so 2027 follows the computed default until an administrator enters the notice on
/calendar/. Nor is 24/11 (Vietnamese Culture Day): Politburo Resolution 80-NQ/TW (01/2026)
chose it as a paid day off and Government Resolution 30/NQ-CP (02/2026) asks for the Labour
Code (Art. 112(1)) to be amended, but no enacted text giving the day off was found.

Idempotent: a date that already has a row is left as it is (an administrator may have edited
it). Reversing removes only the rows still exactly as seeded here.
"""

import datetime as dt

from django.db import migrations

HOLIDAY, DAY_OFF, WORKING = "holiday", "day_off", "working"

VPCP_2025 = "Công văn 8726/VPCP-KGVX ngày 26/11/2024 của Văn phòng Chính phủ"
MOLISA_2025 = f"Thông báo 6150/TB-LĐTBXH của Bộ Lao động - Thương binh và Xã hội (theo {VPCP_2025})"
VPCP_NEW_YEAR_2026 = "Công văn 12729/VPCP-KGVX ngày 25/12/2025 của Văn phòng Chính phủ"
MOHA_2026 = "Thông báo 9441/TB-BNV ngày 16/10/2025 của Bộ Nội vụ"
LABOUR_CODE_COMPENSATION = (
    "Bộ luật Lao động 2019, Điều 111 khoản 3 (nghỉ bù ngày lễ trùng ngày nghỉ hằng tuần)"
)

# date, kind, name, source
DAYS = [
    # 2025 — Tết Ất Tỵ (mùng 1 = 29/01/2025): five weekdays 27–31/01, no compensatory day for
    # the Saturday 01/02 (the computed default would give Monday 03/02); off 25/01–02/02.
    (dt.date(2025, 1, 27), HOLIDAY, "Tết Nguyên đán Ất Tỵ (28 tháng Chạp)", MOLISA_2025),
    (dt.date(2025, 1, 28), HOLIDAY, "Tết Nguyên đán Ất Tỵ (29 tháng Chạp)", MOLISA_2025),
    (dt.date(2025, 1, 29), HOLIDAY, "Tết Nguyên đán Ất Tỵ (mùng 1 tháng Giêng)", MOLISA_2025),
    (dt.date(2025, 1, 30), HOLIDAY, "Tết Nguyên đán Ất Tỵ (mùng 2 tháng Giêng)", MOLISA_2025),
    (dt.date(2025, 1, 31), HOLIDAY, "Tết Nguyên đán Ất Tỵ (mùng 3 tháng Giêng)", MOLISA_2025),
    (
        dt.date(2025, 2, 3),
        WORKING,
        "Ngày làm việc: không nghỉ bù, năm ngày Tết là 27-31/01/2025",
        MOLISA_2025,
    ),
    # 2025 — 30/4 and 1/5: Friday 02/05 off, made up on Saturday 26/04; off 30/4–4/5.
    (dt.date(2025, 4, 26), WORKING, "Làm bù cho thứ Sáu 02/5/2025", VPCP_2025),
    (dt.date(2025, 4, 30), HOLIDAY, "Ngày Chiến thắng 30/4", VPCP_2025),
    (dt.date(2025, 5, 1), HOLIDAY, "Ngày Quốc tế Lao động 1/5", VPCP_2025),
    (dt.date(2025, 5, 2), DAY_OFF, "Nghỉ hoán đổi (làm bù thứ Bảy 26/4/2025)", VPCP_2025),
    # 2025 — National Day: Monday 01/09 is the adjacent day; off 30/8–2/9.
    (dt.date(2025, 9, 1), HOLIDAY, "Quốc khánh (ngày liền kề)", MOLISA_2025),
    (dt.date(2025, 9, 2), HOLIDAY, "Quốc khánh 2/9", MOLISA_2025),
    # 2026 — New Year: Friday 02/01 off, made up on Saturday 10/01; off 1–4/01.
    (dt.date(2026, 1, 1), HOLIDAY, "Tết Dương lịch", VPCP_NEW_YEAR_2026),
    (dt.date(2026, 1, 2), DAY_OFF, "Nghỉ hoán đổi (làm bù thứ Bảy 10/01/2026)", VPCP_NEW_YEAR_2026),
    (dt.date(2026, 1, 10), WORKING, "Làm bù cho thứ Sáu 02/01/2026", VPCP_NEW_YEAR_2026),
    # 2026 — Tết Bính Ngọ (mùng 1 = 17/02/2026): 16–20/02, off 14–22/02; no swap.
    (dt.date(2026, 2, 16), HOLIDAY, "Tết Nguyên đán Bính Ngọ (29 tháng Chạp)", MOHA_2026),
    (dt.date(2026, 2, 17), HOLIDAY, "Tết Nguyên đán Bính Ngọ (mùng 1 tháng Giêng)", MOHA_2026),
    (dt.date(2026, 2, 18), HOLIDAY, "Tết Nguyên đán Bính Ngọ (mùng 2 tháng Giêng)", MOHA_2026),
    (dt.date(2026, 2, 19), HOLIDAY, "Tết Nguyên đán Bính Ngọ (mùng 3 tháng Giêng)", MOHA_2026),
    (dt.date(2026, 2, 20), HOLIDAY, "Tết Nguyên đán Bính Ngọ (mùng 4 tháng Giêng)", MOHA_2026),
    # 2026 — Hùng Kings (10/3 lunar) on Sunday 26/04: Monday 27/04 off by the Labour Code.
    (
        dt.date(2026, 4, 27),
        HOLIDAY,
        "Nghỉ bù Giỗ Tổ Hùng Vương (10/3 âm lịch là Chủ nhật 26/4/2026)",
        LABOUR_CODE_COMPENSATION,
    ),
    # 2026 — National Day: 01/09 adjacent; Monday 31/08 off, made up on Saturday 22/08.
    (dt.date(2026, 8, 22), WORKING, "Làm bù cho thứ Hai 31/8/2026", MOHA_2026),
    (dt.date(2026, 8, 31), DAY_OFF, "Nghỉ hoán đổi (làm bù thứ Bảy 22/8/2026)", MOHA_2026),
    (dt.date(2026, 9, 1), HOLIDAY, "Quốc khánh (ngày liền kề)", MOHA_2026),
    (dt.date(2026, 9, 2), HOLIDAY, "Quốc khánh 2/9", MOHA_2026),
]


def seed(apps, schema_editor):
    CalendarDay = apps.get_model("core", "CalendarDay")
    for date, kind, name, source in DAYS:
        CalendarDay.objects.get_or_create(
            date=date, defaults={"kind": kind, "name": name, "source": source}
        )


def unseed(apps, schema_editor):
    CalendarDay = apps.get_model("core", "CalendarDay")
    for date, kind, name, source in DAYS:
        CalendarDay.objects.filter(date=date, kind=kind, name=name, source=source).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0002_calendar_day")]
    operations = [migrations.RunPython(seed, unseed)]
