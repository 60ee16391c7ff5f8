"""Provincial S&T projects (省级科技计划项目, measure 5): funding, the transfer duty agreed at
approval, the achievements the project produced, and the reminders of overdue duties."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from zhuanhua.projects.choices import FundingMode, PostRating, TransferFinding


class FundedProject(models.Model):
    programme = models.CharField("计划类别", max_length=200)
    code = models.CharField("项目编号", max_length=64, unique=True)
    title = models.CharField("项目名称", max_length=200)
    lead = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="led_projects",
        verbose_name="牵头单位",
    )
    is_applied = models.BooleanField("应用技术类项目", default=True)
    is_enterprise_led = models.BooleanField("企业牵头", default=False)
    partners = models.ManyToManyField(
        "organisations.Organisation",
        blank=True,
        related_name="partner_projects",
        verbose_name="参与单位",
    )
    funding_amount = models.DecimalField("财政经费（元）", max_digits=17, decimal_places=2)
    funding_mode = models.CharField(
        "支持方式", max_length=32, choices=FundingMode.choices, default=FundingMode.GRANT
    )
    start_on = models.DateField("立项日期")
    acceptance_due_on = models.DateField("计划验收日期")
    accepted_on = models.DateField("验收日期", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "科技计划项目"
        verbose_name_plural = "科技计划项目"
        ordering = ["-start_on", "-id"]
        indexes = [models.Index(fields=["lead", "start_on"])]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class TransferDuty(models.Model):
    """The transfer duty agreed at approval: what is to be transferred, and by when.

    Met when the named achievement (or, with none named, ``required_count`` of the project's
    achievements) is transferred — ``transfer_status`` other than 未转化 — or licensed under a
    signed licence.
    """

    project = models.ForeignKey(FundedProject, on_delete=models.CASCADE, related_name="duties")
    description = models.CharField("转化义务（转化内容）", max_length=500)
    due_on = models.DateField("转化期限")
    achievement = models.ForeignKey(
        "achievements.Achievement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="指定成果",
    )
    required_count = models.PositiveSmallIntegerField("应转化成果数", default=1)

    class Meta:
        verbose_name = "转化义务"
        verbose_name_plural = "转化义务"
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"{self.description}（{self.due_on}）"


class ProjectAchievement(models.Model):
    """An achievement the project produced (kept here: the achievements app is not edited)."""

    project = models.ForeignKey(
        FundedProject, on_delete=models.CASCADE, related_name="achievement_links"
    )
    achievement = models.ForeignKey(
        "achievements.Achievement",
        on_delete=models.PROTECT,
        related_name="project_links",
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "项目成果"
        verbose_name_plural = "项目成果"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "achievement"], name="projects_achievement_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} → {self.achievement_id}"


class DutyReminder(models.Model):
    """A reminder already sent for a duty that fell due without a transfer: fires once."""

    project = models.ForeignKey(FundedProject, on_delete=models.CASCADE, related_name="reminders")
    duty = models.ForeignKey(TransferDuty, on_delete=models.CASCADE, related_name="reminders")
    fired_on = models.DateField("提醒日期")
    recipients = models.JSONField("收件人", default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "转化义务到期提醒"
        verbose_name_plural = "转化义务到期提醒"
        constraints = [
            models.UniqueConstraint(fields=["project", "duty"], name="projects_duty_reminder_once"),
        ]

    def __str__(self) -> str:
        return f"{self.duty} {self.fired_on}"


class ProjectAcceptance(models.Model):
    """Acceptance (验收) by a panel with enterprise experts (measure 5): its findings on transfer,
    IP and contract registration. A passed acceptance sets ``FundedProject.accepted_on``."""

    project = models.OneToOneField(
        FundedProject, on_delete=models.CASCADE, related_name="acceptance", verbose_name="项目"
    )
    held_on = models.DateField("验收日期")
    panel = models.JSONField("验收专家组", default=list)  # [{name, employer, enterprise}]
    transfer_finding = models.CharField(
        "转化情况结论", max_length=16, choices=TransferFinding.choices
    )
    transfer_notes = models.TextField("转化情况说明", blank=True)
    ip_count = models.PositiveIntegerField("形成知识产权数", default=0)
    ip_notes = models.TextField("知识产权情况", blank=True)
    contracts_registered = models.PositiveIntegerField("认定登记的技术合同数", default=0)
    registration_notes = models.TextField("技术合同登记情况", blank=True)
    passed = models.BooleanField("验收结论：通过", default=True)
    opinion = models.TextField("专家组意见")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "项目验收"
        verbose_name_plural = "项目验收"

    def __str__(self) -> str:
        return f"{self.project} 验收 {self.held_on}"

    @property
    def enterprise_experts(self) -> list[dict[str, str]]:
        return [m for m in self.panel if m.get("enterprise")]


class ProjectPostEvaluation(models.Model):
    """Post-evaluation (后评价) at least a year after acceptance: how the transfer went since."""

    project = models.OneToOneField(
        FundedProject,
        on_delete=models.CASCADE,
        related_name="post_evaluation",
        verbose_name="项目",
    )
    evaluated_on = models.DateField("后评价日期")
    rating = models.CharField("评价等级", max_length=16, choices=PostRating.choices)
    transfer_progress = models.TextField("验收后转化进展")
    findings = models.TextField("评价意见", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "项目后评价"
        verbose_name_plural = "项目后评价"

    def __str__(self) -> str:
        return f"{self.project} 后评价 {self.evaluated_on}"
