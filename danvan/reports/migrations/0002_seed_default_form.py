"""The usual yearly government mass-mobilisation report (DOMAIN.md §3), version 1.

Idempotent; run again by tests that empty the database.
"""

from django.db import migrations

FORM_CODE = "dan-van-chinh-quyen"
OUTLINE = [
    (
        "leadership",
        "I. Công tác lãnh đạo, chỉ đạo",
        "Việc ban hành văn bản, kế hoạch; quán triệt, triển khai các chỉ thị, nghị quyết.",
    ),
    (
        "results",
        "II. Kết quả thực hiện các nhiệm vụ",
        "Theo chín nhóm nhiệm vụ của Chỉ thị 33/CT-TTg; kết quả phong trào thi đua “Dân vận khéo”.",
    ),
    ("shortcomings", "III. Hạn chế, khuyết điểm và nguyên nhân", ""),
    ("direction", "IV. Phương hướng, nhiệm vụ thời gian tới", ""),
    ("recommendations", "V. Đề xuất, kiến nghị", ""),
]
FIELDS = [
    "officials_studied",
    "danvan_staff_trained",
    "trainings_held",
    "activities_held",
    "activity_participants",
    "party_cells_themed_meeting",
    "initiatives_registered",
    "initiatives_recognised",
    "initiatives_replicated",
    "tasks_done_on_time",
    "tasks_overdue",
    "letters_received",
    "letters_resolved",
    "letters_resolved_on_time",
    "reception_sessions",
    "citizens_received",
    "dialogues_held",
    "dialogue_requests_answered",
    "local_dialogue_held",
    "projects_disclosed",
    "residents_informed_projects",
    "poor_households",
    "health_insurance",
    "clean_water",
    "people_contributions",
    "satisfaction_respondents",
    "citizen_satisfaction",
    "par_index",
    "papi",
    "sipas",
]


def seed(apps, schema_editor):
    from danvan.core.text import fold

    ReportForm = apps.get_model("reports", "ReportForm")
    FormVersion = apps.get_model("reports", "FormVersion")
    FormField = apps.get_model("reports", "FormField")
    Indicator = apps.get_model("kpis", "Indicator")
    name = "Báo cáo kết quả công tác dân vận chính quyền"
    form, _created = ReportForm.objects.get_or_create(
        code=FORM_CODE,
        defaults={
            "name": name,
            "description": "Báo cáo định kỳ (6 tháng, năm) lồng ghép kết quả thực hiện "
            "Chỉ thị 33/CT-TTg và phong trào thi đua “Dân vận khéo”.",
            "doc_symbol": "BC",
            "search_text": fold(f"{FORM_CODE} {name}"),
        },
    )
    if FormVersion.objects.filter(form=form).exists():
        return
    version = FormVersion.objects.create(
        form=form,
        number=1,
        sections=[{"key": k, "title": t, "guidance": g} for k, t, g in OUTLINE],
        unit_kinds=["province", "district", "commune", "department"],
        note="Mẫu ban đầu",
    )
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=FIELDS)}
    FormField.objects.bulk_create(
        FormField(version=version, indicator=indicators[code], order=position)
        for position, code in enumerate(FIELDS, start=1)
        if code in indicators
    )


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial"), ("kpis", "0002_seed_indicators")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
