"""REST endpoints of innovation vouchers: the ledger, issuing a quota, spending, claiming and
deciding redemption. Refusals are 422 with the named Chinese reason; another organisation's
ledger or spend is 404."""

import datetime as dt
from decimal import Decimal

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.security import django_auth

from zhuanhua.accounts.http import AuthedHttpRequest
from zhuanhua.core.inputs import LongText, Money14, Text
from zhuanhua.organisations.models import Organisation
from zhuanhua.vouchers import selectors, services
from zhuanhua.vouchers.models import VoucherSpend
from zhuanhua.vouchers.subjects import label_of

router = Router(tags=["科技创新券 vouchers"], auth=django_auth)


class SpendOut(Schema):
    id: int
    enterprise_id: int
    year: int
    provider_id: int | None
    subject_type: str
    subject_id: str
    contract_amount: Decimal
    voucher_amount: Decimal
    status: str
    spent_at: dt.datetime
    claimed_at: dt.datetime | None
    decided_at: dt.datetime | None
    decision_reason: str


class LedgerOut(Schema):
    enterprise_id: int
    year: int
    issued_amount: Decimal
    spent_amount: Decimal
    redeemed_amount: Decimal
    pending_amount: Decimal
    left_amount: Decimal
    spends: list[SpendOut]


class LedgerQuery(Schema):
    enterprise_id: int | None = None
    year: int | None = Field(None, ge=2000, le=2100)


class QuotaIn(Schema):
    enterprise_id: int
    year: int = Field(..., ge=2000, le=2100)
    issued_amount: Money14 | None = None  # default: the catalogue's annual cap
    note: LongText = Field("", max_length=500)


class SpendIn(Schema):
    """A spend names one of the enterprise's own contracts (``GET /api/vouchers/subjects``).
    The contract amount and the provider are read from that contract: when sent, they must
    agree with it (422 otherwise)."""

    subject_type: Text = Field(..., max_length=64)
    subject_id: Text = Field(..., max_length=64)
    voucher_amount: Money14
    provider_id: int | None = None
    contract_amount: Money14 | None = None


class SubjectOut(Schema):
    subject_type: str
    subject_type_label: str
    subject_id: str
    label: str
    contract_amount: Decimal
    provider_id: int
    provider_name: str
    signed_on: dt.date | None
    used_amount: Decimal  # vouchers already spent on this contract (not rejected)
    available_amount: Decimal  # what the 50% rule still allows on it


class ClaimIn(Schema):
    invoice_number: Text = Field("", max_length=64)


class VoucherDecisionIn(Schema):
    approve: bool
    reason: LongText = Field("", max_length=1000)


def _ledger(enterprise, year: int) -> dict:
    ledger = selectors.voucher_ledger(enterprise, year)
    return {
        "enterprise_id": enterprise.pk,
        "year": year,
        "issued_amount": ledger.issued_amount,
        "spent_amount": ledger.spent_amount,
        "redeemed_amount": ledger.redeemed_amount,
        "pending_amount": ledger.pending_amount,
        "left_amount": ledger.left_amount,
        "spends": ledger.spends,
    }


def _org(pk: int) -> Organisation:
    return get_object_or_404(Organisation, pk=pk)


@router.get("/ledger", response=LedgerOut, summary="创新券台账（企业与年度）")
def get_ledger(request: AuthedHttpRequest, q: Query[LedgerQuery]) -> dict:
    enterprise = _org(q.enterprise_id) if q.enterprise_id else request.user.organisation
    if enterprise is None or not selectors.can_see_ledger(request.user, enterprise):
        raise Http404
    return _ledger(enterprise, q.year or timezone.localdate().year)


@router.post("/quotas", response={201: LedgerOut}, summary="下达年度创新券额度（主管部门审核员）")
def issue_quota(request: AuthedHttpRequest, payload: QuotaIn) -> Status:
    enterprise = _org(payload.enterprise_id)
    quota = services.voucher_quota_issue(
        user=request.user,
        enterprise=enterprise,
        year=payload.year,
        issued_amount=payload.issued_amount,
        note=payload.note,
    )
    return Status(201, _ledger(enterprise, quota.year))


@router.get(
    "/subjects", response=list[SubjectOut], summary="本单位可用创新券支付的合同（付款方为本单位）"
)
def list_subjects(request: AuthedHttpRequest) -> list[dict]:
    enterprise = request.user.organisation
    if enterprise is None or not services.is_enterprise_staff(request.user, enterprise):
        return []
    return [
        {
            "subject_type": s.subject_type,
            "subject_type_label": label_of(s.subject_type),
            "subject_id": s.subject_id,
            "label": s.label,
            "contract_amount": s.contract_amount,
            "provider_id": s.counterparty.pk,
            "provider_name": s.counterparty.name,
            "signed_on": s.signed_on,
            "used_amount": used,
            "available_amount": services.contract_limit(s.contract_amount) - used,
        }
        for s, used in services.voucher_subject_choices(enterprise)
    ]


@router.post(
    "/spends", response={201: SpendOut}, summary="使用创新券支付本单位的合同（本年度额度）"
)
def create_spend(request: AuthedHttpRequest, payload: SpendIn) -> Status:
    spend = services.voucher_spend(
        enterprise=request.user.organisation,
        subject_type=payload.subject_type,
        subject_id=payload.subject_id,
        voucher_amount=payload.voucher_amount,
        user=request.user,
        provider=_org(payload.provider_id) if payload.provider_id is not None else None,
        contract_amount=payload.contract_amount,
    )
    return Status(201, spend)


@router.post(
    "/spends/{spend_id}/claim",
    response=SpendOut,
    summary="申请兑付（服务提供方；合同、发票、付款凭证）",
)
def claim_spend(
    request: AuthedHttpRequest,
    spend_id: int,
    payload: Form[ClaimIn],
    contract: File[UploadedFile] = None,  # type: ignore[assignment]
    invoice: File[UploadedFile] = None,  # type: ignore[assignment]
    payment_proof: File[UploadedFile] = None,  # type: ignore[assignment]
) -> VoucherSpend:
    spend = get_object_or_404(selectors.voucher_spend_visible_to(request.user), pk=spend_id)
    return services.voucher_redemption_claim(
        user=request.user,
        spend=spend,
        contract_file=contract,
        invoice_file=invoice,
        payment_file=payment_proof,
        invoice_number=payload.invoice_number,
    )


@router.post("/spends/{spend_id}/decision", response=SpendOut, summary="审核兑付（主管部门审核员）")
def decide_spend(
    request: AuthedHttpRequest, spend_id: int, payload: VoucherDecisionIn
) -> VoucherSpend:
    spend = get_object_or_404(selectors.voucher_spend_visible_to(request.user), pk=spend_id)
    return services.voucher_redemption_decide(
        user=request.user,
        spend=spend,
        approve=payload.approve,
        reason=payload.reason,
    )
