"""The unified search page and an achievement's best needs."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from zhuanhua.achievements.selectors import achievement_visible_to
from zhuanhua.search.forms import SearchForm
from zhuanhua.search.services import match_for_achievement, search_achievements, search_needs

PAGE_SIZE = 10
MATCH_LIMIT = 10


def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    q = (data.get("q") or "").strip()[:500]
    kind = data.get("kind") or ""
    filters = {
        "prefecture": data.get("prefecture") or "",
        "industry_field": data.get("industry_field") or "",
    }
    page = max(1, data.get("page") or 1)
    offset = (page - 1) * PAGE_SIZE
    sections: list[dict[str, Any]] = []
    suggestions: list[str] = []
    if q:
        if kind in ("", "achievement"):
            hits, total, sugg = search_achievements(q, filters, PAGE_SIZE, offset)
            sections.append(
                {"kind": "achievement", "label": "科技成果", "hits": hits, "total": total}
            )
            suggestions += sugg
        if kind in ("", "need"):
            hits, total, sugg = search_needs(q, filters, PAGE_SIZE, offset)
            sections.append({"kind": "need", "label": "技术需求", "hits": hits, "total": total})
            suggestions += [s for s in sugg if s not in suggestions]
    empty = bool(q) and not any(s["total"] for s in sections)
    more = any(s["total"] > offset + PAGE_SIZE for s in sections)
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "search/search.html",
        {
            "form": form,
            "q": q,
            "sections": sections,
            "empty": empty,
            "suggestions": suggestions[:3] if empty else [],
            "page": page,
            "more": more,
            "params": params.urlencode(),
        },
    )


def achievement_needs(request: HttpRequest, pk: int) -> HttpResponse:
    achievement = get_object_or_404(
        achievement_visible_to(request.user).select_related("owner"), pk=pk
    )
    matches = match_for_achievement(achievement, MATCH_LIMIT)
    return render(
        request, "search/achievement_needs.html", {"achievement": achievement, "matches": matches}
    )
