"""Read-only admin: every change goes through the services, which audit."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from zhuanhua.exemption.models import CasePerson, ExemptionCase, UnitRules


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class PersonInline(admin.TabularInline):
    model = CasePerson
    extra = 0
    fields = ("name", "role", "user", "decision", "final_decision")
    readonly_fields = fields
    can_delete = False


@admin.register(ExemptionCase)
class ExemptionCaseAdmin(ReadOnly):
    list_display = ("title", "unit", "status", "loss_amount", "created_at")
    list_filter = ("status", "activity_kind")
    search_fields = ("title", "unit__name")
    inlines = [PersonInline]


@admin.register(UnitRules)
class UnitRulesAdmin(ReadOnly):
    list_display = ("title", "unit", "kind", "adopted_on", "notice")
    list_filter = ("kind",)
