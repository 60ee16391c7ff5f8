from django.db import models


class NeedStatus(models.TextChoices):
    DRAFT = "draft", "草稿"  # only the posting enterprise sees it
    PUBLISHED = "published", "已发布"  # public in the 需求大厅, searchable, matched
    CLOSED = "closed", "已关闭"  # no longer open; out of the hall and of search


# Allowed moves: (from, action) -> to. Needs are not reviewed (an enterprise's own request).
TRANSITIONS: dict[tuple[str, str], str] = {
    (NeedStatus.DRAFT, "publish"): NeedStatus.PUBLISHED,
    (NeedStatus.PUBLISHED, "close"): NeedStatus.CLOSED,
    (NeedStatus.CLOSED, "publish"): NeedStatus.PUBLISHED,
}
