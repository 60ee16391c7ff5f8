"""Licences as voucher spend subjects (指引第七条（四）: 许可使用费 paid with innovation vouchers):
registered with the vouchers app in ``LicensingConfig.ready()``, so vouchers never imports
licensing.

A live licence of which the enterprise is the licensee and whose contract was registered
(技术合同认定登记) is a contract vouchers may pay part of: the contract amount is the registered
成交额 (``ContractRegistration.transaction_amount``), the counterparty the licensor.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from zhuanhua.licensing.models import ContractRegistration, Licence
from zhuanhua.licensing.services import (
    ERR_LICENCE_CLOSED,
    ERR_VOUCHER_NOT_REGISTERED,
    LICENCE_SUBJECT,
    LIVE_LICENCE_STATES,
)
from zhuanhua.vouchers import subjects
from zhuanhua.vouchers.subjects import SpendSubject, SubjectKind

LABEL = "科技成果许可使用费"


def _subject(licence: Licence, registration: ContractRegistration) -> SpendSubject:
    return SpendSubject(
        subject_type=LICENCE_SUBJECT,
        subject_id=str(licence.pk),
        label=f"{licence.achievement.title}（{licence.licensor.name}，许可 #{licence.pk}）",
        contract_amount=registration.transaction_amount,
        counterparty=licence.licensor,
        signed_on=licence.signed_on,
    )


def resolve(enterprise: Any, subject_id: str) -> SpendSubject | None:
    """The live licence ``subject_id`` the enterprise holds as licensee, locked; refused until
    its contract is registered."""
    if not subject_id.isdigit() or enterprise is None:
        return None
    licence = (
        Licence.objects.select_for_update(of=("self",))
        .select_related("achievement", "licensor")
        .filter(pk=int(subject_id), licensee_id=enterprise.pk)
        .first()
    )
    if licence is None:
        return None
    if licence.status not in LIVE_LICENCE_STATES:
        raise ValidationError({"subject_id": [ERR_LICENCE_CLOSED]})
    registration = ContractRegistration.objects.filter(licence=licence).first()
    if registration is None:
        raise ValidationError({"subject_id": [ERR_VOUCHER_NOT_REGISTERED]})
    return _subject(licence, registration)


def eligible(enterprise: Any) -> list[SpendSubject]:
    """The enterprise's live, registered licences, latest registration first."""
    rows = (
        ContractRegistration.objects.filter(
            licence__licensee_id=enterprise.pk, licence__status__in=LIVE_LICENCE_STATES
        )
        .select_related("licence__achievement", "licence__licensor")
        .order_by("-registered_on", "-pk")[:500]
    )
    return [_subject(r.licence, r) for r in rows]


def register() -> None:
    subjects.register(
        SubjectKind(subject_type=LICENCE_SUBJECT, label=LABEL, resolve=resolve, eligible=eligible)
    )
