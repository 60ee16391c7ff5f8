"""REST endpoint of the unified search (published achievements and needs only)."""

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from zhuanhua.core.inputs import Text
from zhuanhua.search.services import search_achievements, search_needs

router = Router(tags=["检索 search"])


class SearchFilter(Schema):
    q: Text = Field("", max_length=500)
    kind: str = Field("achievement", pattern="^(achievement|need)$")
    prefecture: Text = Field("", max_length=6)
    industry_field: Text = Field("", max_length=32)
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=10000)


class HitOut(Schema):
    id: int
    title: str
    snippet: str
    score: float


class SearchOut(Schema):
    total: int
    suggestions: list[str]
    hits: list[HitOut]


@router.get("/", response=SearchOut)
def search(request: HttpRequest, params: Query[SearchFilter]) -> dict[str, object]:
    run = search_achievements if params.kind == "achievement" else search_needs
    hits, total, suggestions = run(
        params.q,
        {"prefecture": params.prefecture, "industry_field": params.industry_field},
        params.limit,
        params.offset,
    )
    return {
        "total": total,
        "suggestions": suggestions,
        "hits": [
            {"id": h.object.pk, "title": h.object.title, "snippet": h.snippet, "score": h.score}
            for h in hits
        ],
    }
