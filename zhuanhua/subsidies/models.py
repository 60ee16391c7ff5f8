"""Subsidy (奖补) applications, their evidence, grants and settlement batches.

The engine (`zhuanhua.engines.subsidy`) decides the maximum; these rows record what an
organisation asked for, what the engine computed at submission, what a reviewer decided, and
the money committed and paid. Caps are consumed by `Grant` rows: every grant of an applicant
is a prior grant of its next evaluation.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from zhuanhua.subsidies.choices import (
    ApplicationStatus,
    BatchStatus,
    EvidenceKind,
    GrantStatus,
    StandardLevel,
)

MONEY = {"max_digits": 14, "decimal_places": 2}


class SubsidyApplication(models.Model):
    """One claim of an organisation under one measure of the catalogue."""

    applicant = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="subsidy_applications",
        verbose_name="申请单位",
    )
    measure = models.CharField("措施编号", max_length=16)
    catalogue_version = models.CharField("政策目录版本", max_length=32)
    applicant_type = models.CharField("申请主体类型", max_length=32)
    status = models.CharField(
        "状态", max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED
    )
    claim_on = models.DateField("申请日期")  # the engine's `date`: order and year of annual caps
    base_amount = models.DecimalField("计算基数（元）", null=True, blank=True, **MONEY)
    requested_amount = models.DecimalField("申请金额（元）", null=True, blank=True, **MONEY)
    counterparty = models.CharField("被投资企业", max_length=200, blank=True)
    subject = models.CharField("项目/成果/平台名称", max_length=200, blank=True)
    level = models.CharField("标准级别", max_length=16, choices=StandardLevel.choices, blank=True)
    registered = models.BooleanField("技术合同已认定登记", default=False)
    related_party = models.BooleanField("关联技术交易", default=False)
    paid_in_on = models.DateField("实缴投资到位日", null=True, blank=True)
    loss_confirmed = models.BooleanField("投资损失已确认", default=False)
    contract_ref = models.CharField("技术合同登记编号", max_length=100, blank=True)
    description = models.TextField("申请说明", blank=True)
    # What the engine computed when the applicant last submitted.
    engine_amount = models.DecimalField("测算最高补助（元）", **MONEY)
    engine_entitlement_amount = models.DecimalField("测算可补助额（元）", **MONEY)
    engine_binding = models.JSONField("约束条件", default=list, blank=True)
    engine_reasons = models.JSONField("理由代码", default=list, blank=True)
    engine_explanation = models.JSONField("测算说明", default=list, blank=True)
    case_by_case = models.BooleanField("一事一议", default=False)
    # The reviewer's decision.
    approved_amount = models.DecimalField("批准金额（元）", null=True, blank=True, **MONEY)
    decision_reason = models.TextField("审核意见", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name="审核人",
    )
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name="经办人",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)

    class Meta:
        verbose_name = "奖补申请"
        verbose_name_plural = "奖补申请"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "measure"]),
            models.Index(fields=["applicant", "status"]),
        ]

    def __str__(self) -> str:
        return f"奖补申请 #{self.pk}（{self.measure}）"


def evidence_path(instance: SubsidyEvidence, filename: str) -> str:
    return f"subsidies/{instance.application_id}/{filename}"


class SubsidyEvidence(models.Model):
    """A supporting file: bank slip, invoice, contract, certificate."""

    application = models.ForeignKey(
        SubsidyApplication, on_delete=models.CASCADE, related_name="evidence"
    )
    kind = models.CharField("材料类型", max_length=16, choices=EvidenceKind.choices,
                            default=EvidenceKind.OTHER)
    file = models.FileField("文件", upload_to=evidence_path)
    original_name = models.CharField("文件名", max_length=200)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "奖补证明材料"
        verbose_name_plural = "奖补证明材料"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class SettlementBatch(models.Model):
    """A batch settlement (结算批次): the approved grants of a period, sent for payment."""

    period_from_on = models.DateField("批准日期自")
    period_to_on = models.DateField("批准日期至")
    status = models.CharField(
        "状态", max_length=16, choices=BatchStatus.choices, default=BatchStatus.ISSUED
    )
    total_amount = models.DecimalField("合计金额（元）", **MONEY)
    grant_count = models.PositiveIntegerField("笔数")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    paid_at = models.DateTimeField("拨付完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "结算批次"
        verbose_name_plural = "结算批次"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"结算批次 #{self.pk}"


class Grant(models.Model):
    """Money committed to an applicant by an approval; counts in every cap of its measure."""

    application = models.OneToOneField(
        SubsidyApplication, on_delete=models.PROTECT, related_name="grant"
    )
    applicant = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="subsidy_grants",
        verbose_name="受补助单位",
    )
    measure = models.CharField("措施编号", max_length=16)
    counterparty = models.CharField("被投资企业", max_length=200, blank=True)
    subject = models.CharField("项目/成果/平台名称", max_length=200, blank=True)
    granted_on = models.DateField("计补日期")  # the claim's date: the year of annual caps
    approved_on = models.DateField("批准日期")  # settlement periods and budget years
    amount = models.DecimalField("补助金额（元）", **MONEY)
    status = models.CharField(
        "状态", max_length=16, choices=GrantStatus.choices, default=GrantStatus.COMMITTED
    )
    batch = models.ForeignKey(
        SettlementBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="grants",
        verbose_name="结算批次",
    )
    paid_on = models.DateField("拨付日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "补助"
        verbose_name_plural = "补助"
        ordering = ["-approved_on", "-id"]
        indexes = [
            models.Index(fields=["applicant", "measure"]),
            models.Index(fields=["measure", "approved_on"]),
            models.Index(fields=["status", "approved_on"]),
        ]

    def __str__(self) -> str:
        return f"补助 #{self.pk}（{self.measure}，{self.amount} 元）"
