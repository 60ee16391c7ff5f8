from django.contrib import admin

from zhuanhua.organisations.models import Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "org_type", "uscc", "prefecture", "status")
    list_filter = ("org_type", "prefecture", "status", "is_sme")
    search_fields = ("name", "uscc")
