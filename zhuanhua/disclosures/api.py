"""REST endpoints of disclosures (职务成果披露): list, create, read, submit, decide — the same
services and visibility as the pages (a researcher their own; the unit's managers what was
submitted to their unit)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from ninja.security import django_auth

from zhuanhua.accounts.http import AuthedHttpRequest
from zhuanhua.achievements.choices import IndustryField, IpType
from zhuanhua.core.inputs import Day, LongText, Text
from zhuanhua.core.pagination import BoundedLimitOffsetPagination
from zhuanhua.disclosures import selectors, services
from zhuanhua.disclosures.choices import FundingSource, IpStatus
from zhuanhua.disclosures.models import Disclosure

router = Router(tags=["职务成果披露 disclosures"], auth=django_auth)


class DisclosureCompleterIn(Schema):
    name: Text = Field(..., max_length=60)
    share: Decimal = Field(..., gt=0, le=100, decimal_places=2, description="贡献份额（%）")
    employer: Text = Field("", max_length=200)


class DisclosureCompleterOut(Schema):
    name: str
    share: str
    employer: str = ""


class DisclosureIn(Schema):
    title: Text = Field(..., max_length=200)
    summary: LongText
    industry_field: IndustryField
    completers: list[DisclosureCompleterIn] = Field(..., max_length=20)
    funding_source: FundingSource
    funding_project: Text = Field("", max_length=200)
    ip_status: IpStatus
    ip_type: IpType | None = None
    ip_number: Text = Field("", max_length=64)
    ip_date_on: Day | None = None
    ip_plan: LongText = ""
    readiness: int = Field(..., ge=1, le=9, description="技术成熟度 1–9")
    commercial_contacts: LongText = ""
    conflicts: LongText


class DisclosureDecisionIn(Schema):
    # accept 受理（登记成果草稿） / return 退回修改 / decline 不予受理
    decision: Literal["accept", "return", "decline"]
    reason: LongText = ""


class DisclosureOut(Schema):
    id: int
    unit_id: int
    unit_name: str = Field(..., alias="unit.name")
    researcher_id: int
    title: str
    summary: str
    industry_field: str
    completers: list[DisclosureCompleterOut]
    funding_source: str
    funding_project: str
    ip_status: str
    ip_type: str
    ip_number: str
    ip_date_on: dt.date | None
    ip_plan: str
    readiness: int
    commercial_contacts: str
    conflicts: str
    status: str
    status_label: str
    submitted_on: dt.date | None
    due_on: dt.date | None
    return_reason: str
    decision_reason: str
    decision_days: int | None
    achievement_id: int | None

    @staticmethod
    def resolve_status_label(obj: Disclosure) -> str:
        return obj.get_status_display()


def _data(payload: DisclosureIn) -> dict[str, object]:
    data = payload.dict()
    data["ip_type"] = data.get("ip_type") or ""
    data["completers"] = [
        {"name": c.name, "share": str(c.share), "employer": c.employer} for c in payload.completers
    ]
    return data


@router.get(
    "/", response=list[DisclosureOut], summary="我可见的披露（本人的；单位管理员：提交本单位的）"
)
@paginate(BoundedLimitOffsetPagination)
def list_disclosures(request: HttpRequest):
    return selectors.disclosures_visible_to(request.user).order_by("-updated_at", "-pk")


@router.post("/", response={201: DisclosureOut}, summary="创建披露草稿（科研人员）")
def create_disclosure(request: AuthedHttpRequest, payload: DisclosureIn) -> Status:
    return Status(201, services.disclosure_create(user=request.user, data=_data(payload)))


@router.get("/{disclosure_id}", response=DisclosureOut, summary="披露详情")
def get_disclosure(request: HttpRequest, disclosure_id: int) -> Disclosure:
    return get_object_or_404(selectors.disclosures_visible_to(request.user), pk=disclosure_id)


@router.put("/{disclosure_id}", response=DisclosureOut, summary="修改草稿或退回的披露（本人）")
def update_disclosure(
    request: AuthedHttpRequest, disclosure_id: int, payload: DisclosureIn
) -> Disclosure:
    disclosure = get_object_or_404(selectors.disclosures_visible_to(request.user), pk=disclosure_id)
    return services.disclosure_update(user=request.user, disclosure=disclosure, data=_data(payload))


@router.post("/{disclosure_id}/submit", response=DisclosureOut, summary="提交单位审核（本人）")
def submit_disclosure(request: AuthedHttpRequest, disclosure_id: int) -> Disclosure:
    disclosure = get_object_or_404(selectors.disclosures_visible_to(request.user), pk=disclosure_id)
    return services.disclosure_submit(user=request.user, disclosure=disclosure)


@router.post(
    "/{disclosure_id}/decide",
    response=DisclosureOut,
    summary="单位审核：受理（登记成果草稿）、退回修改或不予受理（后两者须填写理由）",
)
def decide_disclosure(
    request: AuthedHttpRequest, disclosure_id: int, payload: DisclosureDecisionIn
) -> Disclosure:
    disclosure = get_object_or_404(selectors.disclosures_visible_to(request.user), pk=disclosure_id)
    return services.disclosure_decide(
        user=request.user,
        disclosure=disclosure,
        decision=payload.decision,
        reason=payload.reason,
    )
