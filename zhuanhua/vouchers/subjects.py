"""The registry of what vouchers may pay for (spend subjects).

Vouchers pay part of a real contract the enterprise is a party to: a contracted service request
of the service directory, a registered licence … Those records live in apps above vouchers, so
vouchers does not import them: each app registers a ``SubjectKind`` in its ``AppConfig.ready()``
(``zhuanhua/directory/voucher_subjects.py``, ``zhuanhua/licensing/voucher_subjects.py``), and the
vouchers services ask the registry. A ``subject_type`` nobody registered is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class SpendSubject:
    """One contract vouchers may pay part of, as its own app read it (under its row lock when
    resolved for a spend). ``contract_amount`` is the amount the 50% rule applies to;
    ``counterparty`` the organisation the enterprise pays (the voucher's provider)."""

    subject_type: str
    subject_id: str
    label: str  # Chinese, e.g. “检测服务（云南大学）”
    contract_amount: Decimal
    counterparty: Any  # organisations.Organisation
    signed_on: dt.date | None = None


# resolve(enterprise, subject_id) -> the subject, or None when there is no such record or the
# enterprise is not its paying party (one answer for both: another enterprise's contracts are
# not revealed). It may raise ValidationError for a named refusal of its own (not yet
# contracted, not registered …). It locks the record (select_for_update).
Resolver = Callable[[Any, str], SpendSubject | None]
# eligible(enterprise) -> the enterprise's contracts vouchers may pay now (for the spend form).
Eligible = Callable[[Any], Iterable[SpendSubject]]
# claim_check(subject_id) -> None, or raises ValidationError: may redemption be claimed now?
ClaimCheck = Callable[[str], None]


@dataclass(frozen=True)
class SubjectKind:
    subject_type: str  # "app_label.model", stored in VoucherSpend.subject_type
    label: str  # Chinese name of the kind of contract
    resolve: Resolver
    eligible: Eligible
    claim_check: ClaimCheck | None = None


_KINDS: dict[str, SubjectKind] = {}

# Spends recorded before the registry (free-typed contracts) keep a readable label.
LEGACY_LABELS = {
    "services.servicecontract": "科技服务合同",
    "contract": "其他科技服务合同",
}


def register(kind: SubjectKind) -> None:
    """Called from an app's ``AppConfig.ready()``; registering the same type again replaces it
    (ready() may run twice in tests)."""
    _KINDS[kind.subject_type] = kind


def unregister(subject_type: str) -> None:
    _KINDS.pop(subject_type, None)


def get(subject_type: str) -> SubjectKind | None:
    return _KINDS.get(subject_type)


def kinds() -> list[SubjectKind]:
    return sorted(_KINDS.values(), key=lambda k: k.subject_type)


def label_of(subject_type: str) -> str:
    kind = _KINDS.get(subject_type)
    if kind is not None:
        return kind.label
    return LEGACY_LABELS.get(subject_type, subject_type)


def eligible_subjects(enterprise: Any) -> list[SpendSubject]:
    """Every registered kind's eligible contracts of ``enterprise``, kind by kind."""
    return [s for kind in kinds() for s in kind.eligible(enterprise)]
