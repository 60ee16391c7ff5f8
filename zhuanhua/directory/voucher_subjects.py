"""Service requests as voucher spend subjects (措施十四): registered with the vouchers app in
``DirectoryConfig.ready()``, so vouchers never imports the directory.

A contracted request (accepted or delivered, with a contract amount) of the enterprise is a
contract vouchers may pay part of; its counterparty is the provider's organisation; redemption
is claimed once the service was delivered.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from zhuanhua.directory.choices import RequestStatus
from zhuanhua.directory.models import ServiceRequest
from zhuanhua.directory.services import (
    CONTRACTED_STATES,
    ERR_VOUCHER_NOT_CONTRACTED,
    ERR_VOUCHER_NOT_DELIVERED,
    SERVICE_REQUEST_SUBJECT,
)
from zhuanhua.vouchers import subjects
from zhuanhua.vouchers.subjects import SpendSubject, SubjectKind

LABEL = "服务目录科技服务委托"


def _subject(req: ServiceRequest) -> SpendSubject:
    assert req.contract_amount is not None
    return SpendSubject(
        subject_type=SERVICE_REQUEST_SUBJECT,
        subject_id=str(req.pk),
        label=f"{req.offer.title}（{req.provider.name}，委托 #{req.pk}）",
        contract_amount=req.contract_amount,
        counterparty=req.provider.organisation,
        signed_on=req.contract_signed_on,
    )


def resolve(enterprise: Any, subject_id: str) -> SpendSubject | None:
    """The enterprise's own request ``subject_id``, locked; refused before it is contracted."""
    if not subject_id.isdigit() or enterprise is None:
        return None
    req = (
        ServiceRequest.objects.select_for_update(of=("self",))
        .select_related("offer", "provider__organisation")
        .filter(pk=int(subject_id), requester_id=enterprise.pk)
        .first()
    )
    if req is None:
        return None
    if req.status not in CONTRACTED_STATES or req.contract_amount is None:
        raise ValidationError({"subject_id": [ERR_VOUCHER_NOT_CONTRACTED]})
    return _subject(req)


def eligible(enterprise: Any) -> list[SpendSubject]:
    """The enterprise's contracted requests, latest contract first."""
    rows = (
        ServiceRequest.objects.filter(
            requester_id=enterprise.pk,
            status__in=CONTRACTED_STATES,
            contract_amount__isnull=False,
        )
        .select_related("offer", "provider__organisation")
        .order_by("-contract_signed_on", "-pk")[:500]
    )
    return [_subject(r) for r in rows]


def claim_check(subject_id: str) -> None:
    """Redemption of vouchers spent on a request is claimed once the service was delivered."""
    delivered = (
        subject_id.isdigit()
        and ServiceRequest.objects.filter(
            pk=int(subject_id), status=RequestStatus.DELIVERED
        ).exists()
    )
    if not delivered:
        raise ValidationError({"status": [ERR_VOUCHER_NOT_DELIVERED]})


def register() -> None:
    subjects.register(
        SubjectKind(
            subject_type=SERVICE_REQUEST_SUBJECT,
            label=LABEL,
            resolve=resolve,
            eligible=eligible,
            claim_check=claim_check,
        )
    )
