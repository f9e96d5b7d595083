"""The activity types of DOMAIN.md §6 and the seeds; provinces add their own on /plans/activities/types/."""

from django.db import migrations

# code, Vietnamese name, English name, has partner units, runs over a period
TYPES = [
    ("themed-meeting", "Sinh hoạt chuyên đề chi bộ", "Themed party-cell meeting", False, False),
    ("training", "Tập huấn, bồi dưỡng", "Training", False, False),
    ("outreach-article", "Tin, bài tuyên truyền", "Outreach article", False, False),
    ("broadcast", "Phát thanh, truyền hình", "Broadcast", False, False),
    ("social-post", "Tuyên truyền trên mạng xã hội", "Social media post", False, False),
    ("anniversary", "Kỷ niệm Ngày truyền thống công tác dân vận (15/10)", "15/10 anniversary event", False, False),
    ("dan-van-month", "Hoạt động “Tháng Dân vận”", "“Tháng Dân vận” session", False, False),
    ("listening-conference", "Hội nghị lắng nghe ý kiến Nhân dân", "Listening conference", False, False),
    ("coordination-programme", "Ký kết chương trình phối hợp công tác dân vận", "Coordination programme signed", True, True),
    ("twinning", "Kết nghĩa giữa các cơ quan, đơn vị, địa phương", "Twinning between units", True, False),
    ("dialogue", "Tiếp xúc, đối thoại với Nhân dân", "Meeting and dialogue with citizens", False, False),
    ("other", "Hoạt động khác", "Other activity", False, False),
]


def seed(apps, schema_editor):
    ActivityType = apps.get_model("plans", "ActivityType")
    for position, (code, name, name_en, partners, period) in enumerate(TYPES, start=1):
        ActivityType.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "has_partners": partners,
                "has_period": period,
                "position": position,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
