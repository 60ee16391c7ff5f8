from __future__ import annotations

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
