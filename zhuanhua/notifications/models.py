from __future__ import annotations

from django.conf import settings
from django.db import models

from zhuanhua.notifications.choices import NotificationKind


class Notification(models.Model):
    """One message to one person in the notification centre; e-mailed too unless they opted out."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField("类别", max_length=32, choices=NotificationKind.choices)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    emailed_at = models.DateTimeField("邮件发送时间", null=True, blank=True)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.title


class NotificationSettings(models.Model):
    """A person's choice of what to receive: kinds muted entirely, kinds not e-mailed, and
    whether unread messages are summarised in a weekly e-mail digest."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    muted_kinds = models.JSONField("不接收的类别", default=list, blank=True)
    no_email_kinds = models.JSONField("不发邮件的类别", default=list, blank=True)
    weekly_digest = models.BooleanField("每周邮件摘要", default=True)

    class Meta:
        verbose_name = "通知设置"
        verbose_name_plural = "通知设置"

    def __str__(self) -> str:
        return f"{self.user} 的通知设置"


class DigestSent(models.Model):
    """Marks the weekly digest sent to a person for a week, so a rerun sends nothing twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    week_of = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "week_of"], name="digest_once_per_week")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.week_of}"
