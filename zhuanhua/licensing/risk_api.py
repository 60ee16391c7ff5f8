"""REST endpoints of issue 20.4–5: a claim on an overdue obligation, the provider's decision
(a payout is a payment with its payer), the provider's exposure, and the credit referral.

Mounted beside ``licensing.api`` under ``/api/licensing``; each handler calls one service.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.security import django_auth

from zhuanhua.accounts.http import AuthedHttpRequest
from zhuanhua.core.inputs import Day, LongText, Money, Text
from zhuanhua.licensing import cover, referral
from zhuanhua.licensing.models import RiskClaim
from zhuanhua.licensing.selectors import claims_visible_to, licences_visible_to
from zhuanhua.licensing.services import ERR_NOT_PROVIDER, is_cover_provider, is_licensor_editor

router = Router(tags=["先使用后付费 licensing"])

ERR_NO_SUCH_COVER = "该许可没有此项保障"


class CoverClaimIn(Schema):
    cover_id: int
    obligation_ref: Text = Field(..., max_length=100)


class ClaimDecisionIn(Schema):
    decision: Text = Field(..., max_length=10, description="pay 赔付 / reject 不予赔付")
    resolution: LongText = Field(..., max_length=5000)
    payout_amount: Money | None = None
    paid_on: Day | None = None


class CreditReferralIn(Schema):
    reason: LongText = Field(..., max_length=5000)


def claim_out(claim: RiskClaim) -> dict[str, Any]:
    covered = cover.claim_coverage(claim)
    return {
        "id": claim.pk,
        "cover_id": claim.cover_id,
        "licence_id": claim.cover.licence_id,
        "provider": claim.cover.provider.name,
        "status": claim.status,
        "obligation_ref": claim.obligation_ref,
        "obligation": claim.obligation_label,
        "overdue_amount": None if claim.overdue_amount is None else str(claim.overdue_amount),
        "opened_on": claim.opened_on.isoformat(),
        "payout_amount": None if claim.payout_amount is None else str(claim.payout_amount),
        "payment_id": claim.payment_id,
        "covered": [{"obligation": c.label, "amount": str(c.amount)} for c in covered],
        "resolution": claim.resolution,
        "handled_on": claim.handled_on.isoformat() if claim.handled_on else None,
    }


@router.post(
    "/licences/{licence_id}/claims",
    response={201: dict},
    auth=django_auth,
    summary="就逾期义务发起担保/保险理赔（许可方）",
)
def open_claim(request: AuthedHttpRequest, licence_id: int, payload: CoverClaimIn) -> Status:
    licence = get_object_or_404(licences_visible_to(request.user), pk=licence_id)
    if not is_licensor_editor(request.user, licence.licensor_id):
        raise PermissionDenied(cover.ERR_NOT_CLAIMANT)
    chosen = licence.covers.filter(pk=payload.cover_id).first()
    if chosen is None:
        raise ValidationError({"cover_id": [ERR_NO_SUCH_COVER]})
    claim = cover.claim_open(user=request.user, cover=chosen, obligation_ref=payload.obligation_ref)
    return Status(201, claim_out(claim))


@router.post(
    "/claims/{claim_id}/decision",
    response=dict,
    auth=django_auth,
    summary="担保/保险机构处理理赔：赔付（记为付款，付款方为本机构）或不予赔付",
)
def decide_claim(
    request: AuthedHttpRequest, claim_id: int, payload: ClaimDecisionIn
) -> dict[str, Any]:
    claim = get_object_or_404(claims_visible_to(request.user), pk=claim_id)
    decided = cover.claim_decide(
        user=request.user,
        claim=claim,
        decision=payload.decision,
        resolution=payload.resolution,
        payout_amount=payload.payout_amount,
        paid_on=payload.paid_on,
    )
    return claim_out(decided)


@router.get(
    "/covers/exposure",
    response=dict,
    auth=django_auth,
    summary="本机构的保障敞口：保障限额、理赔与已赔付",
)
def exposure(request: AuthedHttpRequest) -> dict[str, Any]:
    if not is_cover_provider(request.user):
        raise PermissionDenied(ERR_NOT_PROVIDER)
    rows, totals = cover.provider_exposure(request.user)
    money = {k: str(v) if isinstance(v, Decimal) else v for k, v in totals.items()}
    return {
        "totals": money,
        "covers": [
            {
                "cover_id": r.cover.pk,
                "licence_id": r.cover.licence_id,
                "kind": r.cover.kind,
                "share": str(r.cover.share),
                "limit_amount": str(r.cover.limit_amount),
                "claims": r.claims,
                "open_claims": r.open_claims,
                "paid_out": str(r.paid_out),
                "left": str(r.left),
            }
            for r in rows
        ],
    }


@router.post(
    "/licences/{licence_id}/credit-referral",
    response={201: dict},
    auth=django_auth,
    summary="移送诚信审查（违约风险预警后，许可方；由主管部门听取陈述申辩后决定）",
)
def refer(request: AuthedHttpRequest, licence_id: int, payload: CreditReferralIn) -> Status:
    licence = get_object_or_404(licences_visible_to(request.user), pk=licence_id)
    case = referral.licence_refer_for_credit_review(
        user=request.user, licence=licence, reason=payload.reason
    )
    return Status(
        201,
        {
            "id": case.pk,
            "status": case.status,
            "referred_on": case.referred_on.isoformat(),
            "evidence": case.evidence,
        },
    )
