from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from zhuanhua.achievements.choices import IndustryField, IpType
from zhuanhua.disclosures.choices import (
    DEFAULT_REVIEW_DAYS,
    DisclosureStatus,
    FundingSource,
    IpStatus,
    Readiness,
)


class Disclosure(models.Model):
    """A researcher's report of a result to the unit (职务成果披露, measure 9): what it is, who
    made it and in what shares, who paid for it, its IP and readiness, commercial contacts and
    conflicts of interest. The unit's achievement manager accepts it (a draft achievement is
    registered from it), returns it with reasons, or declines it, within the unit's deadline."""

    unit = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="disclosures",
        verbose_name="所属单位",
    )
    researcher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="disclosures",
        verbose_name="披露人",
    )
    title = models.CharField("成果名称", max_length=200)
    summary = models.TextField("成果简介")
    industry_field = models.CharField("行业领域", max_length=40, choices=IndustryField.choices)
    # [{"name", "employer", "share"}] in order; shares are percentages summing to 100.
    completers = models.JSONField("成果完成人及贡献份额", default=list)
    funding_source = models.CharField("经费来源", max_length=16, choices=FundingSource.choices)
    funding_project = models.CharField("资助项目", max_length=200, blank=True)
    ip_status = models.CharField("知识产权状态", max_length=16, choices=IpStatus.choices)
    ip_type = models.CharField("知识产权类型", max_length=40, choices=IpType.choices, blank=True)
    ip_number = models.CharField("申请号/权利编号", max_length=64, blank=True)
    ip_date_on = models.DateField("申请日/授权日", null=True, blank=True)
    ip_plan = models.TextField("知识产权保护计划", blank=True)
    readiness = models.PositiveSmallIntegerField(
        "技术成熟度",
        choices=Readiness.choices,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
    )
    commercial_contacts = models.TextField("已接触的企业或意向方", blank=True)
    conflicts = models.TextField("利益冲突声明")
    status = models.CharField(
        "状态", max_length=16, choices=DisclosureStatus.choices, default=DisclosureStatus.DRAFT
    )
    first_submitted_at = models.DateTimeField("首次提交时间", null=True, blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    submitted_on = models.DateField("提交日期", null=True, blank=True)
    due_on = models.DateField("审核期限", null=True, blank=True)
    return_reason = models.TextField("退回理由", blank=True)
    decision_reason = models.TextField("决定理由", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="审核人",
    )
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    # Days from the (last) submission to the decision, kept so the dashboards average in SQL.
    decision_days = models.PositiveIntegerField("审核用时（天）", null=True, blank=True)
    achievement = models.OneToOneField(
        "achievements.Achievement",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="disclosure",
        verbose_name="登记的成果",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "职务成果披露"
        verbose_name_plural = verbose_name
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["unit", "status", "submitted_at"]),
            models.Index(fields=["researcher", "-updated_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def fiscally_funded(self) -> bool:
        return self.funding_source == FundingSource.FISCAL


class DisclosureSetting(models.Model):
    """A unit's own rules for its disclosures: how many days its manager has to decide
    (counted from the submission by the Civil Code rule, engines/periods)."""

    unit = models.OneToOneField(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="disclosure_setting",
        verbose_name="单位",
    )
    review_days = models.PositiveSmallIntegerField(
        "审核期限（日）",
        default=DEFAULT_REVIEW_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "披露审核设置"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.unit}：{self.review_days} 日"
