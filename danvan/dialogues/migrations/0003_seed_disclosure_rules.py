"""Minimum disclosure periods (DOMAIN.md §6) as data; edit them when the rules change."""

import datetime as dt

from django.db import migrations

LAW = "Luật Thực hiện dân chủ ở cơ sở 2022"
FROM = dt.date(2023, 7, 1)

# category ("" = any), channel ("" = any), minimum days, citation
RULES = [
    ("", "posting", 30, f"{LAW}, Điều 12 (niêm yết công khai ít nhất 30 ngày)"),
    ("", "radio", 3, f"{LAW}, Điều 12 (thông báo trên hệ thống truyền thanh ít nhất 03 ngày liên tiếp)"),
    ("village_convention", "", 30, f"{LAW}, Điều 11 (dự thảo hương ước, quy ước công khai ít nhất 30 ngày)"),
]


def seed(apps, schema_editor):
    DisclosureRule = apps.get_model("dialogues", "DisclosureRule")
    for category, channel, days, citation in RULES:
        DisclosureRule.objects.get_or_create(
            category=category,
            channel=channel,
            effective_from=FROM,
            defaults={"min_days": days, "consecutive": True, "citation": citation},
        )


class Migration(migrations.Migration):
    dependencies = [("dialogues", "0002_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
