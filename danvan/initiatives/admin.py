from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from danvan.initiatives.models import (
    Award,
    AwardKind,
    Campaign,
    Council,
    CouncilMember,
    Criterion,
    Field,
    Initiative,
    Level,
)


class FieldInline(admin.TabularInline):
    model = Field
    extra = 0


class LevelInline(admin.TabularInline):
    model = Level
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(SimpleHistoryAdmin):
    list_display = ["name", "unit", "year", "status"]
    list_filter = ["status", "year"]
    search_fields = ["search_text"]
    raw_id_fields = ["unit", "copied_from", "created_by"]
    inlines = [FieldInline, LevelInline]


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


@admin.register(Level)
class LevelAdmin(admin.ModelAdmin):
    list_display = ["name", "campaign", "rank", "pass_mark", "min_months_running"]
    inlines = [CriterionInline]


@admin.register(Initiative)
class InitiativeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "unit", "campaign", "kind", "status", "is_published"]
    list_filter = ["status", "kind", "is_published"]
    search_fields = ["search_text"]
    raw_id_fields = ["unit", "lead_unit", "coordinating_units", "replicated_from", "created_by"]
    readonly_fields = ["status"]


class MemberInline(admin.TabularInline):
    model = CouncilMember
    extra = 0
    raw_id_fields = ["user", "home_unit"]


@admin.register(Council)
class CouncilAdmin(SimpleHistoryAdmin):
    list_display = ["name", "campaign", "level", "status"]
    raw_id_fields = ["unit", "decided_by"]
    inlines = [MemberInline]


@admin.register(AwardKind)
class AwardKindAdmin(admin.ModelAdmin):
    list_display = ["name", "order"]


@admin.register(Award)
class AwardAdmin(SimpleHistoryAdmin):
    list_display = ["kind", "initiative", "decision_number", "decision_date"]
    raw_id_fields = ["initiative", "recipient_unit", "recorded_by"]
