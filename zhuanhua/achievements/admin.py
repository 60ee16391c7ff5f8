from django.contrib import admin

from zhuanhua.achievements.models import Achievement, Attachment, Completer


class CompleterInline(admin.TabularInline):
    model = Completer
    extra = 0


@admin.register(Achievement)
class AchievementAdmin(admin.ModelAdmin):
    list_display = ("title", "owner", "ip_type", "status", "transfer_status", "published_at")
    list_filter = ("status", "ip_type", "transfer_status", "prefecture", "industry_field")
    search_fields = ("title", "ip_number", "owner__name")
    inlines = [CompleterInline]
    raw_id_fields = ("owner", "created_by")


admin.site.register(Attachment)
