"""Subsidy (奖补) applications, their evidence, grants and settlement batches.

The engine (`zhuanhua.engines.subsidy`) decides the maximum; these rows record what an
organisation asked for, what the engine computed at submission, what a reviewer decided, and
the money committed and paid. Caps are consumed by `Grant` rows: every grant of an applicant
is a prior grant of its next evaluation.
"""

from __future__ import annotations

from typing import TypedDict

from django.conf import settings
from django.db import models

from zhuanhua.core.labels import yuan
from zhuanhua.core.models import StoredFile
from zhuanhua.core.prefectures import PREFECTURE_CHOICES
from zhuanhua.subsidies.choices import (
    AmountKind,
    ApplicationStatus,
    BatchStatus,
    EvidenceKind,
    GrantStatus,
    StandardLevel,
)


class _Money(TypedDict):
    max_digits: int
    decimal_places: int


MONEY: _Money = {"max_digits": 14, "decimal_places": 2}


class SubsidyApplication(models.Model):
    """One claim of an organisation under one measure of the catalogue."""

    applicant = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="subsidy_applications",
        verbose_name="申请单位",
    )
    measure = models.CharField("措施编号", max_length=16)
    catalogue_version = models.CharField("政策目录版本", max_length=32)
    applicant_type = models.CharField("申请主体类型", max_length=32)
    status = models.CharField(
        "状态",
        max_length=16,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
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
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="审核人",
    )
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    # The two-level review (issue 24): who checks first, the check, the second approval.
    checker_org = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subsidy_checks",
        verbose_name="初审单位",
    )  # None: no prefecture bureau or supervising department on the platform; the province alone
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="初审人",
    )
    checked_at = models.DateTimeField("初审时间", null=True, blank=True)
    check_opinion = models.TextField("初审意见", blank=True)
    second_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="复核人",
    )
    second_at = models.DateTimeField("复核时间", null=True, blank=True)
    second_opinion = models.TextField("复核意见", blank=True)
    step_due_on = models.DateField("本环节办理时限", null=True, blank=True)
    # Facts the platform holds beside what the applicant declared, at (re)submission:
    # [{"key", "label", "source", "platform", "declared", "differs"}].
    platform_facts = models.JSONField("平台数据核对", default=list, blank=True)
    policy_label = models.CharField("适用政策", max_length=200, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
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
            models.Index(fields=["checker_org", "status"]),
        ]

    def __str__(self) -> str:
        return f"奖补申请 #{self.pk}（{self.measure}）"

    @property
    def differing_facts(self) -> list[dict[str, str]]:
        return [f for f in self.platform_facts if f.get("differs")]


def evidence_path(instance: SubsidyEvidence, filename: str) -> str:
    return f"subsidies/{instance.application_id}/{filename}"


class SubsidyEvidence(StoredFile):
    """A supporting file: bank slip, invoice, contract, certificate."""

    application = models.ForeignKey(
        SubsidyApplication, on_delete=models.CASCADE, related_name="evidence"
    )
    kind = models.CharField(
        "材料类型", max_length=16, choices=EvidenceKind.choices, default=EvidenceKind.OTHER
    )
    file = models.FileField("文件", upload_to=evidence_path)

    class Meta:
        verbose_name = "奖补证明材料"
        verbose_name_plural = "奖补证明材料"
        ordering = ["id"]


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
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    paid_at = models.DateTimeField("拨付完成时间", null=True, blank=True)
    signoff_due_on = models.DateField("财政签核时限", null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="财政签核人",
    )
    signed_off_at = models.DateTimeField("财政签核时间", null=True, blank=True)
    signoff_opinion = models.TextField("财政签核意见", blank=True)

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
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="subsidy_grants",
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
        SettlementBatch,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="grants",
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
        return f"补助 #{self.pk}（{self.measure}，{yuan(self.amount)} 元）"


class LocalMeasure(models.Model):
    """A support measure a prefecture (州市) or a park (园区) adds to the policy catalogue
    (指引第七条（三）). It uses the provincial measures' kinds of rate, cap, scope and
    condition, applies only to applicants in its area (the prefecture, or the park's registered
    resident organisations) and only to claims dated within its effective dates. It shows beside
    the provincial measures and the engine evaluates it like them (`selectors.catalogue()`)."""

    code = models.CharField("措施编号", max_length=16, unique=True)  # L5301-001, set on creation
    title = models.CharField("措施名称", max_length=100)
    issuer = models.CharField("发布单位", max_length=200)
    document = models.CharField("政策文件及文号", max_length=300)
    source_text = models.TextField("政策条文")
    prefecture = models.CharField("适用州（市）", max_length=6, choices=PREFECTURE_CHOICES)
    park = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="local_measures",
        verbose_name="适用园区",
    )  # None: the whole prefecture
    applicant_types = models.JSONField("申请主体类型", default=list, blank=True)  # []: any
    amount_kind = models.CharField("计算方式", max_length=16, choices=AmountKind.choices)
    base = models.CharField("计算基数", max_length=100, blank=True)
    rate = models.DecimalField("比例", max_digits=5, decimal_places=4, null=True, blank=True)
    item_cap_amount = models.DecimalField("单项上限（元）", null=True, blank=True, **MONEY)
    fixed_amount = models.DecimalField("定额（元）", null=True, blank=True, **MONEY)
    level_caps = models.JSONField("分级上限", default=dict, blank=True)  # {level: "amount"}
    scopes = models.JSONField("限额范围", default=list, blank=True)  # [{kind, keys, amount}]
    registered = models.BooleanField("须技术合同认定登记", default=False)
    not_related_party = models.BooleanField("关联技术交易除外", default=False)
    holding_period_years = models.PositiveSmallIntegerField(
        "实缴投资须满（年）", null=True, blank=True
    )
    loss_confirmed = models.BooleanField("须投资损失已确认", default=False)
    effective_from_on = models.DateField("生效日期")
    effective_to_on = models.DateField("失效日期", null=True, blank=True)  # None: open-ended
    budget_per_year_amount = models.DecimalField("年度预算（元）", null=True, blank=True, **MONEY)
    revision = models.PositiveIntegerField("修订次数", default=1)  # keys the catalogue cache
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="创建人",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="最后修改人",
    )
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "地方措施"
        verbose_name_plural = "地方措施"
        ordering = ["prefecture", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(effective_to_on__isnull=True)
                | models.Q(effective_to_on__gte=models.F("effective_from_on")),
                name="subsidies_local_measure_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class ParkResident(models.Model):
    """An organisation registered by a park as located in it (入驻单位): the area of the park's
    local measures."""

    park = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="park_residents",
        verbose_name="园区",
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="parks",
        verbose_name="入驻单位",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="登记人",
    )
    added_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "园区入驻单位"
        verbose_name_plural = "园区入驻单位"
        ordering = ["park", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["park", "organisation"], name="subsidies_resident_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.park} · {self.organisation}"


class VentureInvestment(models.Model):
    """A venture capital firm's register of its investments (投资台账): the facts measures 13-1
    and 13-2 rest on — investee, amount and paid-in date, and a loss once confirmed."""

    investor = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="venture_investments",
        verbose_name="创业投资机构",
    )
    investee_name = models.CharField("被投资企业", max_length=200)
    investee_uscc = models.CharField("被投资企业统一社会信用代码", max_length=18)
    investee = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="venture_funding",
        verbose_name="被投资企业（平台机构）",
    )  # set when the investee is registered on the platform
    invested_amount = models.DecimalField("实缴股权投资额（元）", **MONEY)
    paid_in_on = models.DateField("实缴投资到位日")
    loss_amount = models.DecimalField("投资损失额（元）", null=True, blank=True, **MONEY)
    loss_confirmed_on = models.DateField("损失确认日期", null=True, blank=True)
    loss_basis = models.CharField("损失确认依据", max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="登记人",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "创业投资台账"
        verbose_name_plural = "创业投资台账"
        ordering = ["investor", "-paid_in_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(invested_amount__gt=0),
                name="subsidies_investment_amount_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.investee_name} · {yuan(self.invested_amount)} 元"

    @property
    def loss_confirmed(self) -> bool:
        return self.loss_confirmed_on is not None and self.loss_amount is not None
