from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from zhuanhua.accounts.http import AuthedHttpRequest
from zhuanhua.notifications.choices import NotificationKind
from zhuanhua.notifications.models import Notification, NotificationSettings
from zhuanhua.notifications.services import notification_mark_read, notification_settings_update


class SettingsForm(forms.Form):
    muted_kinds = forms.MultipleChoiceField(
        label="不接收以下类别",
        choices=NotificationKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    no_email_kinds = forms.MultipleChoiceField(
        label="以下类别只在站内提醒、不发邮件",
        choices=NotificationKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    weekly_digest = forms.BooleanField(label="每周一发送未读消息邮件摘要", required=False)


@login_required
def inbox(request: AuthedHttpRequest) -> HttpResponse:
    qs = Notification.objects.filter(user=request.user)
    if request.GET.get("unread"):
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page})


@login_required
@require_POST
def mark_read(request: AuthedHttpRequest) -> HttpResponse:
    ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()] or None
    count = notification_mark_read(user=request.user, ids=ids)
    messages.success(request, f"已将 {count} 条消息标为已读。")
    return redirect("notifications:inbox")


@login_required
def settings_view(request: AuthedHttpRequest) -> HttpResponse:
    current = NotificationSettings.objects.filter(user=request.user).first()
    initial = {
        "muted_kinds": current.muted_kinds if current else [],
        "no_email_kinds": current.no_email_kinds if current else [],
        "weekly_digest": current.weekly_digest if current else True,
    }
    form = SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        notification_settings_update(user=request.user, **form.cleaned_data)
        messages.success(request, "通知设置已保存。")
        return redirect("notifications:settings")
    return render(request, "notifications/settings.html", {"form": form})
