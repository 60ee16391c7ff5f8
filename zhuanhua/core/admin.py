from django.contrib import admin

from zhuanhua.core.models import Announcement


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    list_display = ("title", "published_on", "is_public")
