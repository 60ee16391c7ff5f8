from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from zhuanhua.core.labels import yuan
from zhuanhua.core.models import StoredFile
from zhuanhua.vouchers import subjects
from zhuanhua.vouchers.choices import DocumentKind, SpendStatus


class VoucherQuota(models.Model):
    """One technology enterprise's innovation-voucher quota (科技创新券额度) for one year.

    ``spent_amount`` and ``redeemed_amount`` are kept by the services under a row lock and are
    constrained in the database, so the ledger can never go negative: 0 ≤ redeemed ≤ spent ≤
    issued.
    """

    enterprise = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="voucher_quotas",
        verbose_name="科技型企业",
    )
    year = models.PositiveSmallIntegerField("年度")
    issued_amount = models.DecimalField("下达额度（元）", max_digits=14, decimal_places=2)
    spent_amount = models.DecimalField("已使用（元）", max_digits=14, decimal_places=2, default=0)
    redeemed_amount = models.DecimalField(
        "已兑付（元）", max_digits=14, decimal_places=2, default=0
    )
    note = models.CharField("下达说明", max_length=500, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="下达人",
    )
    issued_at = models.DateTimeField("下达时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "创新券额度"
        verbose_name_plural = "创新券额度"
        ordering = ["-year", "enterprise_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year"], name="voucher_quota_one_per_year"
            ),
            models.CheckConstraint(
                condition=Q(redeemed_amount__gte=0), name="voucher_quota_redeemed_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(spent_amount__gte=F("redeemed_amount")),
                name="voucher_quota_redeemed_within_spent",
            ),
            models.CheckConstraint(
                condition=Q(issued_amount__gte=F("spent_amount")),
                name="voucher_quota_spent_within_issued",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.year} 年创新券"

    @property
    def left_amount(self):
        return self.issued_amount - self.spent_amount


class VoucherSpend(models.Model):
    """Vouchers an enterprise used on one of its contracts (a spend subject registered by the
    app that keeps it: a service request, a licence …; ``vouchers.subjects``), with the
    contract amount and provider read from that record, the provider's redemption claim and the
    reviewer's decision."""

    quota = models.ForeignKey(VoucherQuota, on_delete=models.PROTECT, related_name="spends")
    enterprise = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="voucher_spends",
        verbose_name="科技型企业",
    )
    year = models.PositiveSmallIntegerField("年度")
    provider = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="voucher_redemptions",
        verbose_name="服务提供方",
    )
    subject_type = models.CharField("合同类型", max_length=64)
    subject_id = models.CharField("合同编号", max_length=64)
    contract_amount = models.DecimalField("合同金额（元）", max_digits=14, decimal_places=2)
    voucher_amount = models.DecimalField("创新券抵付金额（元）", max_digits=14, decimal_places=2)
    status = models.CharField(
        "状态", max_length=16, choices=SpendStatus.choices, default=SpendStatus.SPENT
    )
    spent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="使用人",
    )
    spent_at = models.DateTimeField("使用时间", auto_now_add=True)
    invoice_number = models.CharField("发票号码", max_length=64, blank=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="申请人",
    )
    claimed_at = models.DateTimeField("申请兑付时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="审核人",
    )
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    decision_reason = models.CharField("审核意见", max_length=1000, blank=True)

    class Meta:
        verbose_name = "创新券使用"
        verbose_name_plural = "创新券使用"
        ordering = ["-spent_at", "-id"]
        indexes = [
            models.Index(fields=["enterprise", "subject_type", "subject_id"]),
            models.Index(fields=["status", "claimed_at"]),
            models.Index(fields=["provider", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(voucher_amount__gt=0), name="voucher_spend_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {yuan(self.voucher_amount)} 元"

    @property
    def subject_label(self) -> str:
        return f"{subjects.label_of(self.subject_type)} #{self.subject_id}"


def document_path(instance: VoucherDocument, filename: str) -> str:
    return f"vouchers/{instance.spend_id}/{filename}"


class VoucherDocument(StoredFile):
    """A redemption document: the contract, the invoice, the payment proof."""

    spend = models.ForeignKey(VoucherSpend, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField("材料类型", max_length=16, choices=DocumentKind.choices)
    file = models.FileField("文件", upload_to=document_path)

    class Meta:
        verbose_name = "兑付材料"
        verbose_name_plural = "兑付材料"
        ordering = ["id"]
