"""The weekly digest's ledger. (The search change log is zhuanhua.core.models.SearchChange.)"""

from __future__ import annotations

from django.db import models


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
