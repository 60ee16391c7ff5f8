"""Technology needs (技术需求) posted by enterprises, and units' responses to them."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from zhuanhua.achievements.choices import IndustryField
from zhuanhua.core.prefectures import PREFECTURE_CHOICES, prefecture_name
from zhuanhua.licensing.choices import FeeModel
from zhuanhua.needs.choices import NeedStatus


class TechnologyNeed(models.Model):
    """What an enterprise wants solved: published in the 需求大厅, matched with achievements.

    `search_text` holds the same tokens as `Achievement.search_text` (zhuanhua.core.text)
    for the hall's database keyword filter.
    """

    owner = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="technology_needs",
        verbose_name="需求企业",
    )
    title = models.CharField("需求名称", max_length=200)
    description = models.TextField("需求描述")
    keywords = models.JSONField("关键词", default=list, blank=True)
    industry_field = models.CharField("行业领域", max_length=40, choices=IndustryField.choices)
    indicators = models.TextField("拟达到的技术指标", blank=True)
    budget_amount = models.DecimalField(
        "预算（元）", max_digits=16, decimal_places=2, null=True, blank=True
    )
    fee_model = models.CharField(
        "意向费用模式", max_length=20, choices=FeeModel.choices, blank=True
    )
    prefecture = models.CharField("所在州（市）", max_length=6, choices=PREFECTURE_CHOICES)
    deadline_on = models.DateField("截止日期", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=16, choices=NeedStatus.choices, default=NeedStatus.DRAFT
    )
    search_text = models.TextField(editable=False, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)

    class Meta:
        verbose_name = "技术需求"
        verbose_name_plural = "技术需求"
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-published_at"]),
            models.Index(fields=["status", "prefecture"]),
            models.Index(fields=["status", "industry_field"]),
            models.Index(fields=["owner", "status"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def prefecture_name(self) -> str:
        return prefecture_name(self.prefecture)

    @property
    def is_public(self) -> bool:
        return self.status == NeedStatus.PUBLISHED


class NeedResponse(models.Model):
    """A unit answers a need with one of its published achievements: a thread between the
    unit and the enterprise, visible to those two organisations only."""

    need = models.ForeignKey(TechnologyNeed, on_delete=models.CASCADE, related_name="responses")
    achievement = models.ForeignKey(
        "achievements.Achievement",
        on_delete=models.PROTECT,
        related_name="need_responses",
        verbose_name="回应成果",
    )
    unit = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="回应单位",
    )
    enterprise = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="需求企业",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("回应时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "需求回应"
        verbose_name_plural = "需求回应"
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["need", "achievement"], name="needs_one_response_per_achievement"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.achievement} → {self.need}"


class ResponseMessage(models.Model):
    response = models.ForeignKey(NeedResponse, on_delete=models.CASCADE, related_name="messages")
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = models.TextField("内容")
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "回应消息"
        verbose_name_plural = "回应消息"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:40]
