"""REST endpoints of credit records: the public list of events in force, the detail (hearing,
evidence and appeals only for the department and the party), recording and appeal decisions
(department reviewers)."""

import datetime as dt

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.security import django_auth

from zhuanhua.accounts.http import AuthedHttpRequest
from zhuanhua.core.inputs import Day, LongText, Text
from zhuanhua.core.pagination import BoundedLimitOffsetPagination
from zhuanhua.credit import selectors, services
from zhuanhua.credit.choices import AppealDecision, CreditEventKind
from zhuanhua.credit.models import CreditEvent
from zhuanhua.organisations.models import Organisation

router = Router(tags=["诚信管理 credit"])


class CreditEventOut(Schema):
    id: int
    organisation_id: int
    organisation_name: str = Field(..., alias="organisation.name")
    kind: str
    kind_label: str
    description: str
    status: str  # as of today: an active record past its end date reads "expired"
    effective_from: dt.date
    effective_to: dt.date

    @staticmethod
    def resolve_kind_label(obj: CreditEvent) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_status(obj: CreditEvent) -> str:
        return obj.status_on(timezone.localdate())


class AppealOut(Schema):
    id: int
    filed_on: dt.date
    grounds: str
    decision: str
    reason: str
    decided_on: dt.date


class CreditEventDetailOut(CreditEventOut):
    # null unless the department or the party asks.
    subject_type: str | None = Field(None, alias="api_subject_type")
    subject_id: str | None = Field(None, alias="api_subject_id")
    hearing_on: dt.date | None = Field(None, alias="api_hearing_on")
    party_statement: str | None = Field(None, alias="api_party_statement")
    evidence: list[str] | None = Field(None, alias="api_evidence")
    appeals: list[AppealOut] | None = Field(None, alias="api_appeals")


class CreditEventIn(Schema):
    organisation_id: int
    kind: CreditEventKind
    description: LongText
    party_statement: LongText
    hearing_on: Day
    effective_from: Day
    effective_to: Day
    subject_type: Text = Field("", max_length=64)
    subject_id: Text = Field("", max_length=64)


class AppealIn(Schema):
    filed_on: Day
    grounds: LongText
    decision: AppealDecision
    reason: LongText


def _detail(request: HttpRequest, event: CreditEvent) -> CreditEvent:
    if selectors.can_see_private(request.user, event):
        event.api_subject_type = event.subject_type  # type: ignore[attr-defined]
        event.api_subject_id = event.subject_id  # type: ignore[attr-defined]
        event.api_hearing_on = event.hearing_on  # type: ignore[attr-defined]
        event.api_party_statement = event.party_statement  # type: ignore[attr-defined]
        event.api_evidence = [e.original_name for e in event.evidence.all()]  # type: ignore[attr-defined]
        event.api_appeals = list(event.appeals.all())  # type: ignore[attr-defined]
    return event


@router.get("/", response=list[CreditEventOut], summary="有效的失信记录（公开）")
@paginate(BoundedLimitOffsetPagination)
def list_active(request: HttpRequest):
    return selectors.credit_active_events()


@router.get("/{event_id}", response=CreditEventDetailOut, summary="失信记录详情")
def get_event(request: HttpRequest, event_id: int) -> CreditEvent:
    event = get_object_or_404(
        selectors.credit_event_visible_to(request.user).select_related("organisation"),
        pk=event_id,
    )
    return _detail(request, event)


@router.post(
    "/",
    response={201: CreditEventDetailOut},
    auth=django_auth,
    summary="记录失信行为（须已听取陈述申辩并上传证据；主管部门审核员）",
)
def record_event(
    request: AuthedHttpRequest,
    payload: Form[CreditEventIn],
    evidence: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Status:
    data = services.CreditEventInput(
        organisation=Organisation.objects.filter(pk=payload.organisation_id).first(),
        kind=payload.kind,
        description=payload.description,
        party_statement=payload.party_statement,
        hearing_on=payload.hearing_on,
        effective_from=payload.effective_from,
        effective_to=payload.effective_to,
        subject_type=payload.subject_type,
        subject_id=payload.subject_id,
    )
    event = services.credit_event_record(user=request.user, data=data, evidence=evidence or [])
    return Status(201, _detail(request, event))


@router.post(
    "/{event_id}/appeal",
    response=CreditEventDetailOut,
    auth=django_auth,
    summary="记录申诉及复核决定（撤销或维持；主管部门审核员）",
)
def decide_appeal(request: AuthedHttpRequest, event_id: int, payload: AppealIn) -> CreditEvent:
    event = get_object_or_404(selectors.credit_event_visible_to(request.user), pk=event_id)
    event = services.credit_appeal_decide(user=request.user, event=event, **payload.dict())
    return _detail(request, event)
