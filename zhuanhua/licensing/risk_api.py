"""REST endpoints of issue 20.4–5: a claim on an overdue obligation, the provider's decision
(a payout is a payment with its payer), the provider's exposure, and the credit referral.

Mounted beside ``licensing.api`` under ``/api/licensing``; each handler calls one service.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
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


class CoverCoveredOut(Schema):
    obligation: str = Field(..., alias="label")
    amount: str

    @staticmethod
    def resolve_amount(obj: cover.Covered) -> str:
        return str(obj.amount)


class CoverClaimOut(Schema):
    id: int
    cover_id: int
    licence_id: int = Field(..., alias="cover.licence_id")
    provider: str = Field(..., alias="cover.provider.name")
    status: str
    obligation_ref: str
    obligation: str = Field(..., alias="obligation_label")
    overdue_amount: str | None
    opened_on: dt.date
    payout_amount: str | None
    payment_id: int | None
    covered: list[CoverCoveredOut]
    resolution: str
    handled_on: dt.date | None

    @staticmethod
    def resolve_overdue_amount(obj: RiskClaim) -> str | None:
        return None if obj.overdue_amount is None else str(obj.overdue_amount)

    @staticmethod
    def resolve_payout_amount(obj: RiskClaim) -> str | None:
        return None if obj.payout_amount is None else str(obj.payout_amount)

    @staticmethod
    def resolve_covered(obj: RiskClaim) -> list[cover.Covered]:
        return cover.claim_coverage(obj)


class CoverExposureTotalsOut(Schema):
    covered: str
    claims: int
    open_claims: int
    paid_out: str

    @staticmethod
    def resolve_covered(obj: dict[str, Any]) -> str:
        return str(obj["covered"])

    @staticmethod
    def resolve_paid_out(obj: dict[str, Any]) -> str:
        return str(obj["paid_out"])


class CoverExposureRowOut(Schema):
    cover_id: int = Field(..., alias="cover.pk")
    licence_id: int = Field(..., alias="cover.licence_id")
    kind: str = Field(..., alias="cover.kind")
    share: str
    limit_amount: str
    claims: int
    open_claims: int
    paid_out: str
    left: str

    @staticmethod
    def resolve_share(obj: cover.Exposure) -> str:
        return str(obj.cover.share)

    @staticmethod
    def resolve_limit_amount(obj: cover.Exposure) -> str:
        return str(obj.cover.limit_amount)

    @staticmethod
    def resolve_paid_out(obj: cover.Exposure) -> str:
        return str(obj.paid_out)

    @staticmethod
    def resolve_left(obj: cover.Exposure) -> str:
        return str(obj.left)


class CoverExposureOut(Schema):
    totals: CoverExposureTotalsOut
    covers: list[CoverExposureRowOut]


@dataclass
class Exposures:
    """What ``cover.provider_exposure`` answers, for ``CoverExposureOut``."""

    totals: dict[str, Any]
    covers: list[cover.Exposure]


class LicenceCreditReferralOut(Schema):
    id: int
    status: str
    referred_on: dt.date
    evidence: list[dict[str, Any]]


@router.post(
    "/licences/{licence_id}/claims",
    response={201: CoverClaimOut},
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
    return Status(201, claim)


@router.post(
    "/claims/{claim_id}/decision",
    response=CoverClaimOut,
    auth=django_auth,
    summary="担保/保险机构处理理赔：赔付（记为付款，付款方为本机构）或不予赔付",
)
def decide_claim(request: AuthedHttpRequest, claim_id: int, payload: ClaimDecisionIn) -> RiskClaim:
    claim = get_object_or_404(claims_visible_to(request.user), pk=claim_id)
    decided = cover.claim_decide(
        user=request.user,
        claim=claim,
        decision=payload.decision,
        resolution=payload.resolution,
        payout_amount=payload.payout_amount,
        paid_on=payload.paid_on,
    )
    return decided


@router.get(
    "/covers/exposure",
    response=CoverExposureOut,
    auth=django_auth,
    summary="本机构的保障敞口：保障限额、理赔与已赔付",
)
def exposure(request: AuthedHttpRequest) -> Exposures:
    if not is_cover_provider(request.user):
        raise PermissionDenied(ERR_NOT_PROVIDER)
    rows, totals = cover.provider_exposure(request.user)
    return Exposures(totals=totals, covers=rows)


@router.post(
    "/licences/{licence_id}/credit-referral",
    response={201: LicenceCreditReferralOut},
    auth=django_auth,
    summary="移送诚信审查（违约风险预警后，许可方；由主管部门听取陈述申辩后决定）",
)
def refer(request: AuthedHttpRequest, licence_id: int, payload: CreditReferralIn) -> Status:
    licence = get_object_or_404(licences_visible_to(request.user), pk=licence_id)
    case = referral.licence_refer_for_credit_review(
        user=request.user, licence=licence, reason=payload.reason
    )
    return Status(201, case)
