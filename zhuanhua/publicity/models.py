from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from zhuanhua.core.models import StoredFile
from zhuanhua.engines import messages
from zhuanhua.engines.common import InputError
from zhuanhua.engines.periods import MAX_DAYS, HolidayTable
from zhuanhua.publicity.choices import (
    CLOSED_STATES,
    DEFAULT_PERIOD_DAYS,
    NoticeKind,
    NoticeStatus,
    PeriodUnit,
    PricingMethod,
)


class HolidayYear(models.Model):
    """One year of the official holiday calendar (国务院办公厅放假安排), entered by a platform admin.

    Needed for the years `chinese_calendar` does not carry yet (the seed guidelines run to 2028):
    `holidays` are the statutory rest days that fall on weekdays, `workdays` the make-up working
    Saturdays and Sundays (调休上班). Both are lists of ISO dates inside `year`. For a year the
    library knows, the rows correct single days.
    """

    year = models.PositiveSmallIntegerField(
        "年份", unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2999)]
    )
    holidays = models.JSONField("法定休假日", default=list, blank=True)
    workdays = models.JSONField("调休上班日", default=list, blank=True)
    source = models.CharField("依据（放假安排通知文号）", max_length=200, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "法定节假日年表"
        verbose_name_plural = "法定节假日年表"
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year} 年节假日"

    def as_doc(self) -> dict[str, list[str]]:
        return {"holidays": list(self.holidays or []), "workdays": list(self.workdays or [])}

    def clean(self) -> None:
        try:
            HolidayTable.from_doc({str(self.year): self.as_doc()}, "holidays")
        except InputError as exc:
            raise ValidationError(f"节假日年表有误：{exc.path}：{messages.chinese(exc)}") from None


def notice_attachment_path(instance: NoticeAttachment, filename: str) -> str:
    return f"publicity/{instance.notice_id}/{filename}"


class Notice(models.Model):
    """A publicity notice (公示): a unit makes a decision public for a legal period and answers
    every objection before it closes.

    The end date is computed once by the Civil Code period engine (with the admin holiday
    table) and stored, so what the public read stays the period. For an agreement-price notice the
    achievement, licensee, proposed price and pricing method are the published facts; the
    licensing app asks `services.agreement_price_cleared` before a contract is signed.
    """

    publisher = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="notices",
        verbose_name="公示单位",
    )
    kind = models.CharField("公示事项", max_length=32, choices=NoticeKind.choices)
    subject_type = models.CharField("关联对象类型", max_length=64, blank=True)
    subject_id = models.CharField("关联对象编号", max_length=64, blank=True)
    title = models.CharField("公示标题", max_length=200)
    content = models.TextField("公示内容")
    starts_on = models.DateField("公示开始日")
    period_days = models.PositiveSmallIntegerField(
        "公示期（天）",
        default=DEFAULT_PERIOD_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_DAYS)],
    )
    period_unit = models.CharField(
        "期间单位", max_length=16, choices=PeriodUnit.choices, default=PeriodUnit.CALENDAR
    )
    ends_on = models.DateField("公示截止日")
    extended = models.BooleanField("因节假日顺延", default=False)
    calendar_known = models.BooleanField("节假日安排已知", default=True)
    status = models.CharField(
        "状态", max_length=32, choices=NoticeStatus.choices, default=NoticeStatus.DRAFT
    )
    # Agreement pricing (协议定价) only.
    achievement = models.ForeignKey(
        "achievements.Achievement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="price_notices",
        verbose_name="科技成果",
    )
    licensee = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="拟受让/被许可方",
    )
    price_amount = models.DecimalField(
        "拟交易价格（元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    pricing_method = models.CharField(
        "定价方式", max_length=16, choices=PricingMethod.choices, blank=True
    )
    close_note = models.TextField("公示结果说明", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = "公示"
        verbose_name_plural = "公示"
        ordering = ["-starts_on", "-id"]
        indexes = [
            models.Index(fields=["status", "ends_on"]),
            models.Index(fields=["kind", "status"]),
            models.Index(fields=["achievement", "licensee", "status"]),
            models.Index(fields=["publisher", "status"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.status != NoticeStatus.DRAFT

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATES


class NoticeAttachment(StoredFile):
    """A file published with a notice (the decision, the valuation, the rules)."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("文件", upload_to=notice_attachment_path)

    class Meta:
        verbose_name = "公示附件"
        verbose_name_plural = "公示附件"


class Objection(models.Model):
    """An objection (异议) filed by an identified user during the period, and the unit's answer.

    The objector's name and organisation are shown only to the publishing unit and the department;
    the public reads the text and the answer.
    """

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="objections")
    objector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="异议人",
    )
    objector_organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="异议人单位",
    )
    content = models.TextField("异议内容")
    filed_at = models.DateTimeField("提出时间", auto_now_add=True)
    filed_on = models.DateField("提出日期")
    answer = models.TextField("答复", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="答复人",
    )
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)

    class Meta:
        verbose_name = "异议"
        verbose_name_plural = "异议"
        ordering = ["filed_at", "id"]

    def __str__(self) -> str:
        return f"异议 #{self.pk}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None
