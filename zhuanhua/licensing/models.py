"""先使用后付费 licences: the offer on a listing, the negotiation, the licence and its money.

Money is Decimal in ``*_amount`` fields; terms are JSON in the payment-plan engine's contract
shape (``zhuanhua.engines.licensing``), stored canonically (money as strings, ISO dates).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from zhuanhua.core.models import StoredFile
from zhuanhua.licensing.choices import (
    ClaimStatus,
    ContractType,
    CoverKind,
    CureNoticeStatus,
    DealKind,
    FeeModel,
    InquiryStatus,
    LicenceStatus,
    LicenseMode,
    PricingMethod,
    Side,
    TerminationKind,
    TerminationProposalStatus,
)


class LicenceOffer(models.Model):
    """The published licensing terms of one achievement (article 6(1)): at most one active."""

    achievement = models.ForeignKey(
        "achievements.Achievement",
        on_delete=models.PROTECT,
        related_name="licence_offers",
        verbose_name="科技成果",
    )
    deal_kind = models.CharField(
        "交易方式", max_length=24, choices=DealKind.choices, default=DealKind.LICENSE
    )
    summary = models.TextField("成果简介（许可说明）")
    fee_standard = models.TextField("许可使用费标准")
    fee_model = models.CharField("费用模式", max_length=20, choices=FeeModel.choices, blank=True)
    terms = models.JSONField("支付条款", default=dict)
    # Blank for an assignment or equity deal (no licence mode; an equity deal has no fee model
    # and no term: its terms hold the valuation, see deals.py).
    license_mode = models.CharField(
        "许可方式", max_length=20, choices=LicenseMode.choices, blank=True
    )
    term_months = models.PositiveSmallIntegerField("许可期限（月）")
    field_of_use = models.CharField("许可使用领域", max_length=200, blank=True)
    territory = models.CharField("许可地域", max_length=200, blank=True)
    is_active = models.BooleanField("有效", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("发布时间", auto_now_add=True)

    class Meta:
        verbose_name = "先使用后付费许可报价"
        verbose_name_plural = "先使用后付费许可报价"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["achievement"],
                condition=Q(is_active=True),
                name="licensing_one_active_offer_per_achievement",
            ),
        ]
        indexes = [  # the hall's EXISTS filter (先使用后付费 / per fee model)
            models.Index(
                fields=["achievement", "fee_model"],
                condition=Q(is_active=True),
                name="licensing_offer_active_fee",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.achievement}（{self.get_fee_model_display()}）"


class Inquiry(models.Model):
    """An enterprise's "我要承接" on an offer: the negotiation between the two organisations."""

    offer = models.ForeignKey(LicenceOffer, on_delete=models.PROTECT, related_name="inquiries")
    licensor = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="许可方",
    )
    licensee = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="被许可方",
    )
    status = models.CharField(
        "状态", max_length=16, choices=InquiryStatus.choices, default=InquiryStatus.OPEN
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("发起时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "承接意向"
        verbose_name_plural = "承接意向"
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["offer", "licensee"],
                condition=Q(status="open"),
                name="licensing_one_open_inquiry_per_licensee",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.licensee} → {self.offer.achievement}"


class Message(models.Model):
    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="messages")
    side = models.CharField("一方", max_length=10, choices=Side.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = models.TextField("内容")
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "商洽消息"
        verbose_name_plural = "商洽消息"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:40]


class TermVersion(models.Model):
    """One proposal of the full terms (engine contract shape without ``id``), numbered 1, 2, 3…"""

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("版本号")
    side = models.CharField("提出方", max_length=10, choices=Side.choices)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    terms = models.JSONField("条款")
    note = models.CharField("说明", max_length=500, blank=True)
    created_at = models.DateTimeField("提出时间", auto_now_add=True)

    class Meta:
        verbose_name = "条款版本"
        verbose_name_plural = "条款版本"
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["inquiry", "number"], name="licensing_version_number"),
        ]

    def __str__(self) -> str:
        return f"第 {self.number} 版"


class Licence(models.Model):
    """The licence agreed in an inquiry: the accepted terms, then reports and payments."""

    inquiry = models.OneToOneField(Inquiry, on_delete=models.PROTECT, related_name="licence")
    accepted_version = models.OneToOneField(
        TermVersion, on_delete=models.PROTECT, related_name="licence"
    )
    achievement = models.ForeignKey(
        "achievements.Achievement",
        on_delete=models.PROTECT,
        related_name="licences",
    )
    deal_kind = models.CharField(
        "交易方式", max_length=24, choices=DealKind.choices, default=DealKind.LICENSE
    )
    licensor = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="licences_granted",
        verbose_name="许可方",
    )
    licensee = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="licences_taken",
        verbose_name="被许可方",
    )
    fee_model = models.CharField("费用模式", max_length=20, choices=FeeModel.choices, blank=True)
    license_mode = models.CharField(
        "许可方式", max_length=20, choices=LicenseMode.choices, blank=True
    )
    terms = models.JSONField("条款")
    start = models.DateField("许可起始日")
    end = models.DateField("许可终止日")
    status = models.CharField(
        "状态", max_length=16, choices=LicenceStatus.choices, default=LicenceStatus.DRAFT_CONTRACT
    )
    signed_on = models.DateField("合同签订日", null=True, blank=True)
    pricing_method = models.CharField(
        "定价方式", max_length=16, choices=PricingMethod.choices, default=PricingMethod.LISTING
    )
    # Ending early (termination.py): a term of the contract like ``end``, fed to the engine.
    terminated_on = models.DateField("提前终止日", null=True, blank=True)
    termination_kind = models.CharField(
        "终止方式", max_length=16, choices=TerminationKind.choices, blank=True
    )
    termination_reason = models.TextField("终止原因", blank=True)
    terminated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "许可"
        verbose_name_plural = "许可"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.licensor} → {self.licensee}：{self.achievement}"

    def price_amount(self) -> Decimal:
        """What the deal is worth in money (transfer reports, dashboards): an equity deal's
        valuation (作价金额); else the fixed money of the terms, upfront plus installments
        (royalties depend on revenue and are not a contract amount)."""
        terms = self.terms or {}
        if "valuation_amount" in terms:
            return Decimal(str(terms["valuation_amount"]))
        total = Decimal(str(terms.get("upfront_fee") or 0))
        for inst in terms.get("installments") or []:
            total += Decimal(str(inst.get("amount") or 0))
        return total


class RevenueReport(models.Model):
    """The licensee's revenue for one royalty period (收入报告).

    A wrong report is never edited: a correction (更正) is a new report that ``supersedes`` the
    latest one of its period, with a reason; the engine counts the one with the latest
    ``reported_on`` (a correction filed the same day replaces its predecessor in the plan's
    input, see ``selectors.licence_schedule``).
    """

    licence = models.ForeignKey(Licence, on_delete=models.PROTECT, related_name="revenue_reports")
    period_start = models.DateField("期间起")
    period_end = models.DateField("期间止")
    revenue_amount = models.DecimalField("实际收入（元）", max_digits=17, decimal_places=2)
    reported_on = models.DateField("报告日期")
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    supersedes = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
        verbose_name="更正的报告",
    )
    correction_reason = models.TextField("更正原因", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "收入报告"
        verbose_name_plural = "收入报告"
        ordering = ["period_start", "reported_on", "id"]
        constraints = [
            # One original report per period; corrections hang on it in a chain (supersedes is
            # one-to-one, so the chain never forks).
            models.UniqueConstraint(
                fields=["licence", "period_start"],
                condition=Q(supersedes__isnull=True),
                name="licensing_one_report_per_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period_start}–{self.period_end}：{self.revenue_amount}"


class Payment(models.Model):
    """Money the licensor received (recorded by the unit).

    A wrong payment is never edited or deleted: the unit reverses it (冲正: bounced, refunded,
    entered twice) with ``reversed_on`` and a reason, set once; it then counts only before
    ``reversed_on`` (LICENSING.md), and a right one is recorded anew.

    ``amount`` is the whole payment; ``voucher_amount`` the part of it the licensee paid with
    innovation vouchers (科技创新券, 指引第七条（四）), spent from its quota through
    ``voucher_spend`` in the same transaction (0 and no spend when paid wholly in money).
    """

    licence = models.ForeignKey(Licence, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField("金额（元）", max_digits=17, decimal_places=2)
    paid_on = models.DateField("到账日期")
    ref = models.CharField("凭证号", max_length=100, blank=True)
    voucher_amount = models.DecimalField(
        "其中创新券（元）", max_digits=17, decimal_places=2, default=0
    )
    voucher_spend = models.OneToOneField(
        "vouchers.VoucherSpend",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="licence_payment",
        verbose_name="创新券使用记录",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Who paid, when not the licensee: a guarantor's or insurer's claim payout (cover.py).
    payer = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="付款方（空为被许可方）",
    )
    reversed_on = models.DateField("冲正日期", null=True, blank=True)
    reversal_reason = models.TextField("冲正原因", blank=True)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "付款记录"
        verbose_name_plural = "付款记录"
        ordering = ["paid_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(voucher_amount__gte=0) & Q(voucher_amount__lte=models.F("amount")),
                name="licensing_payment_voucher_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.paid_on}：{self.amount}"


class CureNotice(models.Model):
    """A written cure notice (催告) for breach: the overdue obligations it names and the deadline.

    ``obligations`` is the plan's lines on ``sent_on`` that the notice names:
    ``[{"ref", "label", "status", "amount", "outstanding", "due"}]`` (money as strings); the
    unit may terminate for breach only after ``cure_deadline`` and only while one of them is
    still unmet.
    """

    licence = models.ForeignKey(Licence, on_delete=models.PROTECT, related_name="cure_notices")
    sent_on = models.DateField("催告日期")
    cure_deadline = models.DateField("补救期限")
    obligations = models.JSONField("逾期义务")
    body = models.TextField("催告内容")
    status = models.CharField(
        "状态", max_length=16, choices=CureNoticeStatus.choices, default=CureNoticeStatus.OPEN
    )
    closed_on = models.DateField("结束日期", null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "催告通知"
        verbose_name_plural = "催告通知"
        ordering = ["-sent_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["licence"],
                condition=Q(status="open"),
                name="licensing_one_open_cure_notice",
            ),
        ]

    def __str__(self) -> str:
        return f"催告 {self.sent_on}（期限 {self.cure_deadline}）"


class TerminationProposal(models.Model):
    """One party's proposal to end the licence early by agreement; the other confirms it."""

    licence = models.ForeignKey(
        Licence, on_delete=models.PROTECT, related_name="termination_proposals"
    )
    side = models.CharField("提出方", max_length=10, choices=Side.choices)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    terminated_on = models.DateField("拟终止日")
    reason = models.TextField("解除原因")
    status = models.CharField(
        "状态",
        max_length=16,
        choices=TerminationProposalStatus.choices,
        default=TerminationProposalStatus.PROPOSED,
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    created_at = models.DateTimeField("提出时间", auto_now_add=True)

    class Meta:
        verbose_name = "协议解除提议"
        verbose_name_plural = "协议解除提议"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["licence"],
                condition=Q(status="proposed"),
                name="licensing_one_open_termination_proposal",
            ),
        ]

    def __str__(self) -> str:
        return f"协议解除 {self.terminated_on}（{self.get_status_display()}）"


class MilestoneAchievement(models.Model):
    """A milestone (里程碑节点) of the terms reached: its installments fall due from then."""

    licence = models.ForeignKey(Licence, on_delete=models.PROTECT, related_name="milestones")
    key = models.CharField("里程碑", max_length=100)
    achieved_on = models.DateField("达成日期")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "里程碑达成"
        verbose_name_plural = "里程碑达成"
        ordering = ["achieved_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["licence", "key"], name="licensing_milestone_once"),
        ]

    def __str__(self) -> str:
        return f"{self.key}：{self.achieved_on}"


class IdempotencyKey(models.Model):
    """A request the API already answered: same key + same body replays the stored response."""

    licence = models.ForeignKey(Licence, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64)  # sha256 of endpoint + canonical body
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["licence", "key"], name="licensing_idempotency_key"),
        ]

    def __str__(self) -> str:
        return self.key


class LicenceAlert(models.Model):
    """An alert of the plan already notified: one row per (licence, code, ref)."""

    licence = models.ForeignKey(Licence, on_delete=models.CASCADE, related_name="alerts")
    code = models.CharField(max_length=20)
    ref = models.CharField(max_length=100, blank=True)  # installment key, period start, or ""
    first_seen_on = models.DateField()
    notified_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "许可预警"
        verbose_name_plural = "许可预警"
        constraints = [
            models.UniqueConstraint(fields=["licence", "code", "ref"], name="licensing_alert_once"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.ref}"


def signed_contract_path(instance: SignedContract, filename: str) -> str:
    return f"licensing/{instance.licence_id}/signed/{filename}"


class SignedContract(StoredFile):
    """The signed contract's scan (PDF) uploaded when the signing is recorded."""

    licence = models.OneToOneField(
        Licence, on_delete=models.PROTECT, related_name="signed_contract"
    )
    file = models.FileField("已签合同（PDF）", upload_to=signed_contract_path)

    class Meta:
        verbose_name = "已签合同"
        verbose_name_plural = "已签合同"


class ContractRegistration(models.Model):
    """技术合同认定登记 (contract_registration) of a signed licence contract."""

    licence = models.OneToOneField(Licence, on_delete=models.PROTECT, related_name="registration")
    contract_type = models.CharField("技术合同类型", max_length=16, choices=ContractType.choices)
    registration_number = models.CharField("登记编号", max_length=64, unique=True)
    registry = models.CharField("登记机构", max_length=200)
    registered_on = models.DateField("登记日期")
    transaction_amount = models.DecimalField("成交额（元）", max_digits=17, decimal_places=2)
    technical_income_amount = models.DecimalField(
        "技术交易额（技术性收入，元）", max_digits=17, decimal_places=2
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "技术合同认定登记"
        verbose_name_plural = "技术合同认定登记"
        ordering = ["-registered_on", "-id"]

    def __str__(self) -> str:
        return self.registration_number


class RiskCover(models.Model):
    """Risk sharing (guide article 7(2)): a guarantor's or insurer's cover on a licence."""

    licence = models.ForeignKey(Licence, on_delete=models.PROTECT, related_name="covers")
    provider = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="risk_covers",
        verbose_name="担保/保险机构",
    )
    kind = models.CharField("保障类型", max_length=16, choices=CoverKind.choices)
    share = models.DecimalField("分担比例", max_digits=5, decimal_places=4)  # 0 < share <= 1
    limit_amount = models.DecimalField("保障限额（元）", max_digits=17, decimal_places=2)
    starts_on = models.DateField("保障起始日")
    ends_on = models.DateField("保障终止日")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "风险分担保障"
        verbose_name_plural = "风险分担保障"
        ordering = ["starts_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["licence", "provider"], name="licensing_one_cover_per_provider"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} · {self.licence_id}"


class RiskClaim(models.Model):
    """A claim opened on a cover by a default-risk alert, for the provider to handle."""

    cover = models.ForeignKey(RiskCover, on_delete=models.PROTECT, related_name="claims")
    # The default-risk alert that opened it (the daily job), or none when a party opened it on
    # an overdue obligation (cover.claim_open).
    alert = models.ForeignKey(
        LicenceAlert, null=True, blank=True, on_delete=models.PROTECT, related_name="claims"
    )
    obligation_ref = models.CharField("理赔的逾期义务", max_length=100, blank=True)
    obligation_label = models.CharField("逾期义务", max_length=200, blank=True)
    overdue_amount = models.DecimalField(
        "发起时逾期未付（元）", max_digits=17, decimal_places=2, null=True, blank=True
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    payout_amount = models.DecimalField(
        "赔付金额（元）", max_digits=17, decimal_places=2, null=True, blank=True
    )
    payment = models.OneToOneField(
        "Payment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claim",
        verbose_name="赔付款",
    )
    status = models.CharField(
        "状态", max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.OPEN
    )
    opened_on = models.DateField("发起日期")
    handled_on = models.DateField("处理日期", null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolution = models.TextField("处理结果", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "风险分担理赔"
        verbose_name_plural = "风险分担理赔"
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["cover", "alert"], name="licensing_claim_once"),
        ]

    def __str__(self) -> str:
        return f"{self.cover} {self.get_status_display()}"


class DistributionPlan(models.Model):
    """Income distribution (measure 6): the unit splits the net income of licence income.

    ``costs`` is ``[{"label", "amount"}]``; ``shares`` is ``[{"name", "role", "amount"}]`` with
    ``role`` a ShareRole; ``warnings`` the floor check's findings when it was recorded.
    """

    licence = models.ForeignKey(Licence, on_delete=models.PROTECT, related_name="distributions")
    income_amount = models.DecimalField("收入（元）", max_digits=17, decimal_places=2)
    costs = models.JSONField("列支成本", default=list)
    net_income_amount = models.DecimalField("净收入（元）", max_digits=17, decimal_places=2)
    shares = models.JSONField("分配")
    staff_reward_chosen = models.BooleanField("单位从留存中奖励转化人员", default=False)
    warnings = models.JSONField("提示", default=list)
    recorded_on = models.DateField("登记日期")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "收益分配方案"
        verbose_name_plural = "收益分配方案"
        ordering = ["-recorded_on", "-id"]

    def __str__(self) -> str:
        return f"{self.licence_id}：{self.net_income_amount}"


def evaluation_report_path(instance: EvaluationReport, filename: str) -> str:
    return f"licensing/offers/{instance.offer_id}/evaluation/{filename}"


class EvaluationReport(StoredFile):
    """资产评估报告 of an equity listing (作价投资): the valuation the agreement names."""

    offer = models.OneToOneField(
        LicenceOffer, on_delete=models.PROTECT, related_name="evaluation_report"
    )
    file = models.FileField("资产评估报告（PDF）", upload_to=evaluation_report_path)

    class Meta:
        verbose_name = "资产评估报告"
        verbose_name_plural = "资产评估报告"


class ShareRegistration(models.Model):
    """The shares an equity deal (作价投资) gave the unit, as registered at the market
    regulator (工商变更登记): recorded once by the unit after signing."""

    licence = models.OneToOneField(
        Licence, on_delete=models.PROTECT, related_name="share_registration"
    )
    company_name = models.CharField("被投资企业", max_length=200)
    company_uscc = models.CharField("统一社会信用代码", max_length=18)
    shares = models.DecimalField("登记持股数（股）", max_digits=20, decimal_places=2)
    share_percent = models.DecimalField("持股比例", max_digits=7, decimal_places=6)
    value_amount = models.DecimalField("作价金额（元）", max_digits=17, decimal_places=2)
    registered_on = models.DateField("工商变更登记日期")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "股权登记"
        verbose_name_plural = "股权登记"
        ordering = ["-registered_on", "-id"]

    def __str__(self) -> str:
        return f"{self.company_name} {self.shares}"
