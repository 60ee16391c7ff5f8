from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from zhuanhua.core.models import StoredFile
from zhuanhua.credit.choices import (
    AppealDecision,
    CreditEventKind,
    CreditEventStatus,
    ReferralStatus,
)


class CreditEvent(models.Model):
    """A credit event (失信记录, guide article 8): a department reviewer's finding that an
    organisation provided false material or defaulted maliciously, recorded only after the party
    has been heard. Never created by the system itself.

    While active (status active and today within effective_from … effective_to) it shows on the
    party's public profile and blocks subsidy applications (`selectors.credit_active_for`).
    """

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="credit_events",
        verbose_name="当事机构",
    )
    kind = models.CharField("失信行为", max_length=32, choices=CreditEventKind.choices)
    description = models.TextField("认定事实")
    subject_type = models.CharField("关联对象类型", max_length=64, blank=True)
    subject_id = models.CharField("关联对象编号", max_length=64, blank=True)
    # The hearing (陈述申辩): required before the event can be recorded.
    party_statement = models.TextField("当事人陈述申辩意见")
    hearing_on = models.DateField("听取陈述申辩日期")
    effective_from = models.DateField("生效日期")
    effective_to = models.DateField("到期日期")
    status = models.CharField(
        "状态", max_length=16, choices=CreditEventStatus.choices, default=CreditEventStatus.ACTIVE
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="记录人",
    )
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)
    closed_at = models.DateTimeField("到期/撤销时间", null=True, blank=True)

    class Meta:
        verbose_name = "失信记录"
        verbose_name_plural = "失信记录"
        ordering = ["-effective_from", "-id"]
        indexes = [
            models.Index(fields=["organisation", "status", "effective_from", "effective_to"])
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.get_kind_display()}"

    def is_active_on(self, day: dt.date) -> bool:
        return (
            self.status == CreditEventStatus.ACTIVE
            and self.effective_from <= day <= self.effective_to
        )

    def status_on(self, day: dt.date) -> str:
        """The status as of ``day``: an active record past its end date reads as expired even
        before the daily job has recorded it."""
        if self.status == CreditEventStatus.ACTIVE and day > self.effective_to:
            return CreditEventStatus.EXPIRED
        return self.status


def evidence_path(instance: CreditEvidence, filename: str) -> str:
    return f"credit/{instance.event_id}/{filename}"


class CreditEvidence(StoredFile):
    """A document supporting the finding (evidence, the hearing record)."""

    event = models.ForeignKey(CreditEvent, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField("文件", upload_to=evidence_path)

    class Meta:
        verbose_name = "证据材料"
        verbose_name_plural = "证据材料"
        ordering = ["id"]


class CreditAppeal(models.Model):
    """The party's appeal (申诉) and the department's decision, entered by a reviewer."""

    event = models.ForeignKey(CreditEvent, on_delete=models.CASCADE, related_name="appeals")
    filed_on = models.DateField("申诉日期")
    grounds = models.TextField("申诉理由")
    decision = models.CharField("复核决定", max_length=16, choices=AppealDecision.choices)
    reason = models.TextField("决定理由")
    decided_on = models.DateField("决定日期")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="决定人",
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "申诉"
        verbose_name_plural = "申诉"
        ordering = ["decided_at", "id"]

    def __str__(self) -> str:
        return f"申诉 #{self.pk}"


class CreditReferral(models.Model):
    """A case referred to the department for credit review (guide article 8), e.g. a unit's
    licence in default. It carries the referrer's evidence as it stood when referred; the
    department hears the party and records a credit event, or dismisses it with a reason.

    ``evidence`` is ``[{"heading": str, "items": [str]}]``: sections the referring app wrote in
    words (the cure notice, the payment plan, the messages), so this app needs none of its models.
    """

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="credit_referrals",
        verbose_name="被移送机构",
    )
    referrer = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="移送单位",
    )
    # The referring unit's supervising department when referred (issue 24): it sees the
    # referral in its queue; empty = the unit names none (the provincial department's alone).
    supervisor = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="移送单位的主管部门",
    )
    subject_type = models.CharField("关联对象类型", max_length=64)
    subject_id = models.CharField("关联对象编号", max_length=64)
    subject_label = models.CharField("关联对象", max_length=300)
    subject_url = models.CharField("关联对象链接", max_length=300, blank=True)
    reason = models.TextField("移送理由")
    evidence = models.JSONField("证据材料", default=list)
    status = models.CharField(
        "状态", max_length=16, choices=ReferralStatus.choices, default=ReferralStatus.OPEN
    )
    event = models.ForeignKey(
        CreditEvent,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name="失信记录",
    )
    decision_reason = models.TextField("审查意见", blank=True)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="移送人",
    )
    referred_on = models.DateField("移送日期")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="审查人",
    )
    decided_on = models.DateField("审查日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "诚信审查移送"
        verbose_name_plural = "诚信审查移送"
        ordering = ["-referred_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id"],
                condition=models.Q(status="open"),
                name="credit_one_open_referral_per_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"移送 {self.organisation} · {self.subject_label}"
