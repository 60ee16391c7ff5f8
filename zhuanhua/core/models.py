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
