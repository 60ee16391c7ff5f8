"""认定登记 of a signed licence, assignment or equity deal through the contracts app: the
licensor submits the deal's signed contract to a registrar (``contracts.services``); when the
registrar registers it, the hook below records the licence's ``ContractRegistration`` from the
registrar's decision, so everything that reads it (vouchers' 50 % rule, projects' duties, the
income distribution floors, the unregistered list) keeps working.

Registrations typed in by licensors before the registrar path stay readable: the legacy reader
gives contracts.selectors those not made through a registrar.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction

from zhuanhua.accounts.models import User
from zhuanhua.contracts import selectors as contract_selectors
from zhuanhua.contracts import services as contract_services
from zhuanhua.contracts.choices import PartySide, RegistrationStatus, SourceKind
from zhuanhua.contracts.models import TechnologyContract
from zhuanhua.contracts.selectors import RegisteredRecord
from zhuanhua.licensing.choices import DealKind, LicenceStatus
from zhuanhua.licensing.models import ContractRegistration, Licence, SignedContract
from zhuanhua.licensing.services import (
    ERR_ALREADY_REGISTERED,
    ERR_NOT_REGISTRAR,
    ERR_NOT_SIGNED,
    is_licensor_editor,
)
from zhuanhua.organisations.models import Organisation

ERR_NO_SIGNED_PDF = "该合同没有已签合同扫描件，无法提交认定登记"

# deal kind -> (contracts' source kind, the contract type the licensor declares)
DEAL_SOURCES: dict[str, tuple[str, str]] = {
    DealKind.LICENSE: (SourceKind.LICENCE, "license"),
    DealKind.ASSIGNMENT: (SourceKind.ASSIGNMENT, "transfer"),
    DealKind.EQUITY_CONTRIBUTION: (SourceKind.EQUITY, "transfer"),
}
SOURCE_KINDS = {source for source, _ in DEAL_SOURCES.values()}


def deal_source(licence: Licence) -> tuple[str, str]:
    return DEAL_SOURCES.get(
        getattr(licence, "deal_kind", DealKind.LICENSE), DEAL_SOURCES["license"]
    )


def submission_of(licence: Licence) -> TechnologyContract | None:
    """The technology contract submitted for this deal, if any."""
    return contract_selectors.registration_of(deal_source(licence)[0], licence.pk)


def registration_submit(
    *,
    user: User,
    licence: Licence,
    registrar: Organisation | None,
    contract_amount: Any,
    technology_field: str,
) -> TechnologyContract:
    """The licensor submits the deal's signed contract for 认定登记 (its PDF is the signed scan
    uploaded at signing)."""
    if not is_licensor_editor(user, licence.licensor_id):
        raise PermissionDenied(ERR_NOT_REGISTRAR)
    if licence.status != LicenceStatus.ACTIVE or licence.signed_on is None:
        raise ValidationError({"status": [ERR_NOT_SIGNED]})
    if ContractRegistration.objects.filter(licence=licence).exists():
        raise ValidationError({"status": [ERR_ALREADY_REGISTERED]})
    signed = SignedContract.objects.filter(licence=licence).first()
    if signed is None:
        raise ValidationError({"status": [ERR_NO_SIGNED_PDF]})
    source_kind, declared = deal_source(licence)
    with signed.file.open("rb") as stored:
        upload = File(stored.file, name=signed.original_name)
        return contract_services.contract_submit_for_registration(
            user=user,
            data=contract_services.ContractInput(
                title=f"{licence.achievement.title}（{licence.get_deal_kind_display()}合同）"[:200],
                declared_type=declared,
                submitter_side=PartySide.SELLER,
                counterparty_name=licence.licensee.name,
                counterparty=licence.licensee,
                contract_amount=contract_amount,
                signed_on=licence.signed_on,
                valid_from=licence.start,
                valid_to=licence.end,
                technology_field=technology_field,
            ),
            registrar=registrar,
            signed_pdf=upload,
            source_kind=source_kind,
            source_id=str(licence.pk),
        )


def on_registered(contract: TechnologyContract, user: User) -> None:
    """contracts' REGISTERED_HOOKS: record the registrar's registration on the licence (inside
    the registration's transaction)."""
    licence = Licence.objects.select_for_update().get(pk=int(contract.source_id))
    if ContractRegistration.objects.filter(licence=licence).exists():
        raise ValidationError({"status": [ERR_ALREADY_REGISTERED]})
    assert contract.registration_number is not None
    assert contract.registered_on is not None
    assert contract.transaction_amount is not None
    with transaction.atomic():
        ContractRegistration.objects.create(
            licence=licence,
            contract_type=contract.contract_type,
            registration_number=contract.registration_number,
            registry=contract.registrar.name if contract.registrar else "",
            registered_on=contract.registered_on,
            transaction_amount=contract.contract_amount,
            technical_income_amount=contract.transaction_amount,
            recorded_by=user,
        )


def legacy_registrations(
    org_id: int | None, year: int | None, side: str | None
) -> Iterable[RegisteredRecord]:
    """Registrations typed in by licensors (not through a registrar), for contracts.selectors."""
    through_registrar = TechnologyContract.objects.filter(
        status=RegistrationStatus.REGISTERED, source_kind__in=SOURCE_KINDS
    ).values("registration_number")
    qs = ContractRegistration.objects.exclude(registration_number__in=through_registrar)
    if org_id is not None:
        if side == PartySide.SELLER:
            qs = qs.filter(licence__licensor_id=org_id)
        elif side == PartySide.BUYER:
            qs = qs.filter(licence__licensee_id=org_id)
        else:
            qs = qs.filter(licence__licensor_id=org_id) | qs.filter(licence__licensee_id=org_id)
    if year is not None:
        qs = qs.filter(registered_on__year=year)
    for reg in qs.select_related("licence"):
        yield RegisteredRecord(
            registration_number=reg.registration_number,
            contract_type=reg.contract_type,
            registered_on=reg.registered_on,
            contract_amount=reg.transaction_amount,
            transaction_amount=reg.technical_income_amount,
            seller_id=reg.licence.licensor_id,
            buyer_id=reg.licence.licensee_id,
            source="licensing",
        )


def register_hooks() -> None:
    """Called from LicensingConfig.ready()."""
    for source in SOURCE_KINDS:
        contract_services.REGISTERED_HOOKS[source] = on_registered
    contract_selectors.LEGACY_REGISTRATIONS["licensing"] = legacy_registrations
