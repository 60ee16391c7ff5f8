"""REST endpoints of ending a licence early, corrections (更正) and reversals (冲正).

Mounted beside ``licensing.api`` under ``/api/licensing``. A correction and a reversal accept
an ``Idempotency-Key`` header as reports and payments do: the same key and body record once
and replay the stored response; the same key with another body is a 409.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.shortcuts import get_object_or_404
from ninja import Field, Header, Router, Schema, Status
from ninja.security import django_auth

from zhuanhua.accounts.http import AuthedHttpRequest
from zhuanhua.core.inputs import Day, LongText, Money
from zhuanhua.licensing import services, termination
from zhuanhua.licensing.api import (
    ErrorOut,
    _idempotent,
    _money_key,
    _payment_out,
    _report_out,
    _visible_licence,
)
from zhuanhua.licensing.models import CureNotice, Licence, Payment, TerminationProposal

router = Router(tags=["先使用后付费 licensing"])


class CorrectionIn(Schema):
    period_start: Day
    revenue_amount: Money
    reason: LongText = Field(..., max_length=2000)
    reported_on: Day | None = None


class ReversalIn(Schema):
    reversed_on: Day
    reason: LongText = Field(..., max_length=2000)


class CureNoticeIn(Schema):
    obligations: list[str] = Field(..., max_length=200)
    cure_deadline: Day
    note: LongText = Field("", max_length=2000)


class TerminateIn(Schema):
    reason: LongText = Field(..., max_length=2000)
    terminated_on: Day | None = None


class ProposalIn(Schema):
    terminated_on: Day
    reason: LongText = Field(..., max_length=2000)


class CureNoticeOut(Schema):
    id: int
    licence_id: int
    sent_on: dt.date
    cure_deadline: dt.date
    obligations: list[dict[str, Any]]
    body: str
    status: str
    closed_on: dt.date | None


class TerminationProposalOut(Schema):
    id: int
    licence_id: int
    side: str
    terminated_on: dt.date
    reason: str
    status: str


class LicenceEndedOut(Schema):
    id: int
    status: str
    terminated_on: dt.date | None
    termination_kind: str | None
    termination_reason: str

    @staticmethod
    def resolve_termination_kind(obj: Licence) -> str | None:
        return obj.termination_kind or None


class TerminationAnswerOut(TerminationProposalOut):
    licence: LicenceEndedOut


@router.post(
    "/licences/{licence_id}/revenue-reports/corrections",
    response={200: dict, 201: dict, 409: ErrorOut},
    auth=django_auth,
    summary="更正收入报告（新报告取代原报告，须填原因；支持 Idempotency-Key）",
)
def correct_revenue_report(
    request: AuthedHttpRequest,
    licence_id: int,
    payload: CorrectionIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=200),
) -> Status:
    licence = _visible_licence(request, licence_id)
    body = {**payload.dict(), "revenue_amount": _money_key(payload.revenue_amount)}

    def action() -> tuple[int, Any]:
        report = services.revenue_report_correct(
            user=request.user,
            licence=licence,
            period_start=payload.period_start,
            revenue_amount=payload.revenue_amount,
            reason=payload.reason,
            reported_on=payload.reported_on,
        )
        return 201, _report_out(report)

    return _idempotent(licence, idempotency_key, "revenue-corrections", body, action)


@router.post(
    "/licences/{licence_id}/payments/{payment_id}/reversal",
    response={200: dict, 201: dict, 409: ErrorOut},
    auth=django_auth,
    summary="冲正付款（退票、退款、重复登记；须填原因；支持 Idempotency-Key）",
)
def reverse_payment(
    request: AuthedHttpRequest,
    licence_id: int,
    payment_id: int,
    payload: ReversalIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=200),
) -> Status:
    licence = _visible_licence(request, licence_id)
    payment = get_object_or_404(Payment, pk=payment_id, licence=licence)
    body = {**payload.dict(), "payment": payment.pk}

    def action() -> tuple[int, Any]:
        done = services.payment_reverse(
            user=request.user,
            payment=payment,
            reversed_on=payload.reversed_on,
            reason=payload.reason,
        )
        return 201, _payment_out(done)

    return _idempotent(licence, idempotency_key, "payment-reversals", body, action)


@router.get(
    "/licences/{licence_id}/cure-notices",
    response=list[CureNoticeOut],
    auth=django_auth,
    summary="催告通知",
)
def list_cure_notices(request: AuthedHttpRequest, licence_id: int) -> list[CureNotice]:
    licence = _visible_licence(request, licence_id)
    return list(licence.cure_notices.all())


@router.post(
    "/licences/{licence_id}/cure-notices",
    response={201: CureNoticeOut},
    auth=django_auth,
    summary="发出书面催告（列明逾期义务和补救期限）",
)
def send_cure_notice(request: AuthedHttpRequest, licence_id: int, payload: CureNoticeIn) -> Status:
    licence = _visible_licence(request, licence_id)
    notice = termination.cure_notice_send(
        user=request.user,
        licence=licence,
        refs=payload.obligations,
        cure_deadline=payload.cure_deadline,
        note=payload.note,
    )
    return Status(201, notice)


@router.post(
    "/licences/{licence_id}/termination",
    response={200: LicenceEndedOut},
    auth=django_auth,
    summary="违约解除许可（补救期限届满仍未履行）",
)
def terminate_licence(request: AuthedHttpRequest, licence_id: int, payload: TerminateIn) -> Status:
    licence = _visible_licence(request, licence_id)
    done = termination.licence_terminate_for_breach(
        user=request.user,
        licence=licence,
        reason=payload.reason,
        terminated_on=payload.terminated_on,
    )
    return Status(200, done)


@router.post(
    "/licences/{licence_id}/termination-proposals",
    response={201: TerminationProposalOut},
    auth=django_auth,
    summary="提议协议解除",
)
def propose_termination(request: AuthedHttpRequest, licence_id: int, payload: ProposalIn) -> Status:
    licence = _visible_licence(request, licence_id)
    proposal = termination.termination_propose(
        user=request.user,
        licence=licence,
        terminated_on=payload.terminated_on,
        reason=payload.reason,
    )
    return Status(201, proposal)


@router.post(
    "/licences/{licence_id}/termination-proposals/{proposal_id}/{action}",
    response={200: TerminationAnswerOut},
    auth=django_auth,
    summary="答复协议解除提议（confirm 确认 / decline 拒绝 / withdraw 撤回）",
)
def answer_termination(
    request: AuthedHttpRequest, licence_id: int, proposal_id: int, action: str
) -> Status:
    licence = _visible_licence(request, licence_id)
    proposal = get_object_or_404(TerminationProposal, pk=proposal_id, licence=licence)
    done = termination.termination_answer(user=request.user, proposal=proposal, action=action)
    done.licence.refresh_from_db()  # the licence as the answer left it
    return Status(200, done)
