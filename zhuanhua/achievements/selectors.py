"""Reads of achievements: who may see what, and the hall's filtered, searched, sorted list."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet

from zhuanhua.achievements.choices import AchievementStatus
from zhuanhua.achievements.models import Achievement
from zhuanhua.core.text import query_tokens

SORTS = {
    "newest": ("-published_at", "-id"),
    "oldest": ("published_at", "id"),
    "trl": ("-trl", "-published_at", "-id"),
    "title": ("title", "id"),
}


def achievement_visible_to(user: Any) -> QuerySet[Achievement]:
    """Everything published is public; drafts only to their own unit; reviewers and auditors
    see every submission that reached the department (not other units' drafts)."""
    qs = Achievement.objects.all()
    published = Q(status=AchievementStatus.PUBLISHED)
    if not getattr(user, "is_authenticated", False):
        return qs.filter(published)
    condition = published
    if user.organisation_id:
        condition |= Q(owner_id=user.organisation_id)
    if user.is_reviewer or user.is_auditor or user.is_platform_admin:
        condition |= Q(status__in=[AchievementStatus.SUBMITTED, AchievementStatus.DELISTED])
    return qs.filter(condition)


@dataclass
class HallQuery:
    q: str = ""
    ip_type: str = ""
    prefecture: str = ""
    industry_field: str = ""
    transfer_status: str = ""
    trl_min: int | None = None
    sort: str = "newest"
    extra: dict[str, Any] = field(default_factory=dict)


def keyword_filter(qs: QuerySet[Achievement], text: str) -> QuerySet[Achievement]:
    """Every query word must be one of the record's indexed tokens.

    PostgreSQL: the stored tsvector of the pre-segmented tokens with its GIN index ('simple'
    configuration, migration 0003); SQLite: token match on the space-padded text.
    """
    tokens = query_tokens(text)
    if not tokens:
        return qs
    if connection.vendor == "postgresql":
        return qs.extra(
            where=["achievements_achievement.search_vector @@ plainto_tsquery('simple', %s)"],
            params=[" ".join(tokens)],
        )
    for token in tokens:
        qs = qs.filter(search_text__contains=f" {token} ")
    return qs


def achievement_hall(query: HallQuery) -> QuerySet[Achievement]:
    qs = Achievement.objects.filter(status=AchievementStatus.PUBLISHED)
    if query.ip_type:
        qs = qs.filter(ip_type=query.ip_type)
    if query.prefecture:
        qs = qs.filter(prefecture=query.prefecture)
    if query.industry_field:
        qs = qs.filter(industry_field=query.industry_field)
    if query.transfer_status:
        qs = qs.filter(transfer_status=query.transfer_status)
    if query.trl_min:
        qs = qs.filter(trl__gte=query.trl_min)
    if query.q:
        qs = keyword_filter(qs, query.q)
    # search_text is only for matching: never fetch its few KB of tokens per row.
    return (
        qs.select_related("owner")
        .defer("search_text")
        .order_by(*SORTS.get(query.sort, SORTS["newest"]))
    )


# What an achievement card shows (zhuanhua.core.templatetags.zh.achievement_card).
CARD_FIELDS = (
    "id", "title", "summary", "ip_type", "industry_field", "trl", "prefecture", "owner__name",
)
