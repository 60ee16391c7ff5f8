"""Writes of innovation vouchers (科技创新券, 措施十四; 指引第七条（四）): the department issues a
year's quota, an enterprise spends vouchers on a contract, the provider claims redemption, a
reviewer decides.

The money rules: a spend pays at most 50% of its contract (all spends on the same contract
together) and at most what is left of the enterprise's quota for the year. Every change to a
quota happens inside one transaction holding `select_for_update` on the enterprise's quota rows,
so concurrent spends queue and the ledger can never go negative (the database constraints on
`VoucherQuota` are the last line). A refused spend raises ValidationError with a named Chinese
reason and changes nothing.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from zhuanhua.accounts.choices import Role
from zhuanhua.accounts.models import User
from zhuanhua.audit.services import audit_record
from zhuanhua.core.inputs import MONEY14_MAX_DIGITS, InputProblem, parse_money
from zhuanhua.core.uploads import check_upload_as, store_upload
from zhuanhua.engines.subsidy import load_catalogue
from zhuanhua.organisations.models import Organisation
from zhuanhua.vouchers import subjects
from zhuanhua.vouchers.caps import used_elsewhere
from zhuanhua.vouchers.choices import (
    COUNTED_STATES,
    DEFAULT_ANNUAL_QUOTA_AMOUNT,
    DEFAULT_CONTRACT_RATE,
    TRANSITIONS,
    VOUCHER_CATALOGUE_CODE,
    DocumentKind,
)
from zhuanhua.vouchers.models import VoucherDocument, VoucherQuota, VoucherSpend
from zhuanhua.vouchers.subjects import SpendSubject

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

ERR_NOT_REVIEWER = "只有主管部门审核员可以下达创新券额度或审核兑付"
ERR_NOT_ENTERPRISE_STAFF = "只有该企业的机构管理员或经办人可以使用其创新券"
ERR_NOT_PROVIDER = "只有服务提供方可以申请兑付"
ERR_NOT_PROVIDER_RECORDER = "只有收取创新券的服务提供方人员可以登记该笔创新券"
ERR_NOT_TECH_ENTERPRISE = "创新券额度只能下达给审核通过的科技型企业"
ERR_YEAR = "年度应为 2000–2999 之间的整数"
ERR_AMOUNT = "金额应为大于 0 的数（元，最多两位小数）"
ERR_QUOTA_OVER_CAP = "年度创新券额度不得超过 {cap} 元"
ERR_QUOTA_BELOW_SPENT = "下达额度不得低于本年度已使用的 {spent} 元"
ERR_NO_QUOTA = "{year} 年度未向该企业下达创新券额度"
ERR_OVER_HALF = (
    "创新券兑付金额不得超过单项合同金额的 50%（本合同最多 {limit} 元，已使用 {used} 元）"
)
ERR_OVER_QUOTA = "超出本年度创新券剩余额度（剩余 {left} 元）"
ERR_OVER_SHARED_CAP = (
    "超出每家科技型企业年度 {cap} 元上限（措施十四）：本年度已使用创新券 {vouchers} 元，"
    "已获科技创新券补助（M14-1）{grants} 元，还可使用 {left} 元"
)
ERR_CONTRACT_CHANGED = "同一合同的合同金额应与此前使用时一致（{amount} 元）"
ERR_SUBJECT = "请选择创新券支付的合同"
ERR_SUBJECT_TYPE = "不能以创新券支付该类合同"
ERR_SUBJECT_NOT_FOUND = "创新券支付的合同不存在或不属于该企业"
ERR_CONTRACT_AMOUNT = "创新券支付的合同金额应为该合同登记的合同金额（{amount} 元）"
ERR_PROVIDER_NOT_COUNTERPARTY = "创新券的服务提供方应为该合同的另一方（收款方）"
ERR_PROVIDER_SELF = "服务提供方不能是企业本身"
ERR_PROVIDER_STATUS = "服务提供方须为审核通过的机构"
ERR_BAD_STATE = "当前状态（{status}）不能执行该操作"
ERR_DOCUMENT = "请上传{label}"
ERR_REASON = "驳回时须说明理由"
ERR_TOO_LONG = "内容不能超过 {limit} 字"

# Roles of enterprise staff who may spend the enterprise's vouchers.
SPENDER_ROLES = {Role.ORG_ADMIN, Role.LICENSEE_STAFF}


# ---------------------------------------------------------------------------- policy values


def _catalogue_measure() -> Any:
    try:
        return load_catalogue().measures.get(VOUCHER_CATALOGUE_CODE)
    except Exception:  # noqa: BLE001 — a broken catalogue must not stop vouchers; use the constants
        return None


def voucher_annual_cap() -> Decimal:
    """The yearly quota ceiling: M14-1's annual scope in the policy catalogue, else 800,000."""
    measure = _catalogue_measure()
    for scope in getattr(measure, "scopes", ()) or ():
        if scope.kind == "annual" and scope.amount is not None:
            return Decimal(scope.amount)
    return DEFAULT_ANNUAL_QUOTA_AMOUNT


def voucher_contract_rate() -> Decimal:
    """The share of one contract vouchers may pay: M14-1's rate, else 50%."""
    rate = getattr(_catalogue_measure(), "rate", None)
    return Decimal(rate) if rate is not None else DEFAULT_CONTRACT_RATE


def contract_limit(contract_amount: Decimal) -> Decimal:
    return (contract_amount * voucher_contract_rate()).quantize(CENT, rounding=ROUND_HALF_UP)


# ---------------------------------------------------------------------------- helpers


def _money(value: Any, field: str) -> Decimal:
    """Positive yuan within the 14-digit columns (core.inputs.parse_money's rules, thousands
    separators allowed), else ERR_AMOUNT. (1e100 used to raise on the two-decimal check.)"""
    if isinstance(value, str):
        value = value.replace(",", "")
    try:
        amount = parse_money(value, max_digits=MONEY14_MAX_DIGITS)
    except InputProblem:
        amount = None
    if not amount:
        raise ValidationError({field: [ERR_AMOUNT]})
    return amount


def _yuan(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def is_voucher_reviewer(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_reviewer)


def _check_reviewer(user: User) -> None:
    if not is_voucher_reviewer(user):
        raise PermissionDenied(ERR_NOT_REVIEWER)


def is_enterprise_staff(user: User, enterprise: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and enterprise is not None
        and user.organisation_id == enterprise.pk
        and enterprise.is_approved
        and user.has_role(*SPENDER_ROLES)
    )


def is_provider_staff(user: User, spend: VoucherSpend) -> bool:
    """A member of the spend's provider (of any approved organisation other than the enterprise
    when the spend named no provider: the claimant becomes the provider)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    org = user.organisation
    if org is None or not org.is_approved or org.pk == spend.enterprise_id:
        return False
    return spend.provider_id is None or spend.provider_id == org.pk


def quota_state(quota: VoucherQuota) -> dict[str, Any]:
    return {
        "enterprise": quota.enterprise_id,
        "year": quota.year,
        "issued_amount": quota.issued_amount,
        "spent_amount": quota.spent_amount,
        "redeemed_amount": quota.redeemed_amount,
    }


def spend_state(spend: VoucherSpend) -> dict[str, Any]:
    return {
        "enterprise": spend.enterprise_id,
        "year": spend.year,
        "provider": spend.provider_id,
        "subject_type": spend.subject_type,
        "subject_id": spend.subject_id,
        "contract_amount": spend.contract_amount,
        "voucher_amount": spend.voucher_amount,
        "status": spend.status,
    }


def _bad_state(spend: VoucherSpend) -> ValidationError:
    return ValidationError({"status": [ERR_BAD_STATE.format(status=spend.get_status_display())]})


# ---------------------------------------------------------------------------- quota


def voucher_quota_issue(
    *,
    user: User,
    enterprise: Any,
    year: int,
    issued_amount: Any = None,
    note: str = "",
) -> VoucherQuota:
    """Issue (or adjust) a technology enterprise's quota for ``year``. The amount defaults to the
    catalogue's annual cap and may not exceed it, nor fall below what was already spent."""
    _check_reviewer(user)
    if enterprise is None or not enterprise.is_approved or not enterprise.is_tech_enterprise:
        raise ValidationError({"enterprise": [ERR_NOT_TECH_ENTERPRISE]})
    try:
        year = int(year)
    except (TypeError, ValueError):
        year = 0
    if not 2000 <= year <= 2999:
        raise ValidationError({"year": [ERR_YEAR]})
    cap = voucher_annual_cap()
    amount = cap if issued_amount in (None, "") else _money(issued_amount, "issued_amount")
    if amount > cap:
        raise ValidationError({"issued_amount": [ERR_QUOTA_OVER_CAP.format(cap=_yuan(cap))]})
    note = str(note or "").strip()
    if len(note) > 500:
        raise ValidationError({"note": [ERR_TOO_LONG.format(limit=500)]})
    with transaction.atomic():
        VoucherQuota.objects.get_or_create(
            enterprise=enterprise,
            year=year,
            defaults={"issued_amount": Decimal("0.00"), "issued_by": user},
        )
        quota = VoucherQuota.objects.select_for_update().get(enterprise=enterprise, year=year)
        if amount < quota.spent_amount:
            raise ValidationError(
                {"issued_amount": [ERR_QUOTA_BELOW_SPENT.format(spent=_yuan(quota.spent_amount))]}
            )
        before = quota_state(quota)
        quota.issued_amount = amount
        quota.issued_by = user
        quota.note = note
        quota.save()
        audit_record(
            actor=user,
            obj=quota,
            action="voucher_quota.issue",
            before=before,
            after=quota_state(quota),
        )
    return quota


# ---------------------------------------------------------------------------- spend


def is_provider_member(user: User, provider: Any) -> bool:
    """An active member of ``provider`` (an approved organisation)."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and provider is not None
        and user.organisation_id == provider.pk
        and provider.is_approved
    )


def voucher_spend(
    *,
    enterprise: Any,
    subject_type: str,
    subject_id: Any,
    voucher_amount: Any,
    user: User,
    provider: Any = None,
    year: int | None = None,
    contract_amount: Any = None,
    recorded_by_provider: bool = False,
) -> VoucherSpend:
    """The enterprise pays ``voucher_amount`` of one of its contracts with vouchers from its
    quota of ``year`` (default: this year).

    The contract is a registered spend subject (``vouchers.subjects``): ``subject_type`` must be
    registered (else ``ERR_SUBJECT_TYPE``) and its resolver must find ``subject_id`` as a
    contract the enterprise pays (else ``ERR_SUBJECT_NOT_FOUND``). The contract amount and the
    provider come from that record: a ``contract_amount`` sent along must equal it
    (``ERR_CONTRACT_AMOUNT``), a ``provider`` named must be its counterparty
    (``ERR_PROVIDER_NOT_COUNTERPARTY``); left out, the record's are used. Refused too — nothing
    changes — when the vouchers on this contract would exceed 50% of it (``ERR_OVER_HALF``) or
    the year's remaining quota (``ERR_OVER_QUOTA``).

    ``recorded_by_provider``: the provider records vouchers the enterprise handed over as
    payment (the licensing app's payment form, 指引第七条（四）). ``user`` must then be a member
    of ``provider`` (the contract's counterparty) instead of the enterprise's staff. The same
    rules and the same locks apply; the audit entry says who recorded it.

    Locks, in this order: the subject's row (by its resolver), then every quota row of the
    enterprise (id order).
    """
    if recorded_by_provider:
        if not is_provider_member(user, provider):
            raise PermissionDenied(ERR_NOT_PROVIDER_RECORDER)
    elif not is_enterprise_staff(user, enterprise):
        raise PermissionDenied(ERR_NOT_ENTERPRISE_STAFF)
    subject_type = str(subject_type or "").strip()
    subject_id = str(subject_id or "").strip()
    if not subject_type or not subject_id or len(subject_type) > 64 or len(subject_id) > 64:
        raise ValidationError({"subject_id": [ERR_SUBJECT]})
    kind = subjects.get(subject_type)
    if kind is None:
        raise ValidationError({"subject_type": [ERR_SUBJECT_TYPE]})
    amount = _money(voucher_amount, "voucher_amount")
    stated = None if contract_amount in (None, "") else _money(contract_amount, "contract_amount")
    year = int(year or timezone.localdate().year)
    with transaction.atomic():
        subject = kind.resolve(enterprise, subject_id)
        if subject is None:
            raise ValidationError({"subject_id": [ERR_SUBJECT_NOT_FOUND]})
        contract = subject.contract_amount
        if stated is not None and stated != contract:
            raise ValidationError(
                {"contract_amount": [ERR_CONTRACT_AMOUNT.format(amount=_yuan(contract))]}
            )
        provider = _counterparty(enterprise, subject, provider)
        # The enterprise's row: the subsidies app locks it too when it approves an M14-1 grant,
        # so the two paths to measure 14's yearly ceiling queue behind each other.
        Organisation.objects.select_for_update().filter(pk=enterprise.pk).first()
        # Lock every quota row of the enterprise, in id order: the per-contract limit spans years.
        quotas = {
            q.year: q
            for q in VoucherQuota.objects.select_for_update()
            .filter(enterprise=enterprise)
            .order_by("pk")
        }
        quota = quotas.get(year)
        if quota is None:
            raise ValidationError({"voucher_amount": [ERR_NO_QUOTA.format(year=year)]})
        earlier = VoucherSpend.objects.filter(
            enterprise=enterprise,
            subject_type=subject_type,
            subject_id=subject_id,
            status__in=COUNTED_STATES,
        )
        first = earlier.order_by("pk").first()
        if first is not None and first.contract_amount != contract:
            raise ValidationError(
                {
                    "contract_amount": [
                        ERR_CONTRACT_CHANGED.format(amount=_yuan(first.contract_amount))
                    ]
                }
            )
        used = earlier.aggregate(total=Sum("voucher_amount"))["total"] or Decimal("0.00")
        limit = contract_limit(contract)
        if used + amount > limit:
            raise ValidationError(
                {"voucher_amount": [ERR_OVER_HALF.format(limit=_yuan(limit), used=_yuan(used))]}
            )
        if amount > quota.left_amount:
            raise ValidationError(
                {"voucher_amount": [ERR_OVER_QUOTA.format(left=_yuan(quota.left_amount))]}
            )
        cap = voucher_annual_cap()
        grants = used_elsewhere(enterprise, year)
        if quota.spent_amount + grants + amount > cap:
            left = max(cap - quota.spent_amount - grants, ZERO)
            raise ValidationError(
                {
                    "voucher_amount": [
                        ERR_OVER_SHARED_CAP.format(
                            cap=_yuan(cap),
                            vouchers=_yuan(quota.spent_amount),
                            grants=_yuan(grants),
                            left=_yuan(left),
                        )
                    ]
                }
            )
        before = quota_state(quota)
        spend = VoucherSpend.objects.create(
            quota=quota,
            enterprise=enterprise,
            year=year,
            provider=provider,
            subject_type=subject_type,
            subject_id=subject_id,
            contract_amount=contract,
            voucher_amount=amount,
            spent_by=user,
        )
        quota.spent_amount += amount
        quota.save(update_fields=["spent_amount", "updated_at"])
        audit_record(
            actor=user,
            obj=spend,
            action="voucher.spend",
            after=spend_state(spend),
            detail={
                "quota": quota.pk,
                "subject": subject.label,
                "before": {k: str(v) for k, v in before.items()},
                "left": str(quota.left_amount),
                "recorded_by": "provider" if recorded_by_provider else "enterprise",
            },
        )
    return spend


def _counterparty(enterprise: Any, subject: SpendSubject, provider: Any) -> Any:
    """The provider of a spend: the contract's counterparty, which a named provider must be."""
    counterparty = subject.counterparty
    if provider is not None and provider.pk != counterparty.pk:
        raise ValidationError({"provider": [ERR_PROVIDER_NOT_COUNTERPARTY]})
    if counterparty.pk == enterprise.pk:
        raise ValidationError({"provider": [ERR_PROVIDER_SELF]})
    if not counterparty.is_approved:
        raise ValidationError({"provider": [ERR_PROVIDER_STATUS]})
    return counterparty


def voucher_subject_choices(enterprise: Any) -> list[tuple[SpendSubject, Decimal]]:
    """The enterprise's contracts vouchers may still pay, each with the vouchers already used on
    it (for the spend form); contracts whose 50% is used up are left out."""
    found = subjects.eligible_subjects(enterprise)
    used: dict[tuple[str, str], Decimal] = {}
    rows = VoucherSpend.objects.filter(
        enterprise=enterprise,
        subject_type__in={s.subject_type for s in found},
        status__in=COUNTED_STATES,
    ).values_list("subject_type", "subject_id", "voucher_amount")
    for subject_type, subject_id, value in rows:
        used[(subject_type, subject_id)] = used.get((subject_type, subject_id), ZERO) + value
    result = []
    for s in found:
        spent = used.get((s.subject_type, s.subject_id), ZERO)
        if spent < contract_limit(s.contract_amount):
            result.append((s, spent))
    return result


# ---------------------------------------------------------------------------- redemption


def _check_file(upload: UploadedFile | None, kind: DocumentKind) -> str:
    """A redemption document is required; its refusal names the input of its kind."""
    if upload is None:
        raise ValidationError({kind.value: [ERR_DOCUMENT.format(label=kind.label)]})
    return check_upload_as(upload, kind.value)


def voucher_redemption_claim(
    *,
    user: User,
    spend: VoucherSpend,
    contract_file: UploadedFile | None,
    invoice_file: UploadedFile | None,
    payment_file: UploadedFile | None,
    invoice_number: str = "",
) -> VoucherSpend:
    """The provider claims redemption of a spend with the contract, the invoice and the
    payment proof (the enterprise's own share paid)."""
    if not is_provider_staff(user, spend):
        raise PermissionDenied(ERR_NOT_PROVIDER)
    files = {
        DocumentKind.CONTRACT: contract_file,
        DocumentKind.INVOICE: invoice_file,
        DocumentKind.PAYMENT_PROOF: payment_file,
    }
    errors: dict[str, list[str]] = {}
    shas: dict[DocumentKind, str] = {}
    for kind, upload in files.items():
        try:
            shas[kind] = _check_file(upload, kind)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    invoice_number = str(invoice_number or "").strip()
    if len(invoice_number) > 64:
        errors.setdefault("invoice_number", []).append(ERR_TOO_LONG.format(limit=64))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = VoucherSpend.objects.select_for_update().get(pk=spend.pk)
        if (locked.status, "claim") not in TRANSITIONS or not is_provider_staff(user, locked):
            raise _bad_state(locked)
        subject_kind = subjects.get(locked.subject_type)
        if subject_kind is not None and subject_kind.claim_check is not None:
            subject_kind.claim_check(locked.subject_id)  # e.g. the service was delivered
        before = spend_state(locked)
        for kind, upload in files.items():
            assert upload is not None
            doc = store_upload(
                VoucherDocument, upload, sha256=shas[kind], user=user, spend=locked, kind=kind
            )
            audit_record(
                actor=user,
                obj=doc,
                action="voucher_document.add",
                after={"spend": locked.pk, "kind": kind.value, "sha256": shas[kind]},
            )
        if locked.provider_id is None:
            locked.provider = user.organisation
        locked.status = TRANSITIONS[(locked.status, "claim")]
        locked.invoice_number = invoice_number
        locked.claimed_by = user
        locked.claimed_at = timezone.now()
        locked.save()
        audit_record(
            actor=user, obj=locked, action="voucher.claim", before=before, after=spend_state(locked)
        )
    return locked


def voucher_redemption_decide(
    *,
    user: User,
    spend: VoucherSpend,
    approve: bool,
    reason: str = "",
) -> VoucherSpend:
    """A reviewer approves a claim (the amount counts as redeemed) or rejects it with a reason
    (the amount returns to the enterprise's quota)."""
    _check_reviewer(user)
    reason = str(reason or "").strip()
    if not approve and not reason:
        raise ValidationError({"reason": [ERR_REASON]})
    if len(reason) > 1000:
        raise ValidationError({"reason": [ERR_TOO_LONG.format(limit=1000)]})
    action = "approve" if approve else "reject"
    with transaction.atomic():
        quota = VoucherQuota.objects.select_for_update().get(pk=spend.quota_id)
        locked = VoucherSpend.objects.select_for_update().get(pk=spend.pk)
        if (locked.status, action) not in TRANSITIONS:
            raise _bad_state(locked)
        before = quota_state(quota)
        if approve:
            quota.redeemed_amount += locked.voucher_amount
        else:
            quota.spent_amount -= locked.voucher_amount
        quota.save(update_fields=["spent_amount", "redeemed_amount", "updated_at"])
        spend_before = spend_state(locked)
        locked.status = TRANSITIONS[(locked.status, action)]
        locked.decided_by = user
        locked.decided_at = timezone.now()
        locked.decision_reason = reason
        locked.save()
        audit_record(
            actor=user,
            obj=locked,
            action=f"voucher.{action}",
            before=spend_before,
            after=spend_state(locked),
            detail={
                "reason": reason,
                "quota_before": {k: str(v) for k, v in before.items()},
                "quota_after": {k: str(v) for k, v in quota_state(quota).items()},
            },
        )
    return locked
