from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from danvan.orgs.models import Membership, Unit, UnitSuccession, User


@admin.register(Unit)
class UnitAdmin(TreeAdmin, SimpleHistoryAdmin):
    form = movenodeform_factory(Unit, exclude=["search_text"])
    list_display = ["name", "kind", "code", "valid_from", "valid_to", "is_remote_area"]
    list_filter = ["kind", "is_remote_area"]
    search_fields = ["search_text", "code"]
    list_per_page = 50


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(SimpleHistoryAdmin):
    list_display = ["predecessor", "successor", "date"]
    raw_id_fields = ["predecessor", "successor"]
    search_fields = ["predecessor__search_text", "successor__search_text"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["unit"]


@admin.register(User)
class UserAdmin(BaseUserAdmin, SimpleHistoryAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "full_name", "email", "is_active", "is_superuser"]
    search_fields = ["username", "full_name", "email"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("danvan", {"fields": ("full_name", "job_title", "phone")}),
    )


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "unit", "role", "is_active"]
    list_filter = ["role", "is_active"]
    raw_id_fields = ["user", "unit"]
