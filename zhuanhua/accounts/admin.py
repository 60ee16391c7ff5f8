from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from zhuanhua.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "display_name", "organisation", "roles", "is_active")
    list_filter = ("is_active", "is_superuser")
    search_fields = ("username", "display_name", "organisation__name")
    fieldsets = (
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]
        ("平台身份", {"fields": ("display_name", "phone", "organisation", "roles")}),
    )
