from django.contrib import admin

from zhuanhua.transfer.models import (
    RightsGrant,
    RightsGrantShare,
    TransferReminder,
    UseFirstListEntry,
)


@admin.register(UseFirstListEntry)
class UseFirstListEntryAdmin(admin.ModelAdmin):
    list_display = ("achievement", "joined_on", "left_on", "left_reason", "terms_completed_on")
    list_filter = ("left_reason",)
    search_fields = ("achievement__title", "achievement__owner__name")
    raw_id_fields = ("achievement",)
    # The list is the daily job's; the admin reads it (changes go through the services, audited).
    readonly_fields = ("achievement", "joined_on", "left_on", "left_reason", "notified_at",
                       "terms_completed_on")


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
