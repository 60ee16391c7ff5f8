"""State kept beside the achievement (never on it): the 先用后转 list and what the unit was told
(measure 4; the rule is the pure engine `zhuanhua.engines.transfer_deadline`), and rights grants
(赋权, measure 1; the rule is `zhuanhua.transfer.rights`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from zhuanhua.transfer.choices import (
    LeaveReason,
    ReminderKind,
    RightsGrantKind,
    ShareHolderKind,
)


class UseFirstListEntry(models.Model):
    """An achievement on (or once on) the 先用后转 list (use_first_list).

    `joined_on` is the rule's date (joins_list_on), even when the daily job ran later;
    `left_on` is set when the achievement is transferred (transferred_on when the unit gave it);
    `terms_completed_on` is set by the licensing app once use-first-pay-later terms exist.
    """

    achievement = models.OneToOneField(
        "achievements.Achievement", on_delete=models.CASCADE, related_name="use_first_entry",
        verbose_name="科技成果",
    )
    joined_on = models.DateField("进入清单日期")
    left_on = models.DateField("移出清单日期", null=True, blank=True)
    left_reason = models.CharField(
        "移出原因", max_length=32, choices=LeaveReason.choices, blank=True, default="",
    )
    notified_at = models.DateTimeField("通知单位时间", null=True, blank=True)
    terms_completed_on = models.DateField("先使用后付费条款完善日期", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "先用后转清单条目"
        verbose_name_plural = "先用后转清单"
        ordering = ["-joined_on", "-id"]
        indexes = [models.Index(fields=["left_on", "-joined_on"])]

    def __str__(self) -> str:
        return f"{self.achievement_id} @ {self.joined_on}"

    @property
    def is_current(self) -> bool:
        return self.left_on is None

    @property
    def needs_terms(self) -> bool:
        return self.left_on is None and self.terms_completed_on is None


class TransferReminder(models.Model):
    """One notice to the unit (e-mail + the in-app record on /transfer/mine/); once per kind."""

    achievement = models.ForeignKey(
        "achievements.Achievement", on_delete=models.CASCADE, related_name="transfer_reminders",
        verbose_name="科技成果",
    )
    kind = models.CharField("提醒类型", max_length=8, choices=ReminderKind.choices)
    sent_on = models.DateField("发送日期")
    joins_on = models.DateField("进入清单日期")
    recipients = models.JSONField("收件人", default=list, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "限时转化提醒"
        verbose_name_plural = "限时转化提醒"
        ordering = ["-sent_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["achievement", "kind"], name="transfer_reminder_once"),
        ]

    def __str__(self) -> str:
        return f"{self.achievement_id} {self.kind} {self.sent_on}"


class RightsGrant(models.Model):
    """赋权 (measure 1): the unit gives the completers co-ownership, its share, or a long-term use
    right of at least 10 years. Checked by `zhuanhua.transfer.rights.check`; one per achievement."""

    achievement = models.ForeignKey(
        "achievements.Achievement", on_delete=models.PROTECT, related_name="rights_grants",
        verbose_name="科技成果",
    )
    kind = models.CharField("赋权方式", max_length=20, choices=RightsGrantKind.choices)
    use_years = models.PositiveSmallIntegerField("长期使用权期限（年）", null=True, blank=True)
    granted_on = models.DateField("赋权日期")
    note = models.CharField("备注", max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "职务科技成果赋权"
        verbose_name_plural = "职务科技成果赋权"
        ordering = ["-granted_on", "-id"]

    def __str__(self) -> str:
        return f"{self.achievement_id} {self.kind}"


class RightsGrantShare(models.Model):
    """One holder's percentage in a grant (the unit's own share only under co-ownership)."""

    grant = models.ForeignKey(RightsGrant, on_delete=models.CASCADE, related_name="shares")
    holder_kind = models.CharField("持有人类型", max_length=16, choices=ShareHolderKind.choices)
    holder_name = models.CharField("持有人", max_length=200)
    share = models.DecimalField("份额（%）", max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = "赋权份额"
        verbose_name_plural = "赋权份额"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.holder_name} {self.share}%"
