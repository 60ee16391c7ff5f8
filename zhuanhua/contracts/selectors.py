"""Reads of technology contracts and reward plans, with who may see what.

- The submitting organisation's people see its contracts; a registrar's staff see only what was
  submitted to their registrar (never a recorded 横向 contract, nor another registrar's);
  department reviewers, auditors and platform admins read all.
- A reward plan: the unit's people, the filing body's reviewers, the department and auditors.

For other apps: :func:`registered_contracts` and :func:`registered_amounts` (measure 7-1's known
amounts, the dashboards); process apps read the registration of their own deal with
:func:`registration_of`. Before the registrar path, licensing's licensors typed the
registration in themselves: licensing registers a reader of those rows in
:data:`LEGACY_REGISTRATIONS` so :func:`registered_records` still counts them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from zhuanhua.contracts.choices import ContractType, FilingStatus, PartySide, RegistrationStatus
from zhuanhua.contracts.models import ContractIncome, RewardPlan, TechnologyContract
from zhuanhua.contracts.services import is_filing_reviewer, is_registrar_staff, working_days_left

MONEY_FIELD = DecimalField(max_digits=17, decimal_places=2)


def _org_id(org: Any) -> int | None:
    return getattr(org, "pk", org)


def _reads_all(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and (user.is_reviewer or user.is_auditor or user.is_platform_admin)
        and not is_filing_reviewer_only(user)
    )


def is_filing_reviewer_only(user: Any) -> bool:
    """A supervising department's reviewer: reads the plans filed with it, not every contract."""
    org = getattr(user, "organisation", None)
    return bool(org is not None and org.org_type == "supervising_department")


def contracts_visible_to(user: Any) -> QuerySet[TechnologyContract]:
    qs = TechnologyContract.objects.select_related("submitter", "registrar", "counterparty")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if _reads_all(user):
        return qs
    if is_registrar_staff(user):
        return qs.filter(registrar_id=user.organisation_id).exclude(
            status=RegistrationStatus.RECORDED
        )
    if user.organisation_id is None:
        return qs.none()
    return qs.filter(submitter_id=user.organisation_id)


def registrar_queue(user: Any) -> QuerySet[TechnologyContract]:
    """What waits for this registrar's decision, oldest due first."""
    if not is_registrar_staff(user):
        return TechnologyContract.objects.none()
    return (
        TechnologyContract.objects.select_related("submitter")
        .filter(registrar_id=user.organisation_id, status=RegistrationStatus.SUBMITTED)
        .order_by("due_on", "pk")
    )


@dataclass(frozen=True)
class QueueCounts:
    waiting: int
    overdue: int
    registered: int
    returned: int


def registrar_counts(user: Any, today: dt.date) -> QueueCounts:
    own = TechnologyContract.objects.filter(registrar_id=user.organisation_id)
    return QueueCounts(
        waiting=own.filter(status=RegistrationStatus.SUBMITTED).count(),
        overdue=own.filter(status=RegistrationStatus.SUBMITTED, due_on__lt=today).count(),
        registered=own.filter(status=RegistrationStatus.REGISTERED).count(),
        returned=own.filter(status=RegistrationStatus.RETURNED).count(),
    )


def with_days_left(contracts: Iterable[TechnologyContract], today: dt.date) -> list[Any]:
    """Each submitted contract with ``days_left`` (working days; negative = overdue)."""
    rows = []
    for c in contracts:
        c.days_left = (  # type: ignore[attr-defined]
            working_days_left(c.due_on, today)
            if c.status == RegistrationStatus.SUBMITTED and c.due_on
            else None
        )
        c.days_overdue = -c.days_left if c.days_left is not None and c.days_left < 0 else 0  # type: ignore[attr-defined]
        rows.append(c)
    return rows


def received_total(contract: TechnologyContract) -> Decimal:
    total = contract.incomes.aggregate(total=Sum("amount"))["total"]
    return total or Decimal("0.00")


def _received_subquery() -> Any:
    return Coalesce(
        Subquery(
            ContractIncome.objects.filter(contract_id=OuterRef("pk"))
            .order_by()
            .values("contract_id")
            .annotate(total=Sum("amount"))
            .values("total"),
            output_field=MONEY_FIELD,
        ),
        Value(Decimal("0.00")),
        output_field=MONEY_FIELD,
    )


def industry_contracts(org: Any) -> QuerySet[TechnologyContract]:
    """A unit's 横向 contracts with ``received_amount`` (到账收入)."""
    return (
        TechnologyContract.objects.filter(submitter_id=_org_id(org), industry_project=True)
        .select_related("registrar")
        .annotate(received_amount=_received_subquery())
    )


def registered_contracts(
    org: Any = None, *, year: int | None = None, side: str | None = None
) -> QuerySet[TechnologyContract]:
    """Registered contracts (of ``org`` as a party when given: ``side`` "seller"/"buyer" narrows
    to that side), registered in ``year`` when given, each with ``received_amount`` (到账, known
    for 横向 contracts)."""
    qs = TechnologyContract.objects.filter(status=RegistrationStatus.REGISTERED)
    if org is not None:
        org_id = _org_id(org)
        as_submitter = Q(submitter_id=org_id)
        as_counterparty = Q(counterparty_id=org_id)
        if side == PartySide.SELLER:
            qs = qs.filter(
                (as_submitter & Q(submitter_side=PartySide.SELLER))
                | (as_counterparty & Q(submitter_side=PartySide.BUYER))
            )
        elif side == PartySide.BUYER:
            qs = qs.filter(
                (as_submitter & Q(submitter_side=PartySide.BUYER))
                | (as_counterparty & Q(submitter_side=PartySide.SELLER))
            )
        else:
            qs = qs.filter(as_submitter | as_counterparty)
    if year is not None:
        qs = qs.filter(registered_on__year=year)
    return qs.select_related("submitter", "counterparty", "registrar").annotate(
        received_amount=_received_subquery()
    )


@dataclass(frozen=True)
class RegisteredRecord:
    """One registered contract as other apps read it, whichever path registered it."""

    registration_number: str
    contract_type: str
    registered_on: dt.date
    contract_amount: Decimal
    transaction_amount: Decimal  # 核定技术交易额
    seller_id: int | None
    buyer_id: int | None
    source: str  # "contracts" or the legacy reader's name


# Readers of registrations made before the registrar path (licensing's typed-in rows):
# name -> reader(org_id, year, side) yielding RegisteredRecord. Filled in AppConfig.ready().
LEGACY_REGISTRATIONS: dict[
    str, Callable[[int | None, int | None, str | None], Iterable[RegisteredRecord]]
] = {}


def registered_records(
    org: Any = None, *, year: int | None = None, side: str | None = None
) -> list[RegisteredRecord]:
    """:func:`registered_contracts` as records, plus the legacy registrations."""
    records = []
    for c in registered_contracts(org, year=year, side=side):
        submitter_seller = c.submitter_side == PartySide.SELLER
        assert c.registration_number
        assert c.registered_on
        assert c.transaction_amount is not None
        records.append(
            RegisteredRecord(
                registration_number=c.registration_number,
                contract_type=c.contract_type,
                registered_on=c.registered_on,
                contract_amount=c.contract_amount,
                transaction_amount=c.transaction_amount,
                seller_id=c.submitter_id if submitter_seller else c.counterparty_id,
                buyer_id=c.counterparty_id if submitter_seller else c.submitter_id,
                source="contracts",
            )
        )
    for reader in LEGACY_REGISTRATIONS.values():
        records.extend(reader(_org_id(org), year, side))
    return records


def registered_amounts(
    org: Any = None, *, year: int | None = None, side: str | None = None
) -> dict[str, dict[str, Any]]:
    """Per contract type: ``{"count", "contract_amount", "transaction_amount"}`` of the
    registered contracts (legacy registrations included)."""
    totals: dict[str, dict[str, Any]] = {}
    for r in registered_records(org, year=year, side=side):
        row = totals.setdefault(
            r.contract_type,
            {"count": 0, "contract_amount": Decimal("0.00"), "transaction_amount": Decimal("0.00")},
        )
        row["count"] += 1
        row["contract_amount"] += r.contract_amount
        row["transaction_amount"] += r.transaction_amount
    return totals


def registration_of(source_kind: str, source_id: Any) -> TechnologyContract | None:
    """The technology contract a process app submitted for its deal (latest state)."""
    return (
        TechnologyContract.objects.filter(source_kind=source_kind, source_id=str(source_id))
        .select_related("registrar")
        .first()
    )


# --------------------------------------------------------------------------------------------
# Reward plans


def plans_visible_to(user: Any) -> QuerySet[RewardPlan]:
    qs = RewardPlan.objects.select_related("unit", "filed_with", "contract")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if _reads_all(user):
        return qs
    if is_filing_reviewer(user):
        return qs.filter(filed_with_id=user.organisation_id)
    if user.organisation_id is None:
        return qs.none()
    return qs.filter(unit_id=user.organisation_id)


def filing_queue(user: Any) -> QuerySet[RewardPlan]:
    if not is_filing_reviewer(user):
        return RewardPlan.objects.none()
    return RewardPlan.objects.select_related("unit").filter(
        filed_with_id=user.organisation_id, status=FilingStatus.FILED
    )


def returned_to(user: Any) -> QuerySet[TechnologyContract]:
    """The organisation's contracts a registrar returned (to correct and resubmit)."""
    return TechnologyContract.objects.filter(
        submitter_id=user.organisation_id, status=RegistrationStatus.RETURNED
    )


def registered_by_type(
    *, year: int | None = None, prefecture: str = "", org_type: str = ""
) -> list[list[Any]]:
    """The dashboards' rows: per contract type (the registrar's classification), the registered
    contracts' count, contract amount and 核定技术交易额; ``year`` of registration, the
    submitter's ``prefecture`` and ``org_type``."""
    qs = TechnologyContract.objects.filter(status=RegistrationStatus.REGISTERED)
    if year:
        qs = qs.filter(registered_on__year=year)
    if prefecture:
        qs = qs.filter(submitter__prefecture=prefecture)
    if org_type:
        qs = qs.filter(submitter__org_type=org_type)
    sums: dict[str, Any] = {
        row["contract_type"]: row
        for row in qs.order_by()
        .values("contract_type")
        .annotate(n=Count("pk"), amount=Sum("contract_amount"), tech=Sum("transaction_amount"))
    }
    zero = Decimal("0.00")
    return [
        [
            label,
            sums.get(value, {}).get("n", 0),
            sums.get(value, {}).get("amount") or zero,
            sums.get(value, {}).get("tech") or zero,
        ]
        for value, label in ContractType.choices
    ]
