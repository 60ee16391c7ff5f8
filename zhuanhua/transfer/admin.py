from django.contrib import admin

from zhuanhua.transfer.models import (
    EquityContribution,
    EquityDecision,
    LedgerEntry,
    RightsGrant,
    RightsGrantApplication,
    RightsGrantShare,
    SeparateManagementPilot,
    TransferReminder,
    TransferReport,
    TransferReportLine,
    UseFirstListEntry,
)


@admin.register(UseFirstListEntry)
class UseFirstListEntryAdmin(admin.ModelAdmin):
    list_display = ("achievement", "joined_on", "left_on", "left_reason", "terms_completed_on")
    list_filter = ("left_reason",)
    search_fields = ("achievement__title", "achievement__owner__name")
    raw_id_fields = ("achievement",)
    # The list is the daily job's; the admin reads it (changes go through the services, audited).
    readonly_fields = (
        "achievement",
        "joined_on",
        "left_on",
        "left_reason",
        "notified_at",
        "terms_completed_on",
    )


@admin.register(TransferReminder)
class TransferReminderAdmin(admin.ModelAdmin):
    list_display = ("achievement", "kind", "sent_on", "joins_on")
    list_filter = ("kind",)
    raw_id_fields = ("achievement",)
    readonly_fields = ("achievement", "kind", "sent_on", "joins_on", "recipients")


class RightsGrantShareInline(admin.TabularInline):
    model = RightsGrantShare
    extra = 0
    readonly_fields = ("holder_kind", "holder_name", "share")


@admin.register(RightsGrant)
class RightsGrantAdmin(admin.ModelAdmin):
    list_display = ("achievement", "kind", "use_years", "granted_on")
    list_filter = ("kind",)
    raw_id_fields = ("achievement", "created_by")
    readonly_fields = ("achievement", "kind", "use_years", "granted_on", "note", "created_by")
    inlines = [RightsGrantShareInline]


class TransferReportLineInline(admin.TabularInline):
    model = TransferReportLine
    extra = 0
    can_delete = False
    readonly_fields = [f.name for f in TransferReportLine._meta.fields if f.name != "id"]


@admin.register(TransferReport)
class TransferReportAdmin(admin.ModelAdmin):
    list_display = ("organisation", "year", "period_kind", "status", "submitted_at")
    list_filter = ("status", "period_kind", "year")
    readonly_fields = (
        "organisation",
        "year",
        "period_kind",
        "period_start",
        "period_end",
        "status",
        "remarks",
        "generated_at",
        "submitted_at",
        "submitted_by",
        "created_by",
    )
    inlines = [TransferReportLineInline]


@admin.register(RightsGrantApplication)
class RightsGrantApplicationAdmin(admin.ModelAdmin):
    list_display = ("achievement", "applicant", "kind", "status", "created_at")
    list_filter = ("status", "kind")
    raw_id_fields = ("achievement", "applicant", "decided_by", "notice", "grant")


@admin.register(SeparateManagementPilot)
class SeparateManagementPilotAdmin(admin.ModelAdmin):
    list_display = ("organisation", "joined_on")
    readonly_fields = ("organisation", "joined_on", "note", "created_by")


@admin.register(LedgerEntry)
class LedgerEntryAdmin(admin.ModelAdmin):
    list_display = ("organisation", "achievement", "entered_on")
    raw_id_fields = ("organisation", "achievement", "created_by")


@admin.register(EquityContribution)
class EquityContributionAdmin(admin.ModelAdmin):
    list_display = ("entry", "company_name", "company_uscc", "shares", "value_amount")
    raw_id_fields = ("entry", "created_by")


@admin.register(EquityDecision)
class EquityDecisionAdmin(admin.ModelAdmin):
    list_display = ("contribution", "kind", "decided_on", "original_name")
    raw_id_fields = ("contribution", "created_by")
