"""REST endpoint of the unified search (published achievements and needs only)."""

from dataclasses import dataclass

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from zhuanhua.core.inputs import Text
from zhuanhua.search.services import SearchHit, search_achievements, search_needs

router = Router(tags=["检索 search"])


class SearchFilter(Schema):
    q: Text = Field("", max_length=500)
    kind: str = Field("achievement", pattern="^(achievement|need)$")
    prefecture: Text = Field("", max_length=6)
    industry_field: Text = Field("", max_length=32)
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=10000)


class HitOut(Schema):
    id: int = Field(..., alias="object.pk")
    title: str = Field(..., alias="object.title")
    snippet: str
    score: float


class SearchOut(Schema):
    total: int
    suggestions: list[str]
    hits: list[HitOut]


@dataclass
class SearchResult:
    """One page of search hits, for ``SearchOut``."""

    total: int
    suggestions: list[str]
    hits: list[SearchHit]


@router.get("/", response=SearchOut)
def search(request: HttpRequest, params: Query[SearchFilter]) -> SearchResult:
    run = search_achievements if params.kind == "achievement" else search_needs
    hits, total, suggestions = run(
        params.q,
        {"prefecture": params.prefecture, "industry_field": params.industry_field},
        params.limit,
        params.offset,
    )
    return SearchResult(total=total, suggestions=suggestions, hits=hits)
