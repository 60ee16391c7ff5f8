"""Pages of the transfer app: the public 先用后转 section and the unit's own list."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from zhuanhua.transfer.forms import UseFirstFilterForm
from zhuanhua.transfer.selectors import (
    UseFirstQuery,
    reminders_mine,
    use_first_mine,
    use_first_public,
    use_first_upcoming,
)

PAGE_SIZE = 20


def use_first(request: HttpRequest) -> HttpResponse:
    form = UseFirstFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    query = UseFirstQuery(
        prefecture=data.get("prefecture") or "", industry_field=data.get("industry_field") or "",
        ip_type=data.get("ip_type") or "",
    )
    page = Paginator(use_first_public(query), PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {"form": form, "page": page, "params": params.urlencode()}
    return render(request, "transfer/use_first.html", context)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    entries = list(use_first_mine(request.user))
    context = {
        "organisation": request.user.organisation,  # type: ignore[union-attr]
        "current": [e for e in entries if e.left_on is None],
        "past": [e for e in entries if e.left_on is not None],
        "needs_terms": sum(1 for e in entries if e.needs_terms),
        "upcoming": use_first_upcoming(request.user, today),
        "reminders": reminders_mine(request.user),
        "today": today,
    }
    return render(request, "transfer/mine.html", context)
