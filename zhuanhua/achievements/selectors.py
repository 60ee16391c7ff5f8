"""Reads of achievements: who may see what, and the hall's filtered, searched, sorted list."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import CharField, Count, Q, QuerySet, Value

from zhuanhua.accounts.http import Visitor
from zhuanhua.achievements.choices import AchievementStatus, IndustryField, IpType
from zhuanhua.achievements.models import Achievement
from zhuanhua.core import pagecache
from zhuanhua.core.prefectures import prefecture_name
from zhuanhua.core.text import query_tokens

UFPL_ANY = "any"  # the hall's "先使用后付费" filter value (any fee model)


@dataclass(frozen=True)
class HallOfferFilter:
    """The hall's 先使用后付费 filter as licensing supplies it (LicensingConfig.ready()): the
    registry offers the slot, licensing knows what an offer is, so achievements never imports
    licensing (docs/adr/0001-layers.md)."""

    choices: list[tuple[str, str]]  # the fee models, value and Chinese label
    condition: Callable[[str], Any]  # fee model ("" = any) -> an EXISTS for QuerySet.filter
    # () -> a subquery of the fee model of the achievement's active offer (None without one):
    # the cards' 先使用后付费 badge, read in the cards' own query.
    fee_model: Callable[[], Any] | None = None


HALL_OFFER_FILTER: list[HallOfferFilter] = []  # at most one, filled by licensing
# Annotations the achievement page adds to its one query, filled by the apps whose panels it
# shows (TransferConfig.ready(): has_rights_grant, so the holders panel skips a query).
DETAIL_ANNOTATIONS: list[Callable[[QuerySet[Achievement]], QuerySet[Achievement]]] = []


def hall_offer_filter_register(offer_filter: HallOfferFilter) -> None:
    HALL_OFFER_FILTER[:] = [offer_filter]


def hall_offer_choices() -> list[tuple[str, str]]:
    """The fee models the hall's filter lists (none when licensing is not installed)."""
    return [c for f in HALL_OFFER_FILTER for c in f.choices]


def offer_fee_model_annotate(qs: QuerySet[Achievement]) -> QuerySet[Achievement]:
    """``offer_fee_model``: the fee model of the active 先使用后付费 offer, or None — one
    correlated subquery on licensing's partial index, in the same query (no N+1)."""
    for offer_filter in HALL_OFFER_FILTER:
        if offer_filter.fee_model is not None:
            return qs.annotate(offer_fee_model=offer_filter.fee_model())
    return qs.annotate(offer_fee_model=Value(None, output_field=CharField()))


def offer_fee_model_label(fee_model: str | None) -> str:
    """The fee model in words ("" without an offer)."""
    if not fee_model:
        return ""
    return next(
        (label for f in HALL_OFFER_FILTER for value, label in f.choices if value == fee_model),
        "",
    )


def detail_annotation_register(
    annotate: Callable[[QuerySet[Achievement]], QuerySet[Achievement]],
) -> None:
    if annotate not in DETAIL_ANNOTATIONS:
        DETAIL_ANNOTATIONS.append(annotate)


def achievement_for_detail(qs: QuerySet[Achievement]) -> QuerySet[Achievement]:
    for annotate in DETAIL_ANNOTATIONS:
        qs = annotate(qs)
    return qs


@dataclass(frozen=True)
class RankedAnswer:
    """What the search engine answers a keyword with: the achievements' ids best first (at
    most the asked-for number, the hall's filters applied where the engine knows them), how many
    it matched, and close words when it matched nothing."""

    ids: list[int]
    total: int
    suggestions: list[str] = field(default_factory=list)


# The ranker search registers (SearchConfig.ready()): the hall asks it for the ranked ids of a
# keyword so that the hall and 检索 answer the same way, without achievements importing search
# (docs/adr/0001-layers.md). (q, filters with model codes, limit) -> RankedAnswer.
HALL_RANKERS: list[Callable[[str, dict[str, Any], int], RankedAnswer]] = []
RELEVANCE = "relevance"  # the hall's sort by the engine's ranking (the default with a keyword)


def hall_ranker_register(ranker: Callable[[str, dict[str, Any], int], RankedAnswer]) -> None:
    HALL_RANKERS[:] = [ranker]


@dataclass
class RankedHall:
    """A keyword's hall answer: ids in the page's order after the hall's own filters."""

    ids: list[int]
    capped: bool  # the engine matched more than it was asked for
    suggestions: list[str]


def _engine_filters(query: HallQuery) -> dict[str, Any]:
    return {
        "ip_type": query.ip_type,
        "prefecture": query.prefecture,
        "industry_field": query.industry_field,
        "transfer_status": query.transfer_status,
        "trl_min": query.trl_min,
    }


def achievement_hall_ranked(query: HallQuery, limit: int) -> RankedHall | None:
    """The hall's answer to a keyword through the registered ranker: the engine's best `limit`
    ids (its filters applied before ranking, so pages stay full), then the hall's own filters
    in SQL over those ids (the 先使用后付费 filter, published only), in the engine's order or
    the chosen sort. None without a keyword or without a ranker (the SQL keyword path then)."""
    if not query.q or not HALL_RANKERS:
        return None
    answer = HALL_RANKERS[0](query.q, _engine_filters(query), limit)
    qs = achievement_hall(replace(query, q="")).filter(pk__in=answer.ids)
    if query.sort in SORTS:
        ids = list(qs.values_list("id", flat=True))
    else:
        keep = set(qs.order_by().values_list("id", flat=True))
        ids = [pk for pk in answer.ids if pk in keep]
    return RankedHall(ids=ids, capped=answer.total > limit, suggestions=answer.suggestions)


SORTS = {
    "newest": ("-published_at", "-id"),
    "oldest": ("published_at", "id"),
    "trl": ("-trl", "-published_at", "-id"),
    "title": ("title", "id"),
}


def achievement_visible_to(user: Visitor) -> QuerySet[Achievement]:
    """Everything published is public; drafts only to their own unit; reviewers and auditors
    see every submission that reached the department (not other units' drafts)."""
    qs = Achievement.objects.all()
    published = Q(status=AchievementStatus.PUBLISHED)
    if not user.is_authenticated:
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
    ufpl: str = ""  # "any": has a 先使用后付费 offer; a fee_model: an offer of that model
    sort: str = "newest"  # or RELEVANCE with a keyword
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
    if query.ufpl:
        # EXISTS on licensing's partial index of active offers (achievement, fee_model).
        for offer_filter in HALL_OFFER_FILTER:
            qs = qs.filter(offer_filter.condition("" if query.ufpl == UFPL_ANY else query.ufpl))
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
    "id",
    "title",
    "summary",
    "ip_type",
    "industry_field",
    "trl",
    "prefecture",
    "owner__name",
    "offer_fee_model",  # offer_fee_model_annotate
)
_IP_LABELS = dict(IpType.choices)
_FIELD_LABELS = dict(IndustryField.choices)


@dataclass(frozen=True)
class AchievementCard:
    """What a card shows, read as plain values: the hall renders twenty per keystroke."""

    id: int
    title: str
    summary: str
    ip_type_label: str
    industry_field_label: str
    trl: int
    owner_name: str
    prefecture_name: str
    offer_label: str = ""  # the active 先使用后付费 offer's fee model in words, "" without one


def _card(row: tuple[Any, ...]) -> AchievementCard:
    pk, title, summary, ip_type, field_, trl, prefecture, owner_name, fee_model = row
    return AchievementCard(
        pk,
        title,
        summary,
        _IP_LABELS.get(ip_type, ip_type),
        _FIELD_LABELS.get(field_, field_),
        trl,
        owner_name,
        prefecture_name(prefecture),
        offer_fee_model_label(fee_model),
    )


def achievement_cards(
    qs: QuerySet[Achievement], *, ids_first: bool = False
) -> list[AchievementCard]:
    """The cards of an (already sliced) queryset, in its order.

    ids_first: read the page's ids, then its cards by id. Without a keyword, the ids of a
    filtered, sorted page come from an index-only scan of the hall's covering index (migration
    0009) instead of a heap scan of every matching wide row; with a keyword the rows must be read
    anyway, so one query is cheaper.
    """
    if not ids_first:
        return [_card(row) for row in offer_fee_model_annotate(qs).values_list(*CARD_FIELDS)]
    ids = list(qs.values_list("id", flat=True))
    by_id = offer_fee_model_annotate(Achievement.objects.filter(pk__in=ids))
    rows = {row[0]: row for row in by_id.values_list(*CARD_FIELDS)}
    return [_card(rows[pk]) for pk in ids if pk in rows]


def status_counts(owner_id: int) -> dict[str, int]:
    """How many of a unit's achievements are in each state (the workbench, on every visit).

    The GROUP BY walks every index entry of the unit, so it grows with the unit (figures in
    docs/deploy.md, "Measurements behind the code"). The answer is kept in the cache under the public
    pages' generation (core/pagecache.py), which every saved achievement bumps, so a unit sees
    its own submission counted at once; a bulk `.update()` shows within the page cache's
    timeout. With the page cache off (ZHUANHUA_PAGE_CACHE_SECONDS=0, as in tests) it is
    counted every time."""
    seconds = pagecache.timeout()
    if seconds <= 0:
        return _count_by_status(owner_id)
    key = f"achievements:status_counts:{owner_id}:{pagecache.generation()}"
    counts: dict[str, int] | None = cache.get(key)
    if counts is None:
        counts = _count_by_status(owner_id)
        cache.set(key, counts, timeout=seconds)
    return counts


def _count_by_status(owner_id: int) -> dict[str, int]:
    return dict(
        Achievement.objects.filter(owner_id=owner_id)
        .values_list("status")
        .annotate(n=Count("*"))
        .order_by()
    )
