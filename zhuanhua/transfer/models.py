"""State kept beside the achievement (never on it): the 先用后转 list and what the unit was told
(measure 4; the rule is the pure engine `zhuanhua.engines.transfer_deadline`), and rights grants
(赋权, measure 1; the rule is `zhuanhua.engines.rights`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from zhuanhua.core.models import AttachedFile
from zhuanhua.transfer.choices import (
    EquityDecisionKind,
    GrantApplicationStatus,
    LeaveReason,
    ReminderKind,
    ReportPeriodKind,
    ReportStatus,
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
        "achievements.Achievement",
        on_delete=models.CASCADE,
        related_name="use_first_entry",
        verbose_name="科技成果",
    )
    joined_on = models.DateField("进入清单日期")
    left_on = models.DateField("移出清单日期", null=True, blank=True)
    left_reason = models.CharField(
        "移出原因",
        max_length=32,
        choices=LeaveReason.choices,
        blank=True,
        default="",
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
        "achievements.Achievement",
        on_delete=models.CASCADE,
        related_name="transfer_reminders",
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
    right of at least 10 years. Checked by `zhuanhua.engines.rights.check`; one per achievement."""

    achievement = models.ForeignKey(
        "achievements.Achievement",
        on_delete=models.PROTECT,
        related_name="rights_grants",
        verbose_name="科技成果",
    )
    kind = models.CharField("赋权方式", max_length=20, choices=RightsGrantKind.choices)
    use_years = models.PositiveSmallIntegerField("长期使用权期限（年）", null=True, blank=True)
    granted_on = models.DateField("赋权日期")
    note = models.CharField("备注", max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
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


# --- 转化清单 (transfer_report) -----------------------------------------------------------------


class TransferReport(models.Model):
    """A unit's periodic list of its fiscally funded achievements (定期提交科技成果转化清单).

    A draft's lines are generated from the records (and regenerated on request, keeping the
    remarks); submitting freezes them: the lines are then the snapshot the supervisor reads."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="transfer_reports",
        verbose_name="报送单位",
    )
    year = models.PositiveSmallIntegerField("年度")
    period_kind = models.CharField("期间", max_length=8, choices=ReportPeriodKind.choices)
    period_start = models.DateField("期间起")
    period_end = models.DateField("期间止")
    status = models.CharField(
        "状态", max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    remarks = models.TextField("报送说明", blank=True)
    generated_at = models.DateTimeField("清单生成时间", null=True, blank=True)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="报送人",
    )
    # Where the report went (measure 4): the unit's supervising department when it was
    # submitted; empty = the provincial department (a unit that names no supervisor).
    supervisor = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="received_transfer_reports",
        verbose_name="报送主管部门",
    )
    received_at = models.DateTimeField("主管部门签收时间", null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="签收人",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "科技成果转化清单"
        verbose_name_plural = "科技成果转化清单"
        ordering = ["-year", "-period_end", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "period_kind"],
                name="transfer_report_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.period_label}"

    @property
    def period_label(self) -> str:
        return f"{self.year} 年{self.get_period_kind_display()}"

    @property
    def is_frozen(self) -> bool:
        return self.status == ReportStatus.SUBMITTED

    @property
    def supervisor_label(self) -> str:
        return self.supervisor.name if self.supervisor else "省科技厅"


class TransferReportLine(models.Model):
    """One achievement in a report, as the records stood when the lines were generated.

    Every shown value is copied here (a snapshot), so a submitted report never changes when the
    achievement or its licences change later; only `remarks` is the unit's, editable in a draft."""

    report = models.ForeignKey(TransferReport, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField("序号")
    achievement = models.ForeignKey(
        "achievements.Achievement",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="科技成果",
    )
    title = models.CharField("成果名称", max_length=200)
    ip_type = models.CharField("知识产权类型", max_length=40)
    ip_number = models.CharField("权利编号", max_length=64, blank=True)
    ip_acquired_on = models.DateField("取得知识产权之日", null=True, blank=True)
    transfer_status = models.CharField("转化状态", max_length=32)
    transfer_mode = models.CharField("转化方式", max_length=32, blank=True)
    transferred_on = models.DateField("转化日期", null=True, blank=True)
    counterparty = models.CharField("转化对象", max_length=500, blank=True)
    contract_amount = models.DecimalField(
        "合同金额（元）", max_digits=17, decimal_places=2, null=True, blank=True
    )
    received_amount = models.DecimalField(
        "实际到账额（元）", max_digits=17, decimal_places=2, null=True, blank=True
    )
    on_use_first_list = models.BooleanField("在先用后转清单中", default=False)
    remarks = models.CharField("备注", max_length=500, blank=True)

    class Meta:
        verbose_name = "转化清单明细"
        verbose_name_plural = "转化清单明细"
        ordering = ["report", "position"]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


# --- 赋权申请 (measure 1) -------------------------------------------------------------------------


class RightsGrantApplication(models.Model):
    """A completer's application for a rights grant; the unit screens it against the negative list,
    decides, publishes the decision (publicity notice of kind rights_grant) and records the grant."""

    achievement = models.ForeignKey(
        "achievements.Achievement",
        on_delete=models.PROTECT,
        related_name="rights_grant_applications",
        verbose_name="科技成果",
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="申请人",
    )
    kind = models.CharField("申请赋权方式", max_length=20, choices=RightsGrantKind.choices)
    use_years = models.PositiveSmallIntegerField("长期使用权期限（年）", null=True, blank=True)
    shares = models.JSONField("拟定份额", default=list, blank=True)
    statement = models.TextField("申请说明")
    status = models.CharField(
        "状态",
        max_length=16,
        choices=GrantApplicationStatus.choices,
        default=GrantApplicationStatus.SUBMITTED,
    )
    negative_list_category = models.CharField("负面清单审查结论", max_length=32, blank=True)
    decision_reason = models.CharField("决定理由", max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    notice = models.ForeignKey(
        "publicity.Notice",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="赋权公示",
    )
    grant = models.OneToOneField(
        RightsGrant,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="application",
        verbose_name="赋权记录",
    )
    created_at = models.DateTimeField("申请时间", auto_now_add=True)

    class Meta:
        verbose_name = "赋权申请"
        verbose_name_plural = "赋权申请"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.achievement_id} {self.kind} {self.status}"


# --- 单列管理 / 台账 (measure 2) -------------------------------------------------------------------


class SeparateManagementPilot(models.Model):
    """A unit in the separate-management pilot: its achievements are kept in a ledger (台账)."""

    organisation = models.OneToOneField(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="separate_management_pilot",
        verbose_name="试点单位",
    )
    joined_on = models.DateField("纳入试点日期")
    note = models.CharField("依据", max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "单列管理试点单位"
        verbose_name_plural = "单列管理试点单位"

    def __str__(self) -> str:
        return str(self.organisation)


class LedgerEntry(models.Model):
    """One achievement in its unit's ledger (台账), instead of the state-asset books."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="ledger_entries",
        verbose_name="单位",
    )
    achievement = models.ForeignKey(
        "achievements.Achievement",
        on_delete=models.PROTECT,
        related_name="ledger_entries",
        verbose_name="科技成果",
    )
    entered_on = models.DateField("登记日期")
    note = models.CharField("备注", max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "单列管理台账"
        verbose_name_plural = "单列管理台账"
        ordering = ["-entered_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "achievement"], name="ledger_entry_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}:{self.achievement_id}"


class EquityContribution(models.Model):
    """作价入股: the achievement contributed to a company for shares."""

    entry = models.ForeignKey(LedgerEntry, on_delete=models.PROTECT, related_name="contributions")
    company_name = models.CharField("被投资企业", max_length=200)
    company_uscc = models.CharField("统一社会信用代码", max_length=18)
    shares = models.DecimalField("持股数（股）", max_digits=20, decimal_places=2)
    value_amount = models.DecimalField("作价金额（元）", max_digits=17, decimal_places=2)
    contributed_on = models.DateField("作价入股日期")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "作价入股"
        verbose_name_plural = "作价入股"
        ordering = ["contributed_on", "id"]

    def __str__(self) -> str:
        return f"{self.company_name} {self.shares}"


def equity_document_path(instance: EquityDecision, filename: str) -> str:
    return f"transfer/equity/{instance.contribution_id}/{filename}"


class EquityDecision(AttachedFile):
    """A later decision on equity held from a contribution, with its decision document."""

    contribution = models.ForeignKey(
        EquityContribution, on_delete=models.PROTECT, related_name="decisions"
    )
    kind = models.CharField("处置方式", max_length=24, choices=EquityDecisionKind.choices)
    decided_on = models.DateField("决策日期")
    note = models.CharField("说明", max_length=500, blank=True)
    file = models.FileField("决策文件", upload_to=equity_document_path)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "股权处置决策"
        verbose_name_plural = "股权处置决策"
        ordering = ["decided_on", "id"]

    def __str__(self) -> str:
        return f"{self.contribution_id} {self.kind}"
