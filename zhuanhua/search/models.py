"""The search change log and the weekly digest's ledger."""

from __future__ import annotations

from django.db import models


class SearchKind(models.TextChoices):
    ACHIEVEMENT = "achievement", "科技成果"
    NEED = "need", "技术需求"


class SearchOp(models.TextChoices):
    UPSERT = "upsert", "更新"
    REMOVE = "remove", "移除"


class SearchChange(models.Model):
    """One append-only line of the search change log, written in the same transaction as the
    publish / edit / delist it describes. Every process applies the lines after the last id it
    has seen before it searches (zhuanhua.search.services.SearchService)."""

    kind = models.CharField("类别", max_length=16, choices=SearchKind.choices)
    object_id = models.PositiveBigIntegerField("对象编号")
    op = models.CharField("操作", max_length=8, choices=SearchOp.choices)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "检索变更"
        verbose_name_plural = "检索变更"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.op} {self.kind}:{self.object_id}"


class MatchDigestSent(models.Model):
    """An organisation received its "new for you" digest for the week starting `week_on`."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="+",
    )
    week_on = models.DateField("周起始日")
    items = models.PositiveSmallIntegerField("推荐条数", default=0)
    created_at = models.DateTimeField("发送时间", auto_now_add=True)

    class Meta:
        verbose_name = "匹配推荐周报"
        verbose_name_plural = "匹配推荐周报"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "week_on"], name="search_one_digest_per_org_week"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.week_on}"
