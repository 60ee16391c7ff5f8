"""REST endpoints of exemption cases: the same visibility as the pages (404 for anyone who may not
see a case; a person concerned sees their own parts), writes through the services."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.security import django_auth

from zhuanhua.accounts.http import AuthedHttpRequest
from zhuanhua.core.inputs import MAX_LIST_ITEMS, LongText, Text
from zhuanhua.exemption import services
from zhuanhua.exemption.models import CasePerson, ExemptionCase
from zhuanhua.exemption.selectors import (
    Access,
    case_access,
    case_list_for,
    case_warnings,
    rules_visible_to,
)

router = Router(tags=["尽职免责 exemption"], auth=django_auth)


class CaseOut(Schema):
    id: int
    title: str
    unit_id: int
    unit_name: str = Field(..., alias="unit.name")
    status: str
    status_label: str
    activity_kind: str
    created_at: dt.datetime

    @staticmethod
    def resolve_status_label(obj: ExemptionCase) -> str:
        return obj.get_status_display()


class PersonOut(Schema):
    id: int
    role: str
    name: str
    position: str
    user_id: int | None
    checklist: dict
    recommendation: dict
    decision: str
    decision_reason: str
    final_decision: str


class RecordOut(Schema):
    id: int
    kind: str
    title: str
    content: str
    party: str
    person_id: int | None
    recorded_on: dt.date
    file_name: str


class CaseDetailOut(CaseOut):
    activity_description: str
    subject_type: str
    subject_id: str
    # Only for handlers and the department (null for a person concerned).
    loss_amount: Decimal | None = Field(None, alias="api_loss_amount")
    notice_id: int | None = Field(None, alias="api_notice_id")
    decision_text: str
    decided_on: dt.date | None
    effects_text: str
    warnings: list[str] = Field(..., alias="api_warnings")
    persons: list[PersonOut] = Field(..., alias="api_persons")
    records: list[RecordOut] = Field(..., alias="api_records")


class ChecklistIn(Schema):
    diligence: dict[Text, bool] = Field(..., max_length=MAX_LIST_ITEMS)
    intentional: bool = False
    grounds: list[Text] = Field([], max_length=MAX_LIST_ITEMS)
    exclusions: list[Text] = Field([], max_length=MAX_LIST_ITEMS)
    minor_fault: bool = False


class DecisionIn(Schema):
    decision: Text = Field(..., max_length=32)
    reason: LongText = ""


class RulesOut(Schema):
    id: int
    unit_id: int
    kind: str
    title: str
    adopted_on: dt.date | None
    adoption_record: str
    notice_id: int | None


def _case(request: HttpRequest, case_id: int) -> tuple[ExemptionCase, Access]:
    case = get_object_or_404(ExemptionCase.objects.select_related("unit"), pk=case_id)
    access = case_access(request.user, case)
    if access is None:
        raise Http404
    return case, access


def _person(request: HttpRequest, case_id: int, person_id: int) -> CasePerson:
    case, access = _case(request, case_id)
    person = get_object_or_404(CasePerson, pk=person_id, case=case)
    if not access.sees_person(person):
        raise Http404
    person.case = case
    return person


def _record_out(record: Any) -> dict[str, Any]:
    return {
        "id": record.pk,
        "kind": record.kind,
        "title": record.title,
        "content": record.content,
        "party": record.party,
        "person_id": record.person_id,
        "recorded_on": record.recorded_on,
        "file_name": record.original_name,
    }


@router.get("/cases", response=list[CaseOut], summary="可见的尽职免责案件")
def list_cases(request: AuthedHttpRequest) -> Any:
    return list(case_list_for(request.user)[:500])


@router.get("/cases/{case_id}", response=CaseDetailOut, summary="案件详情（当事人员只见本人部分）")
def get_case(request: AuthedHttpRequest, case_id: int) -> ExemptionCase:
    case, access = _case(request, case_id)
    case.api_persons = [p for p in case.persons.all() if access.sees_person(p)]  # type: ignore[attr-defined]
    case.api_records = [  # type: ignore[attr-defined]
        _record_out(r) for r in case.records.all() if access.sees_record(r)
    ]
    case.api_loss_amount = case.loss_amount if access.full else None  # type: ignore[attr-defined]
    case.api_notice_id = case.notice_id if access.full else None  # type: ignore[attr-defined]
    case.api_warnings = case_warnings(case) if access.full else []  # type: ignore[attr-defined]
    return case


@router.put(
    "/cases/{case_id}/persons/{person_id}/checklist",
    response=PersonOut,
    summary="保存核查清单并返回系统建议（仅供参考）",
)
def put_checklist(
    request: AuthedHttpRequest, case_id: int, person_id: int, payload: ChecklistIn
) -> CasePerson:
    person = _person(request, case_id, person_id)
    return services.checklist_save(user=request.user, person=person, checklist=payload.dict())


@router.post(
    "/cases/{case_id}/persons/{person_id}/decision",
    response=PersonOut,
    summary="记录单位对该人员的认定结论",
)
def post_decision(
    request: AuthedHttpRequest, case_id: int, person_id: int, payload: DecisionIn
) -> CasePerson:
    person = _person(request, case_id, person_id)
    return services.person_decide(
        user=request.user, person=person, decision=payload.decision, reason=payload.reason
    )


@router.post("/cases/{case_id}/conclude", response=CaseOut, summary="结束调查，形成认定结论")
def post_conclude(request: AuthedHttpRequest, case_id: int) -> ExemptionCase:
    case, _ = _case(request, case_id)
    return services.case_conclude(user=request.user, case=case)


@router.get("/rules", response=list[RulesOut], summary="单位制度（本单位与主管部门可见）")
def list_rules(request: AuthedHttpRequest) -> Any:
    return list(rules_visible_to(request.user).order_by("unit_id", "kind", "-id")[:500])
