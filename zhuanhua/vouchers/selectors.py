"""Reads of innovation vouchers: the ledger of an enterprise and year, who sees which spend,
the reviewers' queue and the provider's list."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum

from zhuanhua.accounts.models import User
from zhuanhua.vouchers.choices import COUNTED_STATES, SpendStatus
from zhuanhua.vouchers.models import VoucherQuota, VoucherSpend

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class VoucherLedger:
    """One enterprise's vouchers for one year. ``spent`` counts every spend not rejected
    (claimed or not), ``redeemed`` the approved ones, ``pending`` the claimed ones awaiting a
    decision; ``left = issued − spent``."""

    enterprise: Any
    year: int
    quota: VoucherQuota | None
    issued_amount: Decimal
    spent_amount: Decimal
    redeemed_amount: Decimal
    pending_amount: Decimal
    left_amount: Decimal
    spends: list[VoucherSpend] = field(default_factory=list)


def voucher_ledger(enterprise: Any, year: int) -> VoucherLedger:
    """The ledger computed from the spend rows (the quota's kept totals must agree)."""
    quota = VoucherQuota.objects.filter(enterprise=enterprise, year=year).first()
    spends = list(
        VoucherSpend.objects.filter(enterprise=enterprise, year=year)
        .select_related("provider")
        .order_by("-spent_at", "-id")
    )
    issued = quota.issued_amount if quota else ZERO
    spent = sum((s.voucher_amount for s in spends if s.status in COUNTED_STATES), ZERO)
    redeemed = sum((s.voucher_amount for s in spends if s.status == SpendStatus.REDEEMED), ZERO)
    pending = sum((s.voucher_amount for s in spends if s.status == SpendStatus.CLAIMED), ZERO)
    return VoucherLedger(
        enterprise=enterprise,
        year=year,
        quota=quota,
        issued_amount=issued,
        spent_amount=spent,
        redeemed_amount=redeemed,
        pending_amount=pending,
        left_amount=issued - spent,
        spends=spends,
    )


def can_see_all(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False) and (user.is_reviewer or user.is_auditor))


def can_see_ledger(user: User, enterprise: Any) -> bool:
    if can_see_all(user):
        return True
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and enterprise is not None
        and user.organisation_id == enterprise.pk
    )


def voucher_spend_visible_to(user: User) -> QuerySet[VoucherSpend]:
    """The department sees every spend; an enterprise its own; a provider those naming it."""
    if can_see_all(user):
        return VoucherSpend.objects.all()
    if (
        not getattr(user, "is_authenticated", False)
        or not user.is_active
        or not user.organisation_id
    ):
        return VoucherSpend.objects.none()
    org = user.organisation_id
    return VoucherSpend.objects.filter(Q(enterprise_id=org) | Q(provider_id=org))


def voucher_provider_spends(user: User) -> QuerySet[VoucherSpend]:
    """Spends naming the user's organisation as provider, newest first."""
    if not getattr(user, "is_authenticated", False) or not user.organisation_id:
        return VoucherSpend.objects.none()
    return (
        VoucherSpend.objects.filter(provider_id=user.organisation_id)
        .select_related("enterprise")
        .order_by("-spent_at", "-id")
    )


def voucher_queue() -> QuerySet[VoucherSpend]:
    """Claims awaiting a reviewer's decision, oldest claim first."""
    return (
        VoucherSpend.objects.filter(status=SpendStatus.CLAIMED)
        .select_related("enterprise", "provider")
        .order_by("claimed_at", "id")
    )


def voucher_quotas_of_year(year: int) -> QuerySet[VoucherQuota]:
    return (
        VoucherQuota.objects.filter(year=year)
        .select_related("enterprise")
        .order_by("enterprise__name")
    )


def voucher_totals(*, year: int) -> dict[str, Decimal]:
    agg = VoucherQuota.objects.filter(year=year).aggregate(
        issued=Sum("issued_amount"), spent=Sum("spent_amount"), redeemed=Sum("redeemed_amount")
    )
    return {k: v or ZERO for k, v in agg.items()}


def counted_spends_of(enterprise: Any) -> list[tuple[int, Any, Decimal]]:
    """(year, spent_at, voucher_amount) of every spend of the enterprise that uses its yearly
    ceiling (not rejected): the subsidies app counts them against M14-1's annual cap."""
    return list(
        VoucherSpend.objects.filter(enterprise=enterprise, status__in=COUNTED_STATES)
        .order_by("pk")
        .values_list("year", "spent_at", "voucher_amount")
    )
