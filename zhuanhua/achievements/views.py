"""Pages of the achievements registry: the hall, detail, the unit's edit forms, review moves."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, overload
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import cached_property
from django.views.decorators.http import require_POST

from zhuanhua.accounts.http import AuthedHttpRequest
from zhuanhua.achievements import services
from zhuanhua.achievements.choices import AchievementStatus
from zhuanhua.achievements.forms import AchievementForm, AttachmentForm, HallFilterForm, ReasonForm
from zhuanhua.achievements.models import Achievement, Attachment
from zhuanhua.achievements.selectors import (
    RELEVANCE,
    AchievementCard,
    HallQuery,
    RankedHall,
    achievement_cards,
    achievement_for_detail,
    achievement_hall,
    achievement_hall_ranked,
    achievement_visible_to,
)
from zhuanhua.core.uploads import download_response

PAGE_SIZE = 20
# The hall says "N+" beyond these: an exact count walks every published row and a keyword count
# revisits every matching row (docs/deploy.md, "Measurements behind the code"). Ten pages is
# what people browse.
COUNT_CAP = 1000
KEYWORD_COUNT_CAP = 200
# A keyword's ranked answer: the engine's best this many, the hall's filters applied to them.
RANKED_CAP = 1000


class CappedPaginator(Paginator):
    object_list: QuerySet[Achievement]
    """Counts at most `cap` + 1 rows (COUNT over a LIMIT subquery), so a broad query stays
    cheap; `is_capped` tells the template to say "N+". The count drops the page's ORDER BY:
    with it PostgreSQL walks the date index testing every row's search vector until cap + 1
    match; without it the keyword's GIN bitmap stops at cap + 1 rows (figures in
    docs/deploy.md, "Measurements behind the code")."""

    def __init__(
        self, object_list: Any, per_page: int, cap: int, *, ids_first: bool = False
    ) -> None:
        super().__init__(object_list, per_page)
        self.cap = cap
        self.ids_first = ids_first

    @cached_property
    def count(self) -> int:
        return int(self.object_list.order_by()[: self.cap + 1].count())

    @property
    def is_capped(self) -> bool:
        return self.count > self.cap

    def validate_number(self, number: Any) -> int:
        # Page 1 needs no count to be valid (Django's check would count first).
        try:
            if int(number) == 1:
                return 1
        except (TypeError, ValueError):
            pass
        return int(super().validate_number(number))

    def page(self, number: Any) -> Page:
        """Page 1 reads one row more than it shows: when that row is missing, the rows read are
        the whole count and the count query is skipped (most keyword searches end here)."""
        if number != 1 or "count" in self.__dict__:
            return super().page(number)
        rows = achievement_cards(self.object_list[: self.per_page + 1], ids_first=self.ids_first)
        if len(rows) <= self.per_page:
            self.__dict__["count"] = len(rows)  # what the cached_property would have stored
        return Page(rows[: self.per_page], 1, self)

    def _get_page(self, object_list: Any, number: int, paginator: Paginator) -> Page:
        return Page(achievement_cards(object_list, ids_first=self.ids_first), number, paginator)


class RankedCards:
    """The cards of a keyword's ranked ids, read a page at a time (Paginator slices it)."""

    def __init__(self, ids: list[int]) -> None:
        self.ids = ids

    def __len__(self) -> int:
        return len(self.ids)

    @overload
    def __getitem__(self, part: int) -> AchievementCard: ...
    @overload
    def __getitem__(self, part: slice) -> list[AchievementCard]: ...
    def __getitem__(self, part: int | slice) -> AchievementCard | list[AchievementCard]:
        if isinstance(part, int):
            return self[part : part + 1 or None][0]
        ids = self.ids[part]
        cards = {c.id: c for c in achievement_cards(Achievement.objects.filter(pk__in=ids))}
        return [cards[pk] for pk in ids if pk in cards]

    def __iter__(self) -> Iterator[AchievementCard]:
        return iter(self[:])


class RankedPaginator(Paginator):
    """Pages of a ranked answer; "N+" when the engine matched more than the hall read."""

    def __init__(self, ranked: RankedHall, per_page: int) -> None:
        super().__init__(RankedCards(ranked.ids), per_page)
        self.is_capped = ranked.capped
        self.cap = len(ranked.ids)


def hall_query_from(request: HttpRequest) -> tuple[HallFilterForm, HallQuery]:
    form = HallFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    q = data.get("q") or ""
    sort = data.get("sort") or (RELEVANCE if q else "newest")
    query = HallQuery(
        q=q,
        ip_type=data.get("ip_type") or "",
        prefecture=data.get("prefecture") or "",
        industry_field=data.get("industry_field") or "",
        transfer_status=data.get("transfer_status") or "",
        trl_min=data.get("trl_min"),
        sort=sort,
        ufpl=data.get("ufpl") or "",
    )
    return form, query


def hall(request: HttpRequest) -> HttpResponse:
    """A keyword is answered by the search engine's ranking (the same ids as 检索), the filters
    applied to it; without one (or without the search app) the database's index serves."""
    form, query = hall_query_from(request)
    ranked = achievement_hall_ranked(query, RANKED_CAP)
    paginator: Paginator
    if ranked is not None:
        paginator = RankedPaginator(ranked, PAGE_SIZE)
    else:
        cap = KEYWORD_COUNT_CAP if query.q else COUNT_CAP
        paginator = CappedPaginator(achievement_hall(query), PAGE_SIZE, cap, ids_first=not query.q)
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    broader = ""
    if ranked is not None and not ranked.ids and params.urlencode() != urlencode({"q": query.q}):
        broader = urlencode({"q": query.q})  # the keyword alone, every filter dropped
    context = {
        "form": form,
        "page": page,
        "query": query,
        "params": params.urlencode(),
        "suggestions": ranked.suggestions[:3] if ranked is not None and not ranked.ids else [],
        "broader": broader,
    }
    partial = request.headers.get("HX-Request") == "true"
    template = "achievements/_hall_results.html" if partial else "achievements/hall.html"
    return render(request, template, context)


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Attachments and rights grants are rare: EXISTS flags in the one query, the rows only if any.
    achievement = get_object_or_404(
        achievement_for_detail(achievement_visible_to(request.user))
        .annotate(has_attachments=Exists(Attachment.objects.filter(achievement=OuterRef("pk"))))
        .select_related("owner")
        .defer("search_text"),
        pk=pk,
    )
    # A plain query, not prefetch_related: its machinery costs more than the query (docs/deploy.md).
    completers = list(achievement.completers.all())
    user = request.user
    is_owner = user.is_authenticated and user.organisation_id == achievement.owner_id
    can_edit = (
        user.is_authenticated
        and is_owner
        and user.can_edit_achievements
        and achievement.status in services.EDITABLE_STATES
    )
    can_review = (
        user.is_authenticated
        and user.is_reviewer
        and achievement.status == AchievementStatus.SUBMITTED
    )
    context = {
        "a": achievement,
        "completers": completers,
        "is_owner": is_owner,
        "can_edit": can_edit,
        "can_review": can_review,
        # The forms only for those who see them: most readers are the public.
        "reason_form": ReasonForm() if can_review else None,
        "attachment_form": AttachmentForm() if can_edit else None,
    }
    return render(request, "achievements/detail.html", context)


def _initial(achievement: Achievement) -> dict[str, object]:
    initial: dict[str, object] = {k: getattr(achievement, k) for k in services.EDITABLE_FIELDS}
    initial["keywords"] = "，".join(achievement.keywords)
    initial["completers"] = "\n".join(
        f"{c.name}，{c.employer}" if c.employer else c.name for c in achievement.completers.all()
    )
    return initial


@login_required
def edit(request: AuthedHttpRequest, pk: int | None = None) -> HttpResponse:
    user = request.user
    if not user.can_edit_achievements:
        raise PermissionDenied(services.ERR_NOT_EDITOR)
    achievement = None
    if pk is not None:
        achievement = get_object_or_404(
            Achievement.objects.filter(owner_id=user.organisation_id),
            pk=pk,
        )
    if request.method == "POST":
        form = AchievementForm(request.POST)
        if form.is_valid():
            try:
                if achievement is None:
                    achievement = services.achievement_create(
                        user=user, data=form.service_data(), completers=form.completer_rows()
                    )
                else:
                    achievement = services.achievement_update(
                        user=user,
                        achievement=achievement,
                        data=form.service_data(),
                        completers=form.completer_rows(),
                    )
            except ValidationError as exc:
                form.apply_errors(exc)
            else:
                messages.success(request, "成果已保存为草稿。")
                return redirect("achievements:detail", pk=achievement.pk)
    else:
        form = AchievementForm(initial=_initial(achievement) if achievement else None)
    return render(request, "achievements/form.html", {"form": form, "a": achievement})


TRANSITION_MESSAGES = {
    "submit": "已提交主管部门审核。",
    "publish": "成果已发布到成果大厅。",
    "return": "已退回单位修改。",
    "delist": "成果已下架。",
}


@login_required
@require_POST
def transition(request: AuthedHttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in TRANSITION_MESSAGES:
        raise Http404
    achievement = get_object_or_404(achievement_visible_to(request.user), pk=pk)
    form = ReasonForm(request.POST)
    reason = form.data.get("reason", "") if form.is_bound else ""
    try:
        services.achievement_transition(
            user=request.user, achievement=achievement, action=action, reason=str(reason)
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, TRANSITION_MESSAGES[action])
    return redirect("achievements:detail", pk=pk)


@login_required
@require_POST
def attachment_upload(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    achievement = get_object_or_404(achievement_visible_to(request.user), pk=pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attachment_add(
                user=request.user, achievement=achievement, upload=form.cleaned_data["file"]
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, "附件已上传。")
    else:
        for field_errors in form.errors.values():
            for error in field_errors:
                messages.error(request, str(error))
    return redirect("achievements:detail", pk=pk)


def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """Serve an attachment only to those who may see its achievement, as a download."""
    attachment = get_object_or_404(Attachment, pk=pk)
    if not achievement_visible_to(request.user).filter(pk=attachment.achievement_id).exists():
        raise Http404
    return download_response(attachment)
