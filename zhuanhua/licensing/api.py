"""REST endpoints of 先使用后付费: public offers; inquiries and licences for their two parties.

An inquiry or licence someone may not see is a 404, as on the pages. Revenue reports and
payments accept an ``Idempotency-Key`` header: the same key and body record once and replay
the stored response; the same key with another body is a 409.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from ninja import Field, File, Form, Header, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.security import django_auth

from zhuanhua.accounts.http import AuthedHttpRequest
from zhuanhua.achievements.selectors import achievement_visible_to
from zhuanhua.core.inputs import Day, LongText, Money, Money14, Text
from zhuanhua.core.pagination import BoundedLimitOffsetPagination
from zhuanhua.licensing import deals, services
from zhuanhua.licensing.models import (
    ContractRegistration,
    DistributionPlan,
    Inquiry,
    Licence,
    LicenceOffer,
    Payment,
    RevenueReport,
    RiskClaim,
    RiskCover,
    ShareRegistration,
    SignedContract,
)
from zhuanhua.licensing.selectors import (
    can_see_distributions,
    claims_visible_to,
    covers_of_provider,
    distributions_visible_to,
    inquiries_visible_to,
    licence_for_cover,
    licence_plan,
    licences_visible_to,
    offers_public,
    versions_with_diffs,
)

router = Router(tags=["先使用后付费 licensing"])


class ErrorOut(Schema):
    detail: str


class OfferOut(Schema):
    id: int
    deal_kind: str  # license / assignment / equity_contribution
    achievement_id: int
    achievement_title: str = Field(..., alias="achievement.title")
    licensor_name: str = Field(..., alias="achievement.owner.name")
    summary: str
    fee_standard: str
    fee_model: str
    terms: dict[str, Any]
    license_mode: str
    term_months: int
    field_of_use: str
    territory: str
    created_at: dt.datetime


class OfferIn(Schema):
    """A licence listing (default) or an assignment's (``deal_kind`` ``assignment``: fee model
    ``staged``, no licence mode; term_months is the time to pay). An equity listing, with its
    evaluation report, is ``POST /equity-offers``."""

    achievement_id: int
    deal_kind: Literal["license", "assignment"] = "license"
    summary: LongText = Field(..., max_length=5000)
    fee_standard: LongText = Field(..., max_length=5000)
    fee_model: Text = Field(..., max_length=20)
    terms: dict[str, Any]
    license_mode: Text = Field("", max_length=20)
    term_months: int
    field_of_use: Text = Field("", max_length=200)
    territory: Text = Field("", max_length=200)


class OfferFilters(Schema):
    fee_model: Text | None = Field(None, max_length=20)
    deal_kind: Text | None = Field(
        None, max_length=24
    )  # license / assignment / equity_contribution


class InquiryIn(Schema):
    message: LongText = Field("", max_length=5000)


class MessageIn(Schema):
    body: LongText = Field(..., max_length=5000)


class WithdrawIn(Schema):
    reason: LongText = Field("", max_length=500)


class VersionIn(Schema):
    terms: dict[str, Any]
    note: LongText = Field("", max_length=500)


class RevenueReportIn(Schema):
    period_start: Day
    revenue_amount: Money
    reported_on: Day | None = None


class MilestoneIn(Schema):
    key: Text = Field(..., max_length=100)
    achieved_on: Day


class PaymentIn(Schema):
    amount: Money
    paid_on: Day
    ref: Text = Field("", max_length=100)
    # The part paid with innovation vouchers (≤ amount); spent from the licensee's quota.
    voucher_amount: Money14 | None = None


def _inquiry_out(inquiry: Inquiry) -> dict[str, Any]:
    licence = getattr(inquiry, "licence", None) if inquiry.status == "accepted" else None
    return {
        "id": inquiry.pk,
        "offer_id": inquiry.offer_id,
        "achievement_id": inquiry.offer.achievement_id,
        "licensor_id": inquiry.licensor_id,
        "licensee_id": inquiry.licensee_id,
        "status": inquiry.status,
        "licence_id": licence.pk if licence else None,
        "created_at": inquiry.created_at.isoformat(),
    }


def _version_out(version: Any, changes: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "number": version.number,
        "side": version.side,
        "terms": version.terms,
        "note": version.note,
        "created_at": version.created_at.isoformat(),
        "changes": changes,
    }


def _licence_out(licence: Licence, as_of: dt.date | None = None) -> dict[str, Any]:
    as_of = as_of or timezone.localdate()
    return {
        "id": licence.pk,
        "deal_kind": licence.deal_kind,
        "inquiry_id": licence.inquiry_id,
        "achievement_id": licence.achievement_id,
        "licensor_id": licence.licensor_id,
        "licensee_id": licence.licensee_id,
        "fee_model": licence.fee_model,
        "license_mode": licence.license_mode,
        "terms": licence.terms,
        "accepted_version": licence.accepted_version.number,
        "start": licence.start.isoformat(),
        "end": licence.end.isoformat(),
        "status": licence.status,
        "signed_on": licence.signed_on.isoformat() if licence.signed_on else None,
        "terminated_on": licence.terminated_on.isoformat() if licence.terminated_on else None,
        "termination_kind": licence.termination_kind or None,
        "termination_reason": licence.termination_reason,
        "pricing_method": licence.pricing_method,
        "registration": _registration_out(licence),
        "plan": licence_plan(licence, as_of).to_json(),
    }


def _registration_out(licence: Licence) -> dict[str, Any] | None:
    """The 认定登记 (the two parties and the department see the licence, hence this)."""
    reg = ContractRegistration.objects.filter(licence=licence).first()
    return services.registration_state(reg) if reg else None


def _report_out(report: RevenueReport) -> dict[str, Any]:
    return {
        "id": report.pk,
        "licence_id": report.licence_id,
        "period_start": report.period_start.isoformat(),
        "period_end": report.period_end.isoformat(),
        "revenue_amount": str(report.revenue_amount),
        "reported_on": report.reported_on.isoformat(),
        "supersedes_id": report.supersedes_id,
        "correction_reason": report.correction_reason,
    }


def _payment_out(payment: Payment) -> dict[str, Any]:
    spend = payment.voucher_spend
    return {
        "id": payment.pk,
        "licence_id": payment.licence_id,
        "amount": str(payment.amount),
        "paid_on": payment.paid_on.isoformat(),
        "ref": payment.ref,
        "voucher_amount": str(payment.voucher_amount),
        "voucher_spend_id": spend.pk if spend else None,
        "voucher_status": spend.status if spend else None,
        "reversed_on": payment.reversed_on.isoformat() if payment.reversed_on else None,
        "reversal_reason": payment.reversal_reason,
    }


def _money_key(value: Any) -> Any:
    """Money in a fingerprint: 100, "100" and "100.00" are one amount."""
    try:
        return str(Decimal(str(value)).quantize(Decimal("0.01")))
    except (InvalidOperation, ValueError):
        return str(value)


# --------------------------------------------------------------------------------------------
# Offers


@router.get("/offers", response=list[OfferOut], summary="先使用后付费成果（有效许可报价）")
@paginate(BoundedLimitOffsetPagination)
def list_offers(request: HttpRequest, filters: Query[OfferFilters]):
    return offers_public(filters.fee_model, deal_kind=filters.deal_kind)


@router.get("/offers/{offer_id}", response=OfferOut, summary="许可报价详情")
def get_offer(request: HttpRequest, offer_id: int) -> LicenceOffer:
    return get_object_or_404(offers_public(), pk=offer_id)


@router.post("/offers", response={201: OfferOut}, auth=django_auth, summary="发布许可报价")
def create_offer(request: AuthedHttpRequest, payload: OfferIn) -> Status:
    achievement = get_object_or_404(achievement_visible_to(request.user), pk=payload.achievement_id)
    offer = services.offer_publish(
        user=request.user, achievement=achievement, data=payload.dict(exclude={"achievement_id"})
    )
    offer = LicenceOffer.objects.select_related("achievement__owner").get(pk=offer.pk)
    return Status(201, offer)


# --------------------------------------------------------------------------------------------
# Inquiries


@router.post(
    "/offers/{offer_id}/inquiries",
    response={201: dict},
    auth=django_auth,
    summary="我要承接（发起商洽）",
)
def open_inquiry(request: AuthedHttpRequest, offer_id: int, payload: InquiryIn) -> Status:
    offer = get_object_or_404(offers_public(), pk=offer_id)
    inquiry = services.inquiry_open(user=request.user, offer=offer, message=payload.message)
    return Status(201, _inquiry_out(inquiry))


@router.get("/inquiries", response=list[dict], auth=django_auth, summary="本单位的商洽")
def list_inquiries(request: AuthedHttpRequest) -> list[dict[str, Any]]:
    return [_inquiry_out(i) for i in inquiries_visible_to(request.user)[:200]]


def _visible_inquiry(request: AuthedHttpRequest, inquiry_id: int) -> Inquiry:
    return get_object_or_404(inquiries_visible_to(request.user), pk=inquiry_id)


@router.get("/inquiries/{inquiry_id}", response=dict, auth=django_auth, summary="商洽详情")
def get_inquiry(request: AuthedHttpRequest, inquiry_id: int) -> dict[str, Any]:
    inquiry = _visible_inquiry(request, inquiry_id)
    out = _inquiry_out(inquiry)
    out["messages"] = [
        {"side": m.side, "body": m.body, "created_at": m.created_at.isoformat()}
        for m in inquiry.messages.all()
    ]
    out["versions"] = [
        _version_out(row["version"], row["changes"]) for row in versions_with_diffs(inquiry)
    ]
    return out


@router.post(
    "/inquiries/{inquiry_id}/messages",
    response={201: dict},
    auth=django_auth,
    summary="发送商洽消息",
)
def post_message(request: AuthedHttpRequest, inquiry_id: int, payload: MessageIn) -> Status:
    inquiry = _visible_inquiry(request, inquiry_id)
    message = services.message_post(user=request.user, inquiry=inquiry, body=payload.body)
    return Status(201, {"id": message.pk, "side": message.side, "body": message.body})


@router.post(
    "/inquiries/{inquiry_id}/versions",
    response={201: dict},
    auth=django_auth,
    summary="提出条款版本",
)
def propose_version(request: AuthedHttpRequest, inquiry_id: int, payload: VersionIn) -> Status:
    inquiry = _visible_inquiry(request, inquiry_id)
    version = services.version_propose(
        user=request.user, inquiry=inquiry, terms=payload.terms, note=payload.note
    )
    rows = versions_with_diffs(inquiry)
    changes = next(r["changes"] for r in rows if r["version"].pk == version.pk)
    return Status(201, _version_out(version, changes))


@router.post(
    "/inquiries/{inquiry_id}/versions/{number}/accept",
    response={201: dict},
    auth=django_auth,
    summary="接受对方的最新条款版本（生成许可）",
)
def accept_version(request: AuthedHttpRequest, inquiry_id: int, number: int) -> Status:
    inquiry = _visible_inquiry(request, inquiry_id)
    licence = services.version_accept(user=request.user, inquiry=inquiry, number=number)
    return Status(201, _licence_out(licences_visible_to(request.user).get(pk=licence.pk)))


@router.post(
    "/inquiries/{inquiry_id}/withdraw",
    response=dict,
    auth=django_auth,
    summary="撤回商洽（对方将收到通知）",
)
def withdraw_inquiry(
    request: AuthedHttpRequest, inquiry_id: int, payload: WithdrawIn
) -> dict[str, Any]:
    inquiry = _visible_inquiry(request, inquiry_id)
    withdrawn = services.inquiry_withdraw(user=request.user, inquiry=inquiry, reason=payload.reason)
    return _inquiry_out(withdrawn)


# --------------------------------------------------------------------------------------------
# Licences


def _visible_licence(request: AuthedHttpRequest, licence_id: int) -> Licence:
    return get_object_or_404(licences_visible_to(request.user), pk=licence_id)


@router.get("/licences/{licence_id}", response=dict, auth=django_auth, summary="许可详情与付款计划")
def get_licence(request: AuthedHttpRequest, licence_id: int) -> dict[str, Any]:
    return _licence_out(_visible_licence(request, licence_id))


@router.post(
    "/licences/{licence_id}/revenue-reports",
    response={200: dict, 201: dict, 409: ErrorOut},
    auth=django_auth,
    summary="报送收入（支持 Idempotency-Key）",
)
def file_revenue_report(
    request: AuthedHttpRequest,
    licence_id: int,
    payload: RevenueReportIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=200),
) -> Status:
    licence = _visible_licence(request, licence_id)
    body = {**payload.dict(), "revenue_amount": _money_key(payload.revenue_amount)}

    def action() -> tuple[int, Any]:
        report = services.revenue_report_file(
            user=request.user,
            licence=licence,
            period_start=payload.period_start,
            revenue_amount=payload.revenue_amount,
            reported_on=payload.reported_on,
        )
        return 201, _report_out(report)

    return _idempotent(licence, idempotency_key, "revenue-reports", body, action)


@router.post(
    "/licences/{licence_id}/payments",
    response={200: dict, 201: dict, 409: ErrorOut},
    auth=django_auth,
    summary="登记付款（支持 Idempotency-Key）",
)
def record_payment(
    request: AuthedHttpRequest,
    licence_id: int,
    payload: PaymentIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=200),
) -> Status:
    licence = _visible_licence(request, licence_id)
    body = {**payload.dict(), "amount": _money_key(payload.amount)}
    if payload.voucher_amount is None:
        body.pop("voucher_amount")  # keys stored before vouchers existed keep their fingerprint
    else:
        body["voucher_amount"] = _money_key(payload.voucher_amount)

    def action() -> tuple[int, Any]:
        payment = services.payment_record(
            user=request.user,
            licence=licence,
            amount=payload.amount,
            paid_on=payload.paid_on,
            ref=payload.ref,
            voucher_amount=payload.voucher_amount,
        )
        return 201, _payment_out(payment)

    return _idempotent(licence, idempotency_key, "payments", body, action)


@router.post(
    "/licences/{licence_id}/milestones",
    response={201: dict},
    auth=django_auth,
    summary="登记里程碑达成",
)
def record_milestone(request: AuthedHttpRequest, licence_id: int, payload: MilestoneIn) -> Status:
    licence = _visible_licence(request, licence_id)
    milestone = services.milestone_record(
        user=request.user, licence=licence, key=payload.key, achieved_on=payload.achieved_on
    )
    return Status(
        201,
        {
            "id": milestone.pk,
            "licence_id": licence.pk,
            "key": milestone.key,
            "achieved_on": milestone.achieved_on.isoformat(),
        },
    )


def _idempotent(
    licence: Licence, key: str | None, endpoint: str, body: dict[str, Any], action: Any
) -> Status:
    try:
        status, response = services.run_idempotent(
            licence=licence, key=key, endpoint=endpoint, body=body, action=action
        )
    except services.IdempotencyConflict as exc:
        return Status(409, {"detail": str(exc)})
    return Status(status, response)


# --------------------------------------------------------------------------------------------
# Signing, 认定登记, risk cover, income distribution: the pages' writes, same services and rules


class PricingMethodIn(Schema):
    pricing_method: Text = Field(..., max_length=16)  # agreement / listing / auction


class LicenceSigningIn(Schema):
    signed_on: Day  # YYYY-MM-DD, not in the future


class SignedContractOut(Schema):
    original_name: str
    size: int
    sha256: str
    download_url: str


class LicenceStateOut(Schema):
    id: int
    status: str
    pricing_method: str
    signed_on: dt.date | None
    signed_contract: SignedContractOut | None


class ContractRegistrationIn(Schema):
    contract_type: Text = Field(
        ..., max_length=16
    )  # development/transfer/license/consulting/service
    registration_number: Text = Field(..., max_length=64)
    registry: Text = Field(..., max_length=200)
    registered_on: Day
    transaction_amount: Money
    technical_income_amount: Money


class ContractRegistrationOut(Schema):
    id: int
    licence_id: int
    contract_type: str
    registration_number: str
    registry: str
    registered_on: dt.date
    transaction_amount: Decimal
    technical_income_amount: Decimal


class RiskCoverIn(Schema):
    licence_id: int
    licensee_uscc: Text = Field(..., max_length=18)
    # a fraction: 0 < share ≤ 1 (0.3 is 30 %)
    share: str | int | float  # the service checks it (ERR_SHARE)
    limit_amount: Money
    starts_on: Day
    ends_on: Day


class RiskClaimOut(Schema):
    id: int
    cover_id: int
    licence_id: int
    alert_code: str
    status: str
    opened_on: dt.date
    handled_on: dt.date | None
    resolution: str


class RiskCoverOut(Schema):
    id: int
    licence_id: int
    provider_id: int
    provider_name: str
    kind: str
    share: Decimal
    limit_amount: Decimal
    starts_on: dt.date
    ends_on: dt.date
    claims: list[RiskClaimOut]


class RiskClaimHandleIn(Schema):
    resolution: LongText = Field(..., max_length=5000)


class DistributionCostIn(Schema):
    label: Text = Field(..., max_length=200)
    amount: Money


class DistributionShareIn(Schema):
    name: Text = Field(..., max_length=100)
    role: Text = Field(..., max_length=20)  # researcher / transfer_staff / unit
    amount: Money


class DistributionPlanIn(Schema):
    income_amount: Money
    costs: list[DistributionCostIn] = Field([], max_length=50)
    shares: list[DistributionShareIn] = Field(..., max_length=200)
    staff_reward_chosen: bool = False


class DistributionCostOut(Schema):
    label: str
    amount: Decimal


class DistributionShareOut(Schema):
    name: str
    role: str
    amount: Decimal


class DistributionWarningOut(Schema):
    code: str
    message: str


class DistributionPlanOut(Schema):
    id: int
    licence_id: int
    income_amount: Decimal
    costs: list[DistributionCostOut]
    net_income_amount: Decimal
    shares: list[DistributionShareOut]
    staff_reward_chosen: bool
    warnings: list[DistributionWarningOut]
    recorded_on: dt.date


def _licence_state(licence_id: int) -> dict[str, Any]:
    licence = Licence.objects.get(pk=licence_id)
    stored = SignedContract.objects.filter(licence=licence).first()
    return {
        "id": licence.pk,
        "status": licence.status,
        "pricing_method": licence.pricing_method,
        "signed_on": licence.signed_on,
        "signed_contract": {
            "original_name": stored.original_name,
            "size": stored.size,
            "sha256": stored.sha256,
            "download_url": reverse("licensing:signed_pdf", args=[licence.pk]),
        }
        if stored
        else None,
    }


def _claim_out(claim: RiskClaim) -> dict[str, Any]:
    return {
        "id": claim.pk,
        "cover_id": claim.cover_id,
        "licence_id": claim.cover.licence_id,
        "alert_code": claim.alert.code if claim.alert is not None else "",  # may have none
        "status": claim.status,
        "opened_on": claim.opened_on,
        "handled_on": claim.handled_on,
        "resolution": claim.resolution,
    }


def _cover_out(cover: RiskCover) -> dict[str, Any]:
    return {
        "id": cover.pk,
        "licence_id": cover.licence_id,
        "provider_id": cover.provider_id,
        "provider_name": cover.provider.name,
        "kind": cover.kind,
        "share": cover.share,
        "limit_amount": cover.limit_amount,
        "starts_on": cover.starts_on,
        "ends_on": cover.ends_on,
        "claims": [_claim_out(c) for c in cover.visible_claims],  # type: ignore[attr-defined]
    }


def _covers(request: AuthedHttpRequest, covers: Any) -> list[dict[str, Any]]:
    """Covers with the claims the user may see (claims_visible_to), prefetched."""
    claims = claims_visible_to(request.user).order_by("-opened_on", "-id")
    rows = covers.select_related("provider").prefetch_related(
        Prefetch("claims", queryset=claims, to_attr="visible_claims")
    )
    return [_cover_out(cover) for cover in rows]


@router.post(
    "/licences/{licence_id}/pricing-method",
    response=LicenceStateOut,
    auth=django_auth,
    summary="设置定价方式（协议定价 / 挂牌交易 / 拍卖；签订前）",
)
def set_pricing_method(
    request: AuthedHttpRequest, licence_id: int, payload: PricingMethodIn
) -> dict[str, Any]:
    licence = _visible_licence(request, licence_id)
    services.licence_set_pricing_method(
        user=request.user, licence=licence, pricing_method=payload.pricing_method
    )
    return _licence_state(licence.pk)


@router.post(
    "/licences/{licence_id}/signing",
    response=LicenceStateOut,
    auth=django_auth,
    summary="登记合同已签订（签订日期与已签合同 PDF，multipart）",
)
def sign_licence(
    request: AuthedHttpRequest,
    licence_id: int,
    payload: Form[LicenceSigningIn],
    signed_pdf: File[UploadedFile] = None,  # type: ignore[assignment]
) -> dict[str, Any]:
    licence = _visible_licence(request, licence_id)
    services.licence_activate(
        user=request.user, licence=licence, signed_on=payload.signed_on, signed_pdf=signed_pdf
    )
    return _licence_state(licence.pk)


@router.post(
    "/licences/{licence_id}/registration",
    response={201: ContractRegistrationOut},
    auth=django_auth,
    summary="登记技术合同认定登记",
)
def record_registration(
    request: AuthedHttpRequest, licence_id: int, payload: ContractRegistrationIn
) -> Status:
    licence = _visible_licence(request, licence_id)
    reg = services.registration_record(user=request.user, licence=licence, data=payload.dict())
    return Status(201, reg)


@router.get(
    "/licences/{licence_id}/covers",
    response=list[RiskCoverOut],
    auth=django_auth,
    summary="许可的风险分担保障与理赔",
)
def list_licence_covers(request: AuthedHttpRequest, licence_id: int) -> list[dict[str, Any]]:
    licence = _visible_licence(request, licence_id)
    return _covers(request, RiskCover.objects.filter(licence=licence))


@router.get(
    "/covers",
    response=list[RiskCoverOut],
    auth=django_auth,
    summary="本机构提供的风险分担保障与理赔（担保/保险机构）",
)
@paginate(BoundedLimitOffsetPagination)
def list_provider_covers(request: AuthedHttpRequest):
    if not services.is_cover_provider(request.user):
        raise PermissionDenied(services.ERR_NOT_PROVIDER)
    return _covers(request, covers_of_provider(request.user).order_by("-created_at", "-id"))


@router.post(
    "/covers",
    response={201: RiskCoverOut},
    auth=django_auth,
    summary="为许可提供风险分担保障（按许可编号与被许可方统一社会信用代码）",
)
def attach_cover(request: AuthedHttpRequest, payload: RiskCoverIn) -> Status:
    if not services.is_cover_provider(request.user):
        raise PermissionDenied(services.ERR_NOT_PROVIDER)
    licence = licence_for_cover(licence_id=payload.licence_id, licensee_uscc=payload.licensee_uscc)
    if licence is None:
        raise ValidationError({"licence_id": [services.ERR_COVER_LICENCE_NOT_FOUND]})
    cover = services.cover_attach(
        user=request.user,
        licence=licence,
        share=payload.share,
        limit_amount=payload.limit_amount,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
    )
    return Status(201, _covers(request, RiskCover.objects.filter(pk=cover.pk))[0])


@router.post(
    "/claims/{claim_id}/handle",
    response=RiskClaimOut,
    auth=django_auth,
    summary="处理理赔（提供保障的机构管理员）",
)
def handle_claim(
    request: AuthedHttpRequest, claim_id: int, payload: RiskClaimHandleIn
) -> dict[str, Any]:
    claim = get_object_or_404(claims_visible_to(request.user), pk=claim_id)
    services.claim_handle(user=request.user, claim=claim, resolution=payload.resolution)
    return _claim_out(claims_visible_to(request.user).get(pk=claim.pk))


@router.get(
    "/licences/{licence_id}/distributions",
    response=list[DistributionPlanOut],
    auth=django_auth,
    summary="收益分配方案（许可方与主管部门）",
)
def list_distributions(request: AuthedHttpRequest, licence_id: int) -> Any:
    licence = _visible_licence(request, licence_id)
    if not can_see_distributions(request.user, licence):
        raise PermissionDenied(services.ERR_DISTRIBUTIONS_HIDDEN)
    return distributions_visible_to(request.user, licence)


@router.post(
    "/licences/{licence_id}/distributions",
    response={201: DistributionPlanOut},
    auth=django_auth,
    summary="登记收益分配方案（低于法定比例时返回提示，不拒绝）",
)
def record_distribution(
    request: AuthedHttpRequest, licence_id: int, payload: DistributionPlanIn
) -> Status:
    licence = _visible_licence(request, licence_id)
    plan: DistributionPlan = services.distribution_record(
        user=request.user,
        licence=licence,
        income_amount=payload.income_amount,
        costs=[c.dict() for c in payload.costs],
        shares=[s.dict() for s in payload.shares],
        staff_reward_chosen=payload.staff_reward_chosen,
    )
    return Status(201, plan)


# --------------------------------------------------------------------------------------------
# Assignment and equity deals (issue 23.3): the deal of any kind, an equity listing, its shares


class EquityTermsIn(Schema):
    company_name: Text = Field(..., max_length=200)
    company_uscc: Text = Field(..., max_length=18)
    valuation_amount: Money
    shares: Money
    share_percent: Decimal = Field(..., gt=0, le=1, description="持股比例（小数，0.2 即 20%）")
    appraiser: Text = Field(..., max_length=200)
    report_number: Text = Field(..., max_length=100)
    base_date: Day

    def terms(self) -> dict[str, Any]:
        return {
            "company_name": self.company_name,
            "company_uscc": self.company_uscc,
            "valuation_amount": str(self.valuation_amount),
            "shares": str(self.shares),
            "share_percent": f"{self.share_percent:f}",
            "evaluation_report": {
                "appraiser": self.appraiser,
                "number": self.report_number,
                "base_date": self.base_date.isoformat(),
            },
        }


class EquityOfferIn(EquityTermsIn):
    achievement_id: int
    summary: LongText = Field(..., max_length=5000)
    fee_standard: LongText = Field(..., max_length=5000)


class ShareRegistrationIn(Schema):
    shares: Money | None = None  # empty: the agreed shares
    share_percent: Decimal | None = Field(None, gt=0, le=1)
    registered_on: Day  # 工商变更登记日期: not before signing, not in the future


class ShareRegistrationOut(Schema):
    company_name: str
    company_uscc: str
    shares: Decimal
    share_percent: Decimal
    value_amount: Decimal
    registered_on: dt.date


class DealOut(Schema):
    """A deal of any kind: a licence, an assignment (技术转让) or an equity contribution (作价投资)."""

    id: int
    deal_kind: str
    achievement_id: int
    grantor_id: int  # 许可方 / 转让方 / 出资方
    taker_id: int  # 被许可方 / 受让方 / 承接企业
    status: str
    pricing_method: str
    signed_on: dt.date | None
    start: dt.date
    end: dt.date
    price_amount: Decimal  # the fixed money of the terms; an equity deal's valuation
    terms: dict[str, Any]
    shares: ShareRegistrationOut | None


def _deal_out(licence: Licence) -> dict[str, Any]:
    reg = ShareRegistration.objects.filter(licence=licence).first()
    return {
        "id": licence.pk,
        "deal_kind": licence.deal_kind,
        "achievement_id": licence.achievement_id,
        "grantor_id": licence.licensor_id,
        "taker_id": licence.licensee_id,
        "status": licence.status,
        "pricing_method": licence.pricing_method,
        "signed_on": licence.signed_on,
        "start": licence.start,
        "end": licence.end,
        "price_amount": deals.price_amount(licence),
        "terms": licence.terms,
        "shares": reg,
    }


@router.post(
    "/equity-offers",
    response={201: OfferOut},
    auth=django_auth,
    summary="发布作价投资挂牌（评估作价、股份，附资产评估报告 PDF，multipart）",
)
def create_equity_offer(
    request: AuthedHttpRequest,
    payload: Form[EquityOfferIn],
    evaluation_report: File[UploadedFile] = None,  # type: ignore[assignment]
) -> Status:
    achievement = get_object_or_404(achievement_visible_to(request.user), pk=payload.achievement_id)
    offer = services.offer_publish(
        user=request.user,
        achievement=achievement,
        data={
            "deal_kind": "equity_contribution",
            "summary": payload.summary,
            "fee_standard": payload.fee_standard,
            "terms": payload.terms(),
        },
        evaluation_report=evaluation_report,
    )
    offer = LicenceOffer.objects.select_related("achievement__owner").get(pk=offer.pk)
    return Status(201, offer)


class DealFilters(Schema):
    deal_kind: Text | None = Field(None, max_length=24)


@router.get(
    "/deals",
    response=list[DealOut],
    auth=django_auth,
    summary="本单位的交易（许可、转让、作价投资）",
)
def list_deals(request: AuthedHttpRequest, filters: Query[DealFilters]) -> list[dict[str, Any]]:
    qs = licences_visible_to(request.user)
    if filters.deal_kind:
        qs = qs.filter(deal_kind=filters.deal_kind)
    return [_deal_out(licence) for licence in qs[:200]]


@router.get("/deals/{licence_id}", response=DealOut, auth=django_auth, summary="交易详情")
def get_deal(request: AuthedHttpRequest, licence_id: int) -> dict[str, Any]:
    return _deal_out(_visible_licence(request, licence_id))


@router.post(
    "/deals/{licence_id}/shares",
    response={201: ShareRegistrationOut},
    auth=django_auth,
    summary="登记作价投资取得的股权（工商变更登记后）",
)
def register_shares(
    request: AuthedHttpRequest, licence_id: int, payload: ShareRegistrationIn
) -> Status:
    licence = _visible_licence(request, licence_id)
    reg = services.share_register(
        user=request.user,
        licence=licence,
        shares=payload.shares,
        share_percent=None if payload.share_percent is None else f"{payload.share_percent:f}",
        registered_on=payload.registered_on,
    )
    return Status(201, reg)
