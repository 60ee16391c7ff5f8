from __future__ import annotations

from django.conf import settings
from django.db import models

from zhuanhua.core.models import AttachedFile
from zhuanhua.exemption.choices import (
    ActivityKind,
    CaseStatus,
    Decision,
    PersonRole,
    RecordKind,
    ReviewResult,
    RulesKind,
    Stance,
)


def rules_document_path(instance: UnitRules, filename: str) -> str:
    return f"exemption/rules/{instance.unit_id}/{filename}"


def record_file_path(instance: CaseRecord, filename: str) -> str:
    return f"exemption/cases/{instance.case_id}/{filename}"


class UnitRules(AttachedFile):
    """A unit's own rules (articles 5 and 11): its transfer rules and its exemption rules, with the
    record of their adoption (集体民主决策) and their publicity (a unit_rules notice)."""

    unit = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="unit_rules",
        verbose_name="单位",
    )
    kind = models.CharField("制度类别", max_length=32, choices=RulesKind.choices)
    title = models.CharField("制度名称", max_length=200)
    document = models.FileField("制度文件", upload_to=rules_document_path, blank=True)
    adopted_on = models.DateField("审议通过日", null=True, blank=True)
    adoption_record = models.TextField("审议通过记录（会议、决策机构、表决情况）", blank=True)
    # Time limits the unit's exemption rules set (issue 24.7), in working days (holidays skipped).
    investigation_days = models.PositiveSmallIntegerField(
        "调查时限（工作日，自立案起）", null=True, blank=True
    )
    review_days = models.PositiveSmallIntegerField(
        "复核时限（工作日，自收到异议起）", null=True, blank=True
    )
    notice = models.ForeignKey(
        "publicity.Notice",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="公示",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "单位制度"
        verbose_name_plural = "单位制度"
        ordering = ["unit", "kind", "-adopted_on", "-id"]
        indexes = [models.Index(fields=["unit", "kind"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_adopted(self) -> bool:
        return self.adopted_on is not None


class ExemptionCase(models.Model):
    """A due-diligence exemption case (尽职免责认定): a loss in a transfer activity of a unit, the
    people concerned, the investigation, the conclusion, its internal publicity, objections and
    review, the final decision and its effects."""

    unit = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="exemption_cases",
        verbose_name="科技成果转化单位",
    )
    title = models.CharField("案件名称", max_length=200)
    unit_type = models.CharField("单位类型（第二条）", max_length=32)
    state_established = models.BooleanField("国家设立/国有", default=True)
    activity_kind = models.CharField("转化活动", max_length=16, choices=ActivityKind.choices)
    activity_description = models.TextField("转化活动说明")
    subject_type = models.CharField("关联平台记录类型", max_length=64, blank=True)
    subject_id = models.CharField("关联平台记录编号", max_length=64, blank=True)
    # The platform records the case concerns (issue 24.7), chosen from the unit's own records.
    achievement = models.ForeignKey(
        "achievements.Achievement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="关联科技成果",
    )
    licence = models.ForeignKey(
        "licensing.Licence",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="关联许可或交易",
    )
    related_notice = models.ForeignKey(
        "publicity.Notice",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="关联公示",
    )
    # Filed with the unit's supervising department at the final decision (empty: 省科技厅).
    filed_with = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="备案主管部门",
    )
    filed_at = models.DateTimeField("报送备案时间", null=True, blank=True)
    loss_amount = models.DecimalField("损失金额（元）", max_digits=14, decimal_places=2)
    loss_description = models.TextField("损失情况", blank=True)
    status = models.CharField(
        "状态", max_length=16, choices=CaseStatus.choices, default=CaseStatus.INVESTIGATION
    )
    notice = models.ForeignKey(
        "publicity.Notice",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="内部公示",
    )
    concluded_at = models.DateTimeField("形成结论时间", null=True, blank=True)
    decision_text = models.TextField("最终决定", blank=True)
    decided_on = models.DateField("决定日期", null=True, blank=True)
    effects_text = models.TextField("认定结果运用（第十四条）", blank=True)
    effects_on = models.DateField("记录日期", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("立案时间", auto_now_add=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)

    class Meta:
        verbose_name = "尽职免责案件"
        verbose_name_plural = "尽职免责案件"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["unit", "status"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.status == CaseStatus.CLOSED


class CasePerson(models.Model):
    """A person concerned (科技成果转化参与人员) with a role, the checklist findings about them,
    the evaluator's recommendation, and the unit's decision (the people decide)."""

    case = models.ForeignKey(ExemptionCase, on_delete=models.CASCADE, related_name="persons")
    role = models.CharField("身份", max_length=16, choices=PersonRole.choices)
    name = models.CharField("姓名", max_length=60)
    position = models.CharField("职务", max_length=100, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="exemption_parts",
        verbose_name="平台用户",
    )
    checklist = models.JSONField("核查清单", default=dict, blank=True)
    recommendation = models.JSONField("清单建议", default=dict, blank=True)
    decision = models.CharField("认定结论", max_length=16, choices=Decision.choices, blank=True)
    decision_reason = models.TextField("认定理由", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    final_decision = models.CharField(
        "最终决定", max_length=16, choices=Decision.choices, blank=True
    )

    class Meta:
        verbose_name = "当事人员"
        verbose_name_plural = "当事人员"
        ordering = ["case", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_role_display()}）"

    @property
    def recommended(self) -> str:
        return str((self.recommendation or {}).get("decision", ""))

    @property
    def differs(self) -> bool:
        return bool(self.decision and self.recommended and self.decision != self.recommended)


class CaseRecord(AttachedFile):
    """An investigation record (article 12): an evidence item, a hearing record, or a statement of
    one side, optionally with a file."""

    case = models.ForeignKey(ExemptionCase, on_delete=models.CASCADE, related_name="records")
    kind = models.CharField("类别", max_length=16, choices=RecordKind.choices)
    title = models.CharField("标题", max_length=200)
    content = models.TextField("内容", blank=True)
    party = models.CharField("陈述方 / 参加人", max_length=200, blank=True)
    person = models.ForeignKey(
        CasePerson,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="records",
        verbose_name="涉及人员",
    )
    recorded_on = models.DateField("日期")
    file = models.FileField("文件", upload_to=record_file_path, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "调查材料"
        verbose_name_plural = "调查材料"
        ordering = ["case", "recorded_on", "id"]

    def __str__(self) -> str:
        return self.title


class MeetingMinutes(models.Model):
    """Minutes of a meeting (the transfer decision, or the exemption deliberation) that record each
    leader's opinion, so a recorded dissent (article 7 item seven) can be shown."""

    case = models.ForeignKey(ExemptionCase, on_delete=models.CASCADE, related_name="minutes")
    held_on = models.DateField("会议日期")
    subject = models.CharField("会议事项", max_length=200)
    content = models.TextField("会议记录摘要", blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "会议记录"
        verbose_name_plural = "会议记录"
        ordering = ["case", "held_on", "id"]

    def __str__(self) -> str:
        return self.subject


class MinutesOpinion(models.Model):
    minutes = models.ForeignKey(MeetingMinutes, on_delete=models.CASCADE, related_name="opinions")
    person = models.ForeignKey(
        CasePerson,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opinions",
        verbose_name="当事人员",
    )
    speaker = models.CharField("发言人", max_length=60)
    stance = models.CharField("意见", max_length=16, choices=Stance.choices)
    text = models.TextField("发言要点", blank=True)

    class Meta:
        verbose_name = "会议发言"
        verbose_name_plural = "会议发言"
        ordering = ["minutes", "id"]

    def __str__(self) -> str:
        return f"{self.speaker}：{self.get_stance_display()}"


class CaseReview(models.Model):
    """A review (复核, article 13) of one objection filed on the case's notice, with the answer
    fed back to the objector."""

    case = models.ForeignKey(ExemptionCase, on_delete=models.CASCADE, related_name="reviews")
    objection = models.OneToOneField(
        "publicity.Objection",
        on_delete=models.PROTECT,
        related_name="exemption_review",
        verbose_name="异议",
    )
    result = models.CharField("复核结果", max_length=16, choices=ReviewResult.choices)
    findings = models.TextField("复查核实情况")
    answer = models.TextField("反馈异议人")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "复核"
        verbose_name_plural = "复核"
        ordering = ["case", "id"]

    def __str__(self) -> str:
        return f"复核 #{self.pk}"
