"""REST endpoints for achievements: public reads, unit writes, reviewer moves."""

import datetime as dt

from django.db.models import Prefetch
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from ninja.security import django_auth

from zhuanhua.accounts.http import AuthedHttpRequest
from zhuanhua.achievements import services
from zhuanhua.achievements.choices import AchievementStatus, IndustryField, IpType, TransferStatus
from zhuanhua.achievements.forms import MAX_COMPLETERS
from zhuanhua.achievements.models import Achievement, Completer
from zhuanhua.achievements.selectors import (
    RELEVANCE,
    HallQuery,
    achievement_hall,
    achievement_hall_ranked,
    achievement_visible_to,
)
from zhuanhua.achievements.views import RANKED_CAP
from zhuanhua.core.inputs import Day, LongText, Text
from zhuanhua.core.pagination import BoundedLimitOffsetPagination
from zhuanhua.core.ranked import RankedRows

router = Router(tags=["成果 achievements"])


class CompleterSchema(Schema):
    name: str = Field(..., max_length=60)
    employer: str = Field("", max_length=200)


class CompleterIn(Schema):
    name: Text = Field(..., max_length=60)
    employer: Text = Field("", max_length=200)


class AchievementOut(Schema):
    id: int
    title: str
    summary: str
    keywords: list[str]
    industry_field: str
    ip_type: str
    ip_number: str
    ip_acquired_on: dt.date | None
    trl: int
    is_service: bool
    fiscally_funded: bool
    funding_programme: str
    is_applied_technology: bool
    transfer_status: str
    status: str
    prefecture: str
    owner_id: int
    owner_name: str
    published_at: dt.datetime | None
    completers: list[CompleterSchema]

    @staticmethod
    def resolve_owner_name(obj: Achievement) -> str:
        # A resolver, not alias="owner.name": Ninja resolves a dotted alias through a Django
        # template Variable built afresh for every item.
        return obj.owner.name

    @staticmethod
    def resolve_completers(obj: Achievement) -> list[dict[str, str]]:
        # The list read by _with_related's Prefetch(to_attr=...): no queryset built per item.
        rows = getattr(obj, "completer_rows", None)
        if rows is None:
            rows = obj.completers.all()
        return [{"name": c.name, "employer": c.employer} for c in rows]


class AchievementIn(Schema):
    title: Text = Field(..., min_length=1, max_length=200)
    summary: LongText = Field(..., min_length=1)
    keywords: list[Text] = Field(default_factory=list, max_length=20)
    industry_field: IndustryField
    ip_type: IpType
    ip_number: Text = Field("", max_length=64)
    ip_acquired_on: Day | None = None
    trl: int = Field(..., ge=1, le=9)
    is_service: bool = True
    fiscally_funded: bool = False
    funding_programme: Text = Field("", max_length=200)
    is_applied_technology: bool = True
    transfer_status: TransferStatus = TransferStatus.UNTRANSFERRED
    transferred_on: Day | None = None
    completers: list[CompleterIn] = Field(..., min_length=1, max_length=MAX_COMPLETERS)


class AchievementPatch(Schema):
    title: Text | None = Field(None, min_length=1, max_length=200)
    summary: LongText | None = Field(None, min_length=1)
    keywords: list[Text] | None = Field(None, max_length=20)
    industry_field: IndustryField | None = None
    ip_type: IpType | None = None
    ip_number: Text | None = Field(None, max_length=64)
    ip_acquired_on: Day | None = None
    trl: int | None = Field(None, ge=1, le=9)
    transfer_status: TransferStatus | None = None
    completers: list[CompleterIn] | None = Field(None, max_length=MAX_COMPLETERS)


class TransitionIn(Schema):
    action: str = Field(..., pattern="^(submit|publish|return|delist)$")
    reason: LongText = Field("", max_length=500)


class HallFilters(Schema):
    q: Text = Field("", max_length=200)
    ip_type: IpType | None = None
    prefecture: Text = Field("", max_length=6)
    industry_field: IndustryField | None = None
    transfer_status: TransferStatus | None = None
    trl_min: int | None = Field(None, ge=1, le=9)
    # "" (the default): by relevance with a keyword (the search engine's ranking, as the hall),
    # newest first without one.
    sort: str = Field("", pattern="^(|relevance|newest|oldest|trl|title)$")


# The columns AchievementOut reads (its plain fields, and the owner's name for the resolver):
# never the search tokens, nor the owner's other fields.
OUT_FIELDS = (
    *(name for name in AchievementOut.model_fields if name not in ("owner_name", "completers")),
    "owner__name",
)
COMPLETER_FIELDS = ("id", "achievement_id", "name", "employer", "order")


def _for_output(qs):
    return qs.select_related("owner").only(*OUT_FIELDS)


def _with_related(qs):
    return _for_output(qs).prefetch_related(
        Prefetch(
            "completers",
            queryset=Completer.objects.only(*COMPLETER_FIELDS),
            to_attr="completer_rows",
        )
    )


@router.get("/", response=list[AchievementOut], summary="成果大厅（已发布成果）")
@paginate(BoundedLimitOffsetPagination)
def list_published(request: HttpRequest, filters: Query[HallFilters]):
    query = HallQuery(
        q=filters.q,
        ip_type=filters.ip_type or "",
        prefecture=filters.prefecture,
        industry_field=filters.industry_field or "",
        transfer_status=filters.transfer_status or "",
        trl_min=filters.trl_min,
        sort=filters.sort or (RELEVANCE if filters.q else "newest"),
    )
    ranked = achievement_hall_ranked(query, RANKED_CAP)
    if ranked is not None:
        return RankedRows(ranked.ids, _published_by_id)
    return _with_related(achievement_hall(query))


def _published_by_id(ids: list[int]):
    return _with_related(Achievement.objects.filter(pk__in=ids, status=AchievementStatus.PUBLISHED))


@router.get("/mine", response=list[AchievementOut], auth=django_auth, summary="本单位成果")
@paginate(BoundedLimitOffsetPagination)
def list_mine(request: AuthedHttpRequest):
    org_id = request.user.organisation_id
    return _with_related(Achievement.objects.filter(owner_id=org_id).order_by("-id"))


@router.get("/{achievement_id}", response=AchievementOut, summary="成果详情")
def get_achievement(request: HttpRequest, achievement_id: int) -> Achievement:
    achievement = get_object_or_404(
        _for_output(achievement_visible_to(request.user)), pk=achievement_id
    )
    # One achievement: its completers by a plain query (prefetch_related's machinery cost more).
    achievement.completer_rows = list(achievement.completers.only(*COMPLETER_FIELDS))
    return achievement


@router.post("/", response={201: AchievementOut}, auth=django_auth, summary="新建成果（草稿）")
def create_achievement(request: AuthedHttpRequest, payload: AchievementIn) -> Status:
    data = payload.dict(exclude={"completers"})
    achievement = services.achievement_create(
        user=request.user, data=data, completers=[c.dict() for c in payload.completers]
    )
    return Status(201, achievement)


@router.patch("/{achievement_id}", response=AchievementOut, auth=django_auth, summary="修改成果")
def update_achievement(
    request: AuthedHttpRequest, achievement_id: int, payload: AchievementPatch
) -> Achievement:
    achievement = get_object_or_404(achievement_visible_to(request.user), pk=achievement_id)
    data = payload.dict(exclude_unset=True, exclude={"completers"})
    completers = [c.dict() for c in payload.completers] if payload.completers is not None else None
    return services.achievement_update(
        user=request.user, achievement=achievement, data=data, completers=completers
    )


@router.post(
    "/{achievement_id}/transition",
    response=AchievementOut,
    auth=django_auth,
    summary="提交 / 发布 / 退回 / 下架",
)
def transition_achievement(
    request: AuthedHttpRequest, achievement_id: int, payload: TransitionIn
) -> Achievement:
    achievement = get_object_or_404(achievement_visible_to(request.user), pk=achievement_id)
    return services.achievement_transition(
        user=request.user, achievement=achievement, action=payload.action, reason=payload.reason
    )
