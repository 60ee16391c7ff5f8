from __future__ import annotations

import uuid

from django.db import models


class Announcement(models.Model):
    """A platform notice (通知公告) on the home page, posted by the department."""

    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文")
    published_on = models.DateField("发布日期")
    is_public = models.BooleanField("公开", default=True)

    class Meta:
        verbose_name = "通知公告"
        verbose_name_plural = "通知公告"

    def __str__(self) -> str:
        return self.title


class AttachedFile(models.Model):
    """What a record that carries one document of its own records about it (a unit's rules, an
    investigation record, an equity decision): the name it was uploaded under and its sha256,
    beside the record's own `FileField`. Who recorded it and when are the record's own fields.
    Blank while the record has no document. A file that is a row of its own is a StoredFile."""

    original_name = models.CharField("文件名", max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        abstract = True


class StoredFile(models.Model):
    """What every uploaded file records (subclasses add `file` with their own upload_to and the
    link to their owner). Files live outside the static root and are served only through
    permission-checked views with zhuanhua.core.uploads.download_response."""

    original_name = models.CharField("文件名", max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        "accounts.User",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name


class SearchKind(models.TextChoices):
    ACHIEVEMENT = "achievement", "科技成果"
    NEED = "need", "技术需求"


class SearchOp(models.TextChoices):
    UPSERT = "upsert", "更新"
    REMOVE = "remove", "移除"


class SearchChange(models.Model):
    """One append-only line of the search change log, written in the same transaction as the
    publish / edit / delist it describes. Every process applies the lines after the last id it
    has seen before it searches (zhuanhua.search.services.SearchService).

    It lives in core, below the apps that write it (achievements, licensing, needs), so they
    need not import search (docs/adr/0004-search-index.md); the table keeps its first name."""

    kind = models.CharField("类别", max_length=16, choices=SearchKind.choices)
    object_id = models.PositiveBigIntegerField("对象编号")
    op = models.CharField("操作", max_length=8, choices=SearchOp.choices)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        db_table = "search_searchchange"
        verbose_name = "检索变更"
        verbose_name_plural = "检索变更"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.op} {self.kind}:{self.object_id}"


class BackgroundJob(models.Model):
    """One piece of long work run by the task queue (the search index rebuild, the annual report,
    the weekly digests, the daily jobs): what the page that polls it shows — status, progress
    done of total, a message (the Chinese reason when it failed) and the result file, if any.
    The kinds and their functions are listed in settings.ZHUANHUA_BACKGROUND_JOBS
    (core/tasks.py runs them); the Excel import keeps its own ImportJob (row counts, problems)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "进行中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField("任务类别", max_length=40)
    title = models.CharField("任务", max_length=200)
    params = models.JSONField("参数", default=dict, blank=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField("已完成", default=0)
    total = models.PositiveIntegerField("总量", default=0)
    message = models.CharField("说明", max_length=300, blank=True)
    result = models.FileField("结果文件", upload_to="jobs/%Y/%m/", blank=True)
    result_name = models.CharField("结果文件名", max_length=200, blank=True)
    created_by = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="发起人",
    )
    task_result_id = models.CharField("任务编号", max_length=64, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "后台任务"
        verbose_name_plural = verbose_name
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.title}（{self.get_status_display()}）"

    @property
    def running(self) -> bool:
        return self.status in {self.Status.QUEUED, self.Status.RUNNING}

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(100, self.done * 100 // self.total) if self.total else 0
