"""Matchmaking events (对接活动, measure 9): roadshows and supply–demand meetings that the
department, prefecture bureaus, parks and service agencies run, with the achievements
presented, the enterprises registered with their needs, the meetings the matcher proposes and
the intentions reached."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from zhuanhua.core.prefectures import PREFECTURE_CHOICES, prefecture_name
from zhuanhua.events.choices import EventKind, EventStatus, IntentionKind


class MatchmakingEvent(models.Model):
    organiser = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="matchmaking_events",
        verbose_name="主办单位",
    )
    title = models.CharField("活动名称", max_length=200)
    kind = models.CharField("活动类型", max_length=16, choices=EventKind.choices)
    description = models.TextField("活动简介")
    place = models.CharField("举办地点", max_length=200)
    prefecture = models.CharField("所在州（市）", max_length=6, choices=PREFECTURE_CHOICES)
    held_on = models.DateField("举办日期")
    registration_deadline = models.DateField("报名截止日期")
    status = models.CharField(
        "状态", max_length=16, choices=EventStatus.choices, default=EventStatus.DRAFT
    )
    summary = models.TextField("活动总结", blank=True)
    cancel_reason = models.CharField("取消原因", max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)

    class Meta:
        verbose_name = "对接活动"
        verbose_name_plural = "对接活动"
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["status", "-held_on"])]

    def __str__(self) -> str:
        return self.title

    @property
    def prefecture_name(self) -> str:
        return prefecture_name(self.prefecture)


class PresentedAchievement(models.Model):
    """An achievement shown at the event (路演成果), chosen by the organiser from the hall."""

    event = models.ForeignKey(
        MatchmakingEvent, on_delete=models.CASCADE, related_name="presented", verbose_name="活动"
    )
    achievement = models.ForeignKey(
        "achievements.Achievement",
        on_delete=models.PROTECT,
        related_name="event_presentations",
        verbose_name="路演成果",
    )

    class Meta:
        verbose_name = "路演成果"
        verbose_name_plural = "路演成果"
        constraints = [
            models.UniqueConstraint(fields=["event", "achievement"], name="event_presented_once")
        ]

    def __str__(self) -> str:
        return f"{self.event_id}:{self.achievement_id}"


class EventRegistration(models.Model):
    """An enterprise attends with the needs it brings (its own published needs)."""

    event = models.ForeignKey(
        MatchmakingEvent,
        on_delete=models.CASCADE,
        related_name="registrations",
        verbose_name="活动",
    )
    enterprise = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="event_registrations",
        verbose_name="报名企业",
    )
    needs = models.ManyToManyField(
        "needs.TechnologyNeed", related_name="event_registrations", verbose_name="携带的技术需求"
    )
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="联系人"
    )
    note = models.CharField("备注", max_length=500, blank=True)
    created_at = models.DateTimeField("报名时间", auto_now_add=True)

    class Meta:
        verbose_name = "活动报名"
        verbose_name_plural = "活动报名"
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "enterprise"], name="event_registered_once")
        ]

    def __str__(self) -> str:
        return f"{self.event_id}:{self.enterprise_id}"


class ProposedMeeting(models.Model):
    """A meeting the matcher proposes between a registered need and a presented achievement,
    with the matcher's reasons."""

    event = models.ForeignKey(
        MatchmakingEvent, on_delete=models.CASCADE, related_name="meetings", verbose_name="活动"
    )
    achievement = models.ForeignKey(
        "achievements.Achievement", on_delete=models.PROTECT, related_name="+", verbose_name="成果"
    )
    need = models.ForeignKey(
        "needs.TechnologyNeed", on_delete=models.PROTECT, related_name="+", verbose_name="需求"
    )
    rank = models.PositiveSmallIntegerField("推荐顺位")
    reasons = models.JSONField("推荐理由", default=list)
    created_at = models.DateTimeField("生成时间", auto_now_add=True)

    class Meta:
        verbose_name = "对接建议"
        verbose_name_plural = "对接建议"
        ordering = ["need_id", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "achievement", "need"], name="event_meeting_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_id}:{self.achievement_id}↔{self.need_id}"


class Intention(models.Model):
    """An intention reached at the event (对接意向), recorded by the organiser afterwards."""

    event = models.ForeignKey(
        MatchmakingEvent, on_delete=models.CASCADE, related_name="intentions", verbose_name="活动"
    )
    achievement = models.ForeignKey(
        "achievements.Achievement", on_delete=models.PROTECT, related_name="+", verbose_name="成果"
    )
    enterprise = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="意向企业",
    )
    kind = models.CharField("合作方式", max_length=24, choices=IntentionKind.choices)
    amount = models.DecimalField(
        "意向金额（元）", max_digits=16, decimal_places=2, null=True, blank=True
    )
    note = models.CharField("说明", max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "对接意向"
        verbose_name_plural = "对接意向"
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.event_id}:{self.achievement_id}→{self.enterprise_id}"
