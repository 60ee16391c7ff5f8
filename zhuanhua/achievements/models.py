from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from zhuanhua.achievements.choices import (
    IP_NUMBER_LABELS,
    AchievementStatus,
    ConsentAnswer,
    ConsentPurpose,
    IndustryField,
    IpType,
    TransferStatus,
)
from zhuanhua.core.models import StoredFile
from zhuanhua.core.prefectures import PREFECTURE_CHOICES, prefecture_name


class Achievement(models.Model):
    """A research result a unit can transfer (科技成果): its right, its readiness, its status.

    Owned by one organisation; only that unit's staff edit it; once published it is public.
    `prefecture` copies the owner's so the hall filters without a join; `search_text` holds
    the jieba tokens of title, keywords and summary for keyword search.
    """

    owner = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="achievements",
        verbose_name="所属单位",
    )
    title = models.CharField("成果名称", max_length=200)
    summary = models.TextField("成果简介")
    keywords = models.JSONField("关键词", default=list, blank=True)
    industry_field = models.CharField("行业领域", max_length=40, choices=IndustryField.choices)
    ip_type = models.CharField("知识产权类型", max_length=40, choices=IpType.choices)
    ip_number = models.CharField("权利编号", max_length=64, blank=True)
    ip_acquired_on = models.DateField("取得知识产权之日", null=True, blank=True)
    trl = models.PositiveSmallIntegerField(
        "技术成熟度（TRL）", validators=[MinValueValidator(1), MaxValueValidator(9)]
    )
    is_service = models.BooleanField("职务科技成果", default=True)
    fiscally_funded = models.BooleanField("财政资金支持", default=False)
    funding_programme = models.CharField("资助计划/项目", max_length=200, blank=True)
    is_applied_technology = models.BooleanField("应用技术类", default=True)
    transfer_status = models.CharField(
        "转化状态",
        max_length=32,
        choices=TransferStatus.choices,
        default=TransferStatus.UNTRANSFERRED,
    )
    transferred_on = models.DateField("转化日期", null=True, blank=True)
    status = models.CharField(
        "发布状态",
        max_length=16,
        choices=AchievementStatus.choices,
        default=AchievementStatus.DRAFT,
    )
    return_reason = models.CharField("退回原因", max_length=500, blank=True)
    prefecture = models.CharField("所在州（市）", max_length=6, choices=PREFECTURE_CHOICES)
    search_text = models.TextField(editable=False, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)

    class Meta:
        verbose_name = "科技成果"
        verbose_name_plural = "科技成果"
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-published_at"]),
            models.Index(fields=["status", "ip_type"]),
            models.Index(fields=["status", "prefecture"]),
            models.Index(fields=["status", "industry_field"]),
            models.Index(fields=["status", "transfer_status"]),
            # The workbench: a unit's latest records, its drafts by date, its status counts,
            # and the department's review queue (oldest submission first).
            models.Index(fields=["owner", "status", "-updated_at"]),
            models.Index(fields=["owner", "-updated_at"]),
            models.Index(fields=["status", "submitted_at"]),
            # The workbench's "returned for changes" list: few rows among a unit's drafts.
            models.Index(
                fields=["owner", "-updated_at"],
                name="achievement_returned_idx",
                condition=models.Q(status="draft") & ~models.Q(return_reason=""),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def ip_number_label(self) -> str:
        return IP_NUMBER_LABELS.get(self.ip_type, "权利编号")

    @property
    def prefecture_name(self) -> str:
        return prefecture_name(self.prefecture)

    @property
    def is_public(self) -> bool:
        return self.status == AchievementStatus.PUBLISHED


class Completer(models.Model):
    """A named completer (成果完成人) in the order the unit lists them."""

    achievement = models.ForeignKey(
        Achievement, on_delete=models.CASCADE, related_name="completers"
    )
    name = models.CharField("姓名", max_length=60)
    order = models.PositiveSmallIntegerField("排序", default=1)
    employer = models.CharField("工作单位", max_length=200, blank=True)
    # The completer's share of the contribution (%), when the unit or a disclosure gave one.
    share = models.DecimalField(
        "贡献份额（%）", max_digits=5, decimal_places=2, null=True, blank=True
    )
    # The platform account of this completer (a researcher of the unit), set by a disclosure or
    # by the unit; without it consent is matched by name (achievements/consent.py).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="completions",
        verbose_name="平台账号",
    )

    class Meta:
        verbose_name = "成果完成人"
        verbose_name_plural = "成果完成人"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"achievements/{instance.achievement_id}/{filename}"


class Attachment(StoredFile):
    """A file attached to an achievement (certificate, report, drawing)."""

    achievement = models.ForeignKey(
        Achievement, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField("文件", upload_to=attachment_path)

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"


class ImportJob(models.Model):
    """One Excel import run by the task queue: the stored file the worker reads, and the
    progress and outcome the import page polls (keyed apart from the queue's own result row)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        CHECKING = "checking", "正在校验"
        WRITING = "writing", "正在写入"
        DONE = "done", "已导入"
        REFUSED = "refused", "未导入（文件有误）"
        FAILED = "failed", "未导入（任务出错）"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="上传人"
    )
    file = models.FileField("文件", upload_to="imports/%Y/%m/")
    original_name = models.CharField("文件名", max_length=255)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.QUEUED)
    rows_checked = models.PositiveIntegerField("已校验行数", default=0)
    rows_total = models.PositiveIntegerField("总行数", default=0)
    created_count = models.PositiveIntegerField("导入条数", default=0)
    problems = models.JSONField("问题", default=list, blank=True)
    error = models.CharField("出错原因", max_length=300, blank=True)
    task_result_id = models.CharField("任务编号", max_length=64, blank=True)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "成果导入任务"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.original_name}（{self.get_status_display()}）"

    @property
    def running(self) -> bool:
        return self.status in {self.Status.QUEUED, self.Status.CHECKING, self.Status.WRITING}

    @property
    def percent(self) -> int:
        """Checking is the first nine tenths; writing happens in one transaction (all or none)."""
        if self.status in {self.Status.DONE, self.Status.REFUSED, self.Status.FAILED}:
            return 100
        if self.status == self.Status.WRITING:
            return 90
        if not self.rows_total:
            return 0
        return min(90, self.rows_checked * 90 // self.rows_total)


class ConsentRequest(models.Model):
    """The unit asks an achievement's completers before it offers the achievement for a purpose
    (guide art. 7(1): their wishes are respected, not a veto). Publishing goes ahead when every
    completer agreed, or over an objection or silence with the unit's written reason."""

    achievement = models.ForeignKey(
        Achievement, on_delete=models.CASCADE, related_name="consent_requests"
    )
    purpose = models.CharField("征求事项", max_length=32, choices=ConsentPurpose.choices)
    note = models.TextField("拟实施方案说明", blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField("发起时间", auto_now_add=True)
    override_reason = models.TextField("单位书面理由", blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    overridden_at = models.DateTimeField("理由填写时间", null=True, blank=True)

    class Meta:
        verbose_name = "完成人意见征求"
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(
                fields=["achievement", "purpose"], name="consent_one_request_per_purpose"
            )
        ]

    def __str__(self) -> str:
        return f"{self.achievement}（{self.get_purpose_display()}）"


class CompleterConsent(models.Model):
    """One completer's answer to a consent request: asked, agreed or objected (with a reason).
    A completer with no platform account is asked offline and the unit records the answer."""

    request = models.ForeignKey(ConsentRequest, on_delete=models.CASCADE, related_name="answers")
    completer = models.ForeignKey(
        Completer, null=True, on_delete=models.SET_NULL, related_name="consents"
    )
    name = models.CharField("姓名", max_length=60)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consents",
        verbose_name="平台账号",
    )
    answer = models.CharField(
        "意见", max_length=16, choices=ConsentAnswer.choices, default=ConsentAnswer.PENDING
    )
    reason = models.TextField("理由", blank=True)
    recorded_offline = models.BooleanField("单位线下征求并代为登记", default=False)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)

    class Meta:
        verbose_name = "完成人意见"
        verbose_name_plural = verbose_name
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name}：{self.get_answer_display()}"
