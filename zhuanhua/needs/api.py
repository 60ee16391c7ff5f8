"""REST endpoints for technology needs: the public list and detail, and a need's matches."""

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from zhuanhua.core.inputs import Text
from zhuanhua.core.pagination import BoundedLimitOffsetPagination
from zhuanhua.core.ranked import RankedRows
from zhuanhua.needs.models import TechnologyNeed
from zhuanhua.needs.selectors import (
    RELEVANCE,
    NeedQuery,
    matches_for_need,
    need_hall,
    need_hall_ranked,
    needs_by_id,
    needs_visible_to,
)

router = Router(tags=["技术需求 needs"])


class NeedOut(Schema):
    id: int
    title: str
    description: str
    keywords: list[str]
    industry_field: str
    indicators: str
    budget_amount: Decimal | None
    fee_model: str
    prefecture: str
    deadline_on: dt.date | None
    status: str
    owner_id: int
    owner_name: str = Field(..., alias="owner.name")
    published_at: dt.datetime | None


class NeedFilter(Schema):
    q: Text = Field("", max_length=200)
    prefecture: Text = Field("", max_length=6)
    industry_field: Text = Field("", max_length=32)
    fee_model: Text = Field("", max_length=20)
    # "" (the default): by relevance with a keyword, newest first without one.
    sort: Text = Field("", max_length=20)


class MatchOut(Schema):
    achievement_id: int
    title: str
    score: float
    reasons: list[str]
    snippet: str


@router.get("/", response=list[NeedOut])
@paginate(BoundedLimitOffsetPagination)
def list_needs(request: HttpRequest, filters: Query[NeedFilter]) -> object:
    """A keyword is ranked by the search engine, as on the needs hall (filters applied)."""
    data = filters.dict()
    data["sort"] = data["sort"] or (RELEVANCE if data["q"] else "newest")
    query = NeedQuery(**data)
    ranked = need_hall_ranked(query)
    if ranked is not None:
        return RankedRows(ranked.ids, needs_by_id)
    return need_hall(query)


@router.get("/{need_id}", response=NeedOut)
def get_need(request: HttpRequest, need_id: int) -> TechnologyNeed:
    return get_object_or_404(needs_visible_to(request.user), pk=need_id)


@router.get("/{need_id}/matches", response=list[MatchOut])
def need_matches(request: HttpRequest, need_id: int, limit: int = 10) -> list[dict[str, object]]:
    need = get_object_or_404(needs_visible_to(request.user), pk=need_id)
    return [
        {
            "achievement_id": m.object.pk,
            "title": m.object.title,
            "score": m.score,
            "reasons": m.reasons,
            "snippet": m.snippet,
        }
        for m in matches_for_need(need, max(1, min(limit, 50)))
    ]
