"""REST endpoints for publicity notices: public reads, an authenticated objection."""

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from ninja.security import django_auth

from zhuanhua.accounts.http import AuthedHttpRequest
from zhuanhua.core.inputs import LongText
from zhuanhua.core.pagination import BoundedLimitOffsetPagination
from zhuanhua.publicity import services
from zhuanhua.publicity.choices import NoticeKind, NoticeStatus
from zhuanhua.publicity.models import Notice, Objection
from zhuanhua.publicity.selectors import can_see_objectors, notice_public_list, notice_visible_to

router = Router(tags=["公示 publicity"])


class ObjectionOut(Schema):
    id: int
    content: str
    filed_on: dt.date
    answer: str
    answered_at: dt.datetime | None
    # Only for the publishing unit and the department; null for everyone else.
    objector_name: str | None = None
    objector_organisation: str | None = None


class NoticeOut(Schema):
    id: int
    kind: str
    kind_label: str
    status: str
    status_label: str
    title: str
    content: str
    publisher_id: int
    publisher_name: str = Field(..., alias="publisher.name")
    subject_type: str
    subject_id: str
    starts_on: dt.date
    period_days: int
    period_unit: str
    ends_on: dt.date
    extended: bool
    calendar_known: bool
    achievement_id: int | None
    licensee_id: int | None
    licensee_name: str | None
    price_amount: Decimal | None
    pricing_method: str
    close_note: str
    published_at: dt.datetime | None
    closed_at: dt.datetime | None

    @staticmethod
    def resolve_kind_label(obj: Notice) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_status_label(obj: Notice) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_licensee_name(obj: Notice) -> str | None:
        return obj.licensee.name if obj.licensee else None


class NoticeDetailOut(NoticeOut):
    # Set by get_notice: they depend on today and on who asks.
    days_left: int | None = Field(None, alias="api_days_left")
    objections: list[ObjectionOut] = Field(..., alias="api_objections")


class NoticeFilters(Schema):
    kind: NoticeKind | None = None
    status: NoticeStatus | None = None


class ObjectionIn(Schema):
    content: LongText = Field(..., min_length=1, max_length=services.OBJECTION_MAX)


def _objection_out(objection: Objection, show: bool) -> dict:
    return {
        "id": objection.pk,
        "content": objection.content,
        "filed_on": objection.filed_on,
        "answer": objection.answer,
        "answered_at": objection.answered_at,
        "objector_name": str(objection.objector) if show else None,
        "objector_organisation": (
            objection.objector_organisation.name
            if show and objection.objector_organisation
            else None
        ),
    }


@router.get("/", response=list[NoticeOut], summary="公示列表（公示中与已结束）")
@paginate(BoundedLimitOffsetPagination)
def list_notices(request: HttpRequest, filters: Query[NoticeFilters]):
    return notice_public_list(kind=filters.kind or "", status=filters.status or "")


@router.get("/{notice_id}", response=NoticeDetailOut, summary="公示详情（含异议与答复）")
def get_notice(request: HttpRequest, notice_id: int) -> Notice:
    notice = get_object_or_404(
        notice_visible_to(request.user).select_related("publisher", "licensee"), pk=notice_id
    )
    show = can_see_objectors(request.user, notice)
    objections = notice.objections.select_related("objector", "objector_organisation")
    notice.api_days_left = (  # type: ignore[attr-defined]
        max((notice.ends_on - timezone.localdate()).days, 0)
        if notice.status == NoticeStatus.PUBLISHED
        else None
    )
    notice.api_objections = [_objection_out(o, show) for o in objections]  # type: ignore[attr-defined]
    return notice


@router.post(
    "/{notice_id}/objections",
    response={201: ObjectionOut},
    auth=django_auth,
    summary="提出异议（实名，公示期届满日前含当日）",
)
def file_objection(request: AuthedHttpRequest, notice_id: int, payload: ObjectionIn) -> Status:
    notice = get_object_or_404(notice_visible_to(request.user), pk=notice_id)
    objection = services.objection_file(user=request.user, notice=notice, content=payload.content)
    return Status(201, _objection_out(objection, show=True))
