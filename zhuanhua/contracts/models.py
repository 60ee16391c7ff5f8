"""Technology contracts (技术合同): a unit's or an enterprise's signed contract of one of the five
kinds, its 认定登记 at a registrar (技术合同登记机构), the income a 横向 contract brings in, and the
reward plans (奖酬金分配方案) units file with their supervising department (measure 6)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from zhuanhua.contracts.choices import (
    ContractType,
    FilingStatus,
    IncomeKind,
    PartySide,
    RegistrationStatus,
    SourceKind,
)
from zhuanhua.core.models import AttachedFile
from zhuanhua.organisations.choices import OrganisationType


class TechnologyContract(AttachedFile):
    """A signed technology contract submitted for 认定登记 (``original_name``/``sha256`` describe
    ``signed_pdf``). ``contract_type`` is the registrar's classification; ``declared_type`` what
    the submitter named it. ``transaction_amount`` is the 核定技术交易额 (≤ the contract amount;
    ``amount_reason`` says why when lower)."""

    submitter = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="technology_contracts",
        verbose_name="提交单位",
    )
    submitter_side = models.CharField("提交单位是", max_length=8, choices=PartySide.choices)
    counterparty = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="对方单位（平台机构）",
    )
    counterparty_name = models.CharField("合同对方", max_length=200)
    title = models.CharField("合同名称", max_length=200)
    declared_type = models.CharField("申报合同类型", max_length=16, choices=ContractType.choices)
    contract_type = models.CharField(
        "认定合同类型", max_length=16, choices=ContractType.choices, blank=True
    )
    contract_amount = models.DecimalField("合同成交额（元）", max_digits=17, decimal_places=2)
    signed_on = models.DateField("合同签订日")
    valid_from = models.DateField("履行期限起")
    valid_to = models.DateField("履行期限止")
    technology_field = models.CharField("技术领域", max_length=200)
    industry_project = models.BooleanField("横向项目", default=False)
    signed_pdf = models.FileField("已签署合同文本", upload_to="contracts/%Y/")
    source_kind = models.CharField(
        "来源", max_length=20, choices=SourceKind.choices, default=SourceKind.DIRECT
    )
    source_id = models.CharField("来源编号", max_length=64, blank=True)
    registrar = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contracts_to_register",
        limit_choices_to={"org_type": OrganisationType.CONTRACT_REGISTRAR},
        verbose_name="登记机构",
    )
    status = models.CharField(
        "登记状态",
        max_length=16,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.SUBMITTED,
    )
    submitted_on = models.DateField("提交日期", null=True, blank=True)
    due_on = models.DateField("办结期限", null=True, blank=True)
    registration_number = models.CharField(
        "登记编号", max_length=32, unique=True, null=True, blank=True
    )
    registered_on = models.DateField("登记日期", null=True, blank=True)
    transaction_amount = models.DecimalField(
        "核定技术交易额（元）", null=True, blank=True, max_digits=17, decimal_places=2
    )
    amount_reason = models.TextField("核减理由", blank=True)
    return_reasons = models.TextField("退回理由", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="登记员",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "技术合同"
        verbose_name_plural = "技术合同"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["registrar", "status"]),
            models.Index(fields=["submitter", "status"]),
            models.Index(fields=["source_kind", "source_id"]),
        ]

    def __str__(self) -> str:
        return self.registration_number or self.title

    @property
    def seller_name(self) -> str:
        return (
            self.submitter.name
            if self.submitter_side == PartySide.SELLER
            else self.counterparty_name
        )

    @property
    def buyer_name(self) -> str:
        return (
            self.submitter.name
            if self.submitter_side == PartySide.BUYER
            else self.counterparty_name
        )


class RegistrationCounter(models.Model):
    """The last serial of the registration numbers of one year (53 + year + serial)."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class ContractIncome(models.Model):
    """Income received on a 横向 contract (到账收入)."""

    contract = models.ForeignKey(
        TechnologyContract, on_delete=models.PROTECT, related_name="incomes"
    )
    received_on = models.DateField("到账日期")
    amount = models.DecimalField("到账金额（元）", max_digits=17, decimal_places=2)
    note = models.CharField("说明", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "横向项目到账收入"
        verbose_name_plural = "横向项目到账收入"
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return f"{self.received_on}: {self.amount}"


class RewardPlan(models.Model):
    """A unit's reward plan (奖酬金分配方案) for income of one kind, filed for the record (备案)
    with its supervising department (or the provincial department), who acknowledges it.
    ``warnings``/``notes`` are the floor check's findings (engines/distribution) when filed."""

    unit = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="reward_plans",
        verbose_name="单位",
    )
    income_kind = models.CharField("收入类型", max_length=16, choices=IncomeKind.choices)
    contract = models.ForeignKey(
        TechnologyContract,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reward_plans",
        verbose_name="技术合同",
    )
    subject = models.CharField("分配事项", max_length=200)
    income_amount = models.DecimalField("收入（元）", max_digits=17, decimal_places=2)
    costs_amount = models.DecimalField("列支成本（元）", max_digits=17, decimal_places=2)
    net_income_amount = models.DecimalField("净收入（元）", max_digits=17, decimal_places=2)
    researcher_amount = models.DecimalField(
        "科研人员（团队）奖励（元）", max_digits=17, decimal_places=2
    )
    transfer_staff_amount = models.DecimalField(
        "技术转移服务人员奖励（元）", max_digits=17, decimal_places=2
    )
    unit_amount = models.DecimalField("单位留存（元）", max_digits=17, decimal_places=2)
    staff_reward_chosen = models.BooleanField("从单位留存中奖励转化人员", default=False)
    registered = models.BooleanField("合同已认定登记", default=False)
    contract_type = models.CharField(
        "认定合同类型", max_length=16, choices=ContractType.choices, blank=True
    )
    warnings = models.JSONField("提示", default=list)
    notes = models.JSONField("说明", default=list)
    decided_on = models.DateField("单位决策日期")
    filed_with = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="reward_plans_filed",
        verbose_name="备案部门",
    )
    status = models.CharField(
        "备案状态", max_length=16, choices=FilingStatus.choices, default=FilingStatus.FILED
    )
    filed_on = models.DateField("报备日期")
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_on = models.DateField("确认日期", null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    acknowledgement_note = models.TextField("备案意见", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "奖酬金分配方案"
        verbose_name_plural = "奖酬金分配方案"
        ordering = ["-filed_on", "-id"]

    def __str__(self) -> str:
        return self.subject
