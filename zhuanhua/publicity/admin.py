from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.contrib import admin

from zhuanhua.publicity.models import HolidayYear, Notice, NoticeAttachment, Objection

_SPLIT = re.compile(r"[\s,，;；、]+")


class DateListField(forms.Field):
    """A list of ISO dates typed one per line (commas also accepted)."""

    widget = forms.Textarea(attrs={"rows": 6})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return "\n".join(str(v) for v in value)
        return value

    def to_python(self, value: Any) -> list[str]:
        if isinstance(value, list):
            return [str(v) for v in value]
        days = []
        for item in _SPLIT.split(str(value or "").strip()):
            if not item:
                continue
            try:
                days.append(dt.date.fromisoformat(item).isoformat())
            except ValueError:
                raise forms.ValidationError(f"“{item}”不是 YYYY-MM-DD 格式的日期") from None
        return sorted(set(days))


class HolidayYearForm(forms.ModelForm):
    holidays = DateListField(
        label="法定休假日",
        required=False,
        help_text="每行一个日期（YYYY-MM-DD）：落在工作日的放假日；周末放假无需填写。",
    )
    workdays = DateListField(
        label="调休上班日",
        required=False,
        help_text="每行一个日期（YYYY-MM-DD）：调休上班的周六、周日。",
    )

    class Meta:
        model = HolidayYear
        fields = ["year", "holidays", "workdays", "source"]


@admin.register(HolidayYear)
class HolidayYearAdmin(admin.ModelAdmin):
    form = HolidayYearForm
    list_display = ("year", "source", "updated_at")


class ObjectionInline(admin.TabularInline):
    model = Objection
    extra = 0
    can_delete = False
    readonly_fields = (
        "objector",
        "objector_organisation",
        "content",
        "filed_on",
        "answer",
        "answered_by",
        "answered_at",
    )

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    """Read-mostly: notices change state only through the services, which audit."""

    list_display = ("title", "publisher", "kind", "status", "starts_on", "ends_on")
    list_filter = ("kind", "status")
    search_fields = ("title", "publisher__name")
    inlines = [ObjectionInline]

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: Any) -> bool:
        return False


admin.site.register(NoticeAttachment)
