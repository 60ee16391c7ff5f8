"""Writes of technology contracts: submission for 认定登记 (by a unit or an enterprise, or by a
process app for its own deal), the registrar's registration or return, 横向 income, and the
reward plans filed with the supervising department (measure 6).

Every write: keyword-only arguments, permission check, row lock, check, save, audit, notify —
in one transaction. Process apps (licensing, directory …) call
:func:`contract_submit_for_registration` with ``source_kind``/``source_id`` and register a hook in
:data:`REGISTERED_HOOKS` (their ``AppConfig.ready()``) to hear of the registration: contracts
imports none of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from zhuanhua.accounts.choices import Role
from zhuanhua.accounts.models import User
from zhuanhua.audit.services import audit_record
from zhuanhua.contracts.choices import (
    INDUSTRY_TYPES,
    ContractType,
    FilingStatus,
    IncomeKind,
    PartySide,
    RegistrationStatus,
    SourceKind,
)
from zhuanhua.contracts.models import (
    ContractIncome,
    RegistrationCounter,
    RewardPlan,
    TechnologyContract,
)
from zhuanhua.core.inputs import clean_date, clean_money, clean_text
from zhuanhua.core.uploads import check_upload_as
from zhuanhua.engines import distribution
from zhuanhua.engines.periods import is_working_day, period_end
from zhuanhua.notifications.choices import NotificationKind
from zhuanhua.notifications.services import notify
from zhuanhua.organisations.choices import GOVERNMENT_TYPES, OrganisationType
from zhuanhua.organisations.models import Organisation

# 技术合同认定规则 / 登记管理办法: a registrar decides within 10 working days of receipt.
REGISTRATION_WORKING_DAYS = 10
# The registration number: 53 (Yunnan) + year + a six-digit serial of that year.
NUMBER_PREFIX = "53"
# The province's registrar is the one whose name starts with the province's (默认登记机构).
PROVINCE_NAME = "云南省"

SUBMITTER_ROLES = {Role.ORG_ADMIN, Role.ACHIEVEMENT_MANAGER, Role.LICENSEE_STAFF}

ERR_NOT_SUBMITTER = "只有本单位的机构管理员、成果管理员或企业经办人可以提交技术合同"
ERR_NOT_OWN = "只能操作本单位提交的技术合同"
ERR_NOT_REGISTRAR = "只有该合同所提交的技术合同登记机构的登记员可以办理认定登记"
ERR_NO_REGISTRAR = "请选择技术合同登记机构"
ERR_BAD_REGISTRAR = "所选机构不是已通过审核的技术合同登记机构"
ERR_NOT_SUBMITTED = "该合同不在待认定登记状态（可能已登记或已退回）"
ERR_ALREADY_SUBMITTED = "该合同已提交认定登记或已登记，不能重复提交"
ERR_SOURCE_TAKEN = "该交易的合同已提交认定登记，不能重复提交"
ERR_AMOUNT_HIGHER = "核定技术交易额不能高于合同成交额"
ERR_AMOUNT_REASON = "核定技术交易额低于合同成交额时，请写明核减理由"
ERR_RETURN_REASONS = "退回时请写明退回理由"
ERR_PDF_REQUIRED = "请上传已签署的合同文本（PDF）"
ERR_VALID_TO = "履行期限止不能早于履行期限起"
ERR_SIGNED_FUTURE = "合同签订日不能晚于今天"
ERR_COUNTERPARTY_SELF = "合同对方不能是本单位"
ERR_NOT_INDUSTRY = "只有横向项目合同（技术开发、咨询、服务）可以登记到账收入"
ERR_INDUSTRY_TYPE = "横向项目合同应为技术开发、技术咨询或技术服务合同"
ERR_INCOME_BEFORE_SIGN = "到账日期不能早于合同签订日"
ERR_INCOME_POSITIVE = "到账金额应大于 0"
ERR_NOT_UNIT = "只有本单位的机构管理员或成果管理员可以报备奖酬金分配方案"
ERR_PLAN_CONTRACT = "横向项目收入的分配方案须选择本单位的横向项目合同"
ERR_PLAN_SUM = "各项分配之和（{total} 元）应等于净收入（{net} 元）"
ERR_PLAN_NEGATIVE = "列支成本不能超过收入"
ERR_PLAN_POSITIVE = "收入应大于 0"
ERR_NO_FILING_BODY = "未找到备案部门：本单位未设主管部门，平台也没有省科技管理部门"
ERR_NOT_FILING_REVIEWER = "只有备案部门的审核员可以确认该奖酬金分配方案"
ERR_ALREADY_ACKNOWLEDGED = "该方案已确认备案"

PDF_ONLY = {".pdf": {"application/pdf"}}

# source_kind -> hook(contract, user) run inside the registration's transaction: the process
# app that submitted its deal's contract records the registration on its own side.
REGISTERED_HOOKS: dict[str, Callable[[TechnologyContract, User], None]] = {}


# --------------------------------------------------------------------------------------------
# Who may do what


def _approved_org(user: Any) -> Organisation | None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    org = user.organisation
    return org if org is not None and org.is_approved else None


def can_submit(user: Any) -> bool:
    """A unit's or an enterprise's editor (not a government body, not a registrar)."""
    org = _approved_org(user)
    return bool(
        org is not None
        and org.org_type not in GOVERNMENT_TYPES
        and org.org_type != OrganisationType.CONTRACT_REGISTRAR
        and user.has_role(*SUBMITTER_ROLES)
    )


def is_registrar_staff(user: Any, registrar_id: int | None = None) -> bool:
    """A 技术合同登记员 of an approved registrar (of ``registrar_id`` when given)."""
    org = _approved_org(user)
    return bool(
        org is not None
        and org.org_type == OrganisationType.CONTRACT_REGISTRAR
        and user.has_role(Role.CONTRACT_REGISTRAR)
        and (registrar_id is None or org.pk == registrar_id)
    )


def can_file_plans(user: Any) -> bool:
    """A research unit's editor files reward plans."""
    org = _approved_org(user)
    return bool(org is not None and org.is_research_unit and user.can_edit_achievements)


def is_filing_reviewer(user: Any, body_id: int | None = None) -> bool:
    """A reviewer of a supervising department or of the provincial department (where plans are
    filed); of ``body_id`` when given."""
    org = _approved_org(user)
    return bool(
        org is not None
        and org.org_type in {OrganisationType.SUPERVISING_DEPARTMENT, OrganisationType.DEPARTMENT}
        and user.has_role(Role.DEPARTMENT_REVIEWER)
        and (body_id is None or org.pk == body_id)
    )


def registrars() -> Any:
    return Organisation.objects.filter(
        org_type=OrganisationType.CONTRACT_REGISTRAR, status="approved"
    ).order_by("name")


def default_registrar() -> Organisation | None:
    """The province's registrar (its name starts with 云南省), else the first one."""
    choices = list(registrars())
    for org in choices:
        if org.name.startswith(PROVINCE_NAME):
            return org
    return choices[0] if choices else None


def filing_body(unit: Organisation) -> Organisation | None:
    """Where a unit files its reward plans: its supervising department (主管部门), or the
    provincial department when it names none (measure 6: 报上级主管部门备案)."""
    if unit.supervisor_id is not None:
        return unit.supervisor
    return (
        Organisation.objects.filter(org_type=OrganisationType.DEPARTMENT, status="approved")
        .order_by("pk")
        .first()
    )


# --------------------------------------------------------------------------------------------
# The 10-working-day limit


def registration_due(submitted_on: dt.date) -> dt.date:
    """Last day of the registrar's 10 working days (the day of receipt not counted)."""
    return period_end(submitted_on, REGISTRATION_WORKING_DAYS, "working").ends_on


def working_days_left(due_on: dt.date, today: dt.date) -> int:
    """Working days from tomorrow up to the due day (0 on the due day); negative when overdue
    (minus the working days past it)."""
    if today <= due_on:
        days, day = 0, today
        while day < due_on:
            day += dt.timedelta(days=1)
            days += is_working_day(day)
        return days
    days, day = 0, due_on
    while day < today:
        day += dt.timedelta(days=1)
        days += is_working_day(day)
    return -max(days, 1)


# --------------------------------------------------------------------------------------------
# Submission


@dataclass
class ContractInput:
    """What a submitter says about a signed contract."""

    title: Any
    declared_type: Any
    submitter_side: Any
    counterparty_name: Any
    contract_amount: Any
    signed_on: Any
    valid_from: Any
    valid_to: Any
    technology_field: Any
    counterparty: Organisation | None = None
    industry_project: bool = False


def contract_state(c: TechnologyContract) -> dict[str, Any]:
    return {
        "submitter": c.submitter_id,
        "submitter_side": c.submitter_side,
        "counterparty": c.counterparty_id,
        "counterparty_name": c.counterparty_name,
        "title": c.title,
        "declared_type": c.declared_type,
        "contract_type": c.contract_type,
        "contract_amount": str(c.contract_amount),
        "signed_on": c.signed_on.isoformat(),
        "valid_from": c.valid_from.isoformat(),
        "valid_to": c.valid_to.isoformat(),
        "technology_field": c.technology_field,
        "industry_project": c.industry_project,
        "source": f"{c.source_kind}:{c.source_id}",
        "registrar": c.registrar_id,
        "status": c.status,
        "submitted_on": c.submitted_on.isoformat() if c.submitted_on else None,
        "due_on": c.due_on.isoformat() if c.due_on else None,
        "registration_number": c.registration_number,
        "transaction_amount": None if c.transaction_amount is None else str(c.transaction_amount),
        "amount_reason": c.amount_reason,
        "return_reasons": c.return_reasons,
        "signed_pdf_sha256": c.sha256,
    }


def _clean(data: ContractInput, submitter: Organisation, today: dt.date) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}

    def take(name: str, check: Callable[[], Any]) -> None:
        try:
            cleaned[name] = check()
        except ValidationError as exc:
            errors.update(exc.message_dict)

    take("title", lambda: clean_text(data.title, "title", required=True))
    take(
        "counterparty_name",
        lambda: clean_text(data.counterparty_name, "counterparty_name", required=True),
    )
    take(
        "technology_field",
        lambda: clean_text(data.technology_field, "technology_field", required=True),
    )
    take("contract_amount", lambda: clean_money(data.contract_amount, "contract_amount"))
    take("signed_on", lambda: clean_date(data.signed_on, "signed_on", past=True, today=today))
    take("valid_from", lambda: clean_date(data.valid_from, "valid_from"))
    take("valid_to", lambda: clean_date(data.valid_to, "valid_to"))
    if data.declared_type not in ContractType.values:
        errors["declared_type"] = ["请选择合同类型"]
    if data.submitter_side not in PartySide.values:
        errors["submitter_side"] = ["请选择本单位是卖方还是买方"]
    if data.counterparty is not None and data.counterparty.pk == submitter.pk:
        errors["counterparty"] = [ERR_COUNTERPARTY_SELF]
    if data.industry_project and data.declared_type not in INDUSTRY_TYPES:
        errors["declared_type"] = [ERR_INDUSTRY_TYPE]
    if (
        not errors.get("valid_to")
        and cleaned.get("valid_from")
        and cleaned.get("valid_to")
        and cleaned["valid_to"] < cleaned["valid_from"]
    ):
        errors["valid_to"] = [ERR_VALID_TO]
    if errors:
        raise ValidationError(errors)
    cleaned.update(
        declared_type=data.declared_type,
        submitter_side=data.submitter_side,
        counterparty=data.counterparty,
        industry_project=bool(data.industry_project),
    )
    return cleaned


def _check_registrar(registrar: Organisation | None) -> Organisation:
    if registrar is None:
        raise ValidationError({"registrar": [ERR_NO_REGISTRAR]})
    if registrar.org_type != OrganisationType.CONTRACT_REGISTRAR or not registrar.is_approved:
        raise ValidationError({"registrar": [ERR_BAD_REGISTRAR]})
    return registrar


def _registrar_staff(registrar: Organisation) -> list[User]:
    return [
        u
        for u in User.objects.filter(organisation=registrar, is_active=True)
        if u.has_role(Role.CONTRACT_REGISTRAR)
    ]


def _submitter_staff(contract: TechnologyContract) -> list[User]:
    return [
        u
        for u in User.objects.filter(organisation_id=contract.submitter_id, is_active=True)
        if u.has_role(*SUBMITTER_ROLES)
    ]


def _notify_submitted(contract: TechnologyContract) -> None:
    assert contract.registrar is not None
    assert contract.due_on is not None
    notify(
        users=_registrar_staff(contract.registrar),
        kind=NotificationKind.SYSTEM,
        title=f"技术合同待认定登记：{contract.title}",
        body=(
            f"{contract.submitter.name}提交了技术合同“{contract.title}”"
            f"（{contract.get_declared_type_display()}）申请认定登记，"
            f"请于 {contract.due_on:%Y-%m-%d} 前办结（10 个工作日）。"
        ),
        url=f"/contracts/{contract.pk}/",
    )


def contract_submit_for_registration(
    *,
    user: User,
    data: ContractInput,
    registrar: Organisation | None,
    signed_pdf: File | None,
    source_kind: str = SourceKind.DIRECT,
    source_id: str = "",
    submit: bool = True,
    today: dt.date | None = None,
) -> TechnologyContract:
    """A unit or an enterprise submits a signed contract for 认定登记 to a registrar (or, with
    ``submit=False``, records a 横向 contract without registration). A process app passes its
    deal as ``source_kind``/``source_id``; one deal has one submitted contract."""
    if not can_submit(user):
        raise PermissionDenied(ERR_NOT_SUBMITTER)
    submitter = user.organisation
    assert submitter is not None
    today = today or timezone.localdate()
    cleaned = _clean(data, submitter, today)
    if submit:
        registrar = _check_registrar(registrar)
    if signed_pdf is None:
        raise ValidationError({"signed_pdf": [ERR_PDF_REQUIRED]})
    sha = check_upload_as(signed_pdf, "signed_pdf", PDF_ONLY)  # type: ignore[arg-type]
    if source_kind not in SourceKind.values:
        raise ValueError(f"unknown source kind {source_kind!r}")
    with transaction.atomic():
        if source_kind != SourceKind.DIRECT:
            Organisation.objects.select_for_update().get(pk=submitter.pk)
            if TechnologyContract.objects.filter(
                source_kind=source_kind, source_id=source_id
            ).exists():
                raise ValidationError({"status": [ERR_SOURCE_TAKEN]})
        contract = TechnologyContract(
            submitter=submitter,
            source_kind=source_kind,
            source_id=str(source_id)[:64],
            registrar=registrar if submit else None,
            status=RegistrationStatus.SUBMITTED if submit else RegistrationStatus.RECORDED,
            submitted_on=today if submit else None,
            due_on=registration_due(today) if submit else None,
            created_by=user,
            original_name=(getattr(signed_pdf, "name", "") or "contract.pdf").rsplit("/", 1)[-1][
                :200
            ],
            sha256=sha,
            **cleaned,
        )
        contract.signed_pdf.save(contract.original_name, signed_pdf, save=False)
        contract.save()
        audit_record(
            actor=user,
            obj=contract,
            action="technology_contract.submit" if submit else "technology_contract.create",
            after=contract_state(contract),
        )
        if submit:
            _notify_submitted(contract)
    return contract


def contract_resubmit(
    *,
    user: User,
    contract: TechnologyContract,
    registrar: Organisation | None,
    data: ContractInput | None = None,
    signed_pdf: File | None = None,
    today: dt.date | None = None,
) -> TechnologyContract:
    """Submit a recorded 横向 contract, or a returned one after correcting it (new data and/or
    a new signed PDF); a new 10-working-day period starts on the day of submission."""
    if not can_submit(user) or user.organisation_id != contract.submitter_id:
        raise PermissionDenied(ERR_NOT_OWN)
    today = today or timezone.localdate()
    registrar = _check_registrar(registrar)
    cleaned = _clean(data, contract.submitter, today) if data is not None else {}
    sha = check_upload_as(signed_pdf, "signed_pdf", PDF_ONLY) if signed_pdf else ""  # type: ignore[arg-type]
    with transaction.atomic():
        locked = TechnologyContract.objects.select_for_update().get(pk=contract.pk)
        if locked.status not in {RegistrationStatus.RECORDED, RegistrationStatus.RETURNED}:
            raise ValidationError({"status": [ERR_ALREADY_SUBMITTED]})
        before = contract_state(locked)
        for name, value in cleaned.items():
            setattr(locked, name, value)
        if signed_pdf is not None:
            locked.original_name = (signed_pdf.name or "contract.pdf").rsplit("/", 1)[-1][:200]
            locked.sha256 = sha
            locked.signed_pdf.save(locked.original_name, signed_pdf, save=False)
        locked.registrar = registrar
        locked.status = RegistrationStatus.SUBMITTED
        locked.submitted_on = today
        locked.due_on = registration_due(today)
        locked.save()
        audit_record(
            actor=user,
            obj=locked,
            action="technology_contract.submit",
            before=before,
            after=contract_state(locked),
        )
        _notify_submitted(locked)
    return locked


# --------------------------------------------------------------------------------------------
# The registrar's decision


def _next_number(year: int) -> str:
    counter, _ = RegistrationCounter.objects.select_for_update().get_or_create(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{NUMBER_PREFIX}{year}{counter.last:06d}"


def _lock_for_registrar(user: User, contract: TechnologyContract) -> TechnologyContract:
    if not is_registrar_staff(user, contract.registrar_id):
        raise PermissionDenied(ERR_NOT_REGISTRAR)
    locked = TechnologyContract.objects.select_for_update().get(pk=contract.pk)
    if not is_registrar_staff(user, locked.registrar_id):
        raise PermissionDenied(ERR_NOT_REGISTRAR)
    if locked.status != RegistrationStatus.SUBMITTED:
        raise ValidationError({"status": [ERR_NOT_SUBMITTED]})
    return locked


def contract_register(
    *,
    user: User,
    contract: TechnologyContract,
    contract_type: str,
    transaction_amount: Any,
    amount_reason: str = "",
    today: dt.date | None = None,
) -> TechnologyContract:
    """The registrar classifies the contract (may reclassify the declared kind), verifies the
    核定技术交易额 (≤ the contract amount; a reason when lower) and assigns the number."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if contract_type not in ContractType.values:
        errors["contract_type"] = ["请选择认定的合同类型"]
    amount: Decimal | None = None
    reason = ""
    try:
        amount = clean_money(transaction_amount, "transaction_amount")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        reason = clean_text(amount_reason, "amount_reason", limit=2000, multiline=True)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    assert amount is not None
    with transaction.atomic():
        locked = _lock_for_registrar(user, contract)
        if amount > locked.contract_amount:
            raise ValidationError({"transaction_amount": [ERR_AMOUNT_HIGHER]})
        if amount < locked.contract_amount and not reason:
            raise ValidationError({"amount_reason": [ERR_AMOUNT_REASON]})
        before = contract_state(locked)
        locked.contract_type = contract_type
        locked.transaction_amount = amount
        locked.amount_reason = reason if amount < locked.contract_amount else ""
        locked.registration_number = _next_number(today.year)
        locked.registered_on = today
        locked.status = RegistrationStatus.REGISTERED
        locked.return_reasons = ""
        locked.decided_by = user
        locked.save()
        audit_record(
            actor=user,
            obj=locked,
            action="technology_contract.register",
            before=before,
            after=contract_state(locked),
        )
        hook = REGISTERED_HOOKS.get(locked.source_kind)
        if hook is not None:
            hook(locked, user)
        reclassified = (
            f"（申报为{locked.get_declared_type_display()}，认定为{locked.get_contract_type_display()}）"
            if locked.declared_type != locked.contract_type
            else f"（{locked.get_contract_type_display()}）"
        )
        lowered = f"；核减理由：{locked.amount_reason}" if locked.amount_reason else ""
        notify(
            users=_submitter_staff(locked),
            kind=NotificationKind.SYSTEM,
            title=f"技术合同已认定登记：{locked.registration_number}",
            body=(
                f"“{locked.title}”已由{locked.registrar.name if locked.registrar else ''}"
                f"认定登记{reclassified}，登记编号 {locked.registration_number}，"
                f"核定技术交易额 {amount:,.2f} 元{lowered}。"
            ),
            url=f"/contracts/{locked.pk}/",
        )
    return locked


def contract_return(
    *, user: User, contract: TechnologyContract, reasons: str
) -> TechnologyContract:
    """The registrar returns the contract with its reasons; the submitter may correct and
    submit it again."""
    text = clean_text(reasons, "return_reasons", limit=2000, multiline=True)
    if not text:
        raise ValidationError({"return_reasons": [ERR_RETURN_REASONS]})
    with transaction.atomic():
        locked = _lock_for_registrar(user, contract)
        before = contract_state(locked)
        locked.status = RegistrationStatus.RETURNED
        locked.return_reasons = text
        locked.decided_by = user
        locked.save()
        audit_record(
            actor=user,
            obj=locked,
            action="technology_contract.return",
            before=before,
            after=contract_state(locked),
        )
        notify(
            users=_submitter_staff(locked),
            kind=NotificationKind.SYSTEM,
            title=f"技术合同认定登记被退回：{locked.title}",
            body=f"退回理由：{text}。请修改后重新提交。",
            url=f"/contracts/{locked.pk}/",
        )
    return locked


# --------------------------------------------------------------------------------------------
# 横向 income


def income_record(
    *,
    user: User,
    contract: TechnologyContract,
    received_on: Any,
    amount: Any,
    note: str = "",
    today: dt.date | None = None,
) -> ContractIncome:
    if not can_submit(user) or user.organisation_id != contract.submitter_id:
        raise PermissionDenied(ERR_NOT_OWN)
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for name, check in (
        ("received_on", lambda: clean_date(received_on, "received_on", past=True, today=today)),
        ("amount", lambda: clean_money(amount, "amount")),
        ("note", lambda: clean_text(note, "note")),
    ):
        try:
            cleaned[name] = check()
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    if not cleaned["amount"]:
        raise ValidationError({"amount": [ERR_INCOME_POSITIVE]})
    with transaction.atomic():
        locked = TechnologyContract.objects.select_for_update().get(pk=contract.pk)
        if not locked.industry_project:
            raise ValidationError({"contract": [ERR_NOT_INDUSTRY]})
        if cleaned["received_on"] < locked.signed_on:
            raise ValidationError({"received_on": [ERR_INCOME_BEFORE_SIGN]})
        income = ContractIncome.objects.create(contract=locked, recorded_by=user, **cleaned)
        audit_record(
            actor=user,
            obj=income,
            action="contract_income.create",
            after={
                "contract": locked.pk,
                "received_on": income.received_on.isoformat(),
                "amount": str(income.amount),
                "note": income.note,
            },
        )
    return income


# --------------------------------------------------------------------------------------------
# Reward plans (奖酬金分配方案) and their filing (备案)


@dataclass
class PlanInput:
    income_kind: Any
    subject: Any
    income_amount: Any
    costs_amount: Any
    researcher_amount: Any
    transfer_staff_amount: Any
    unit_amount: Any
    decided_on: Any
    staff_reward_chosen: bool = False
    contract: TechnologyContract | None = None


def plan_state(plan: RewardPlan) -> dict[str, Any]:
    return {
        "unit": plan.unit_id,
        "income_kind": plan.income_kind,
        "contract": plan.contract_id,
        "subject": plan.subject,
        "income_amount": str(plan.income_amount),
        "costs_amount": str(plan.costs_amount),
        "net_income_amount": str(plan.net_income_amount),
        "researcher_amount": str(plan.researcher_amount),
        "transfer_staff_amount": str(plan.transfer_staff_amount),
        "unit_amount": str(plan.unit_amount),
        "staff_reward_chosen": plan.staff_reward_chosen,
        "warnings": plan.warnings,
        "filed_with": plan.filed_with_id,
        "status": plan.status,
        "acknowledgement_note": plan.acknowledgement_note,
    }


def _filing_reviewers(body: Organisation) -> list[User]:
    return [
        u
        for u in User.objects.filter(organisation=body, is_active=True)
        if u.has_role(Role.DEPARTMENT_REVIEWER)
    ]


def reward_plan_file(*, user: User, data: PlanInput, today: dt.date | None = None) -> RewardPlan:
    """The unit files a reward plan for the record with its supervising department (or the
    provincial department). The shares must add up to the net income; the floors of measure 6
    (engines/distribution) only warn and are kept with the plan."""
    if not can_file_plans(user):
        raise PermissionDenied(ERR_NOT_UNIT)
    unit = user.organisation
    assert unit is not None
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    if data.income_kind not in IncomeKind.values:
        errors["income_kind"] = ["请选择收入类型"]
    checks: list[tuple[str, Callable[[], Any]]] = [
        ("subject", lambda: clean_text(data.subject, "subject", required=True)),
        ("decided_on", lambda: clean_date(data.decided_on, "decided_on", past=True, today=today)),
    ]
    for name in (
        "income_amount",
        "costs_amount",
        "researcher_amount",
        "transfer_staff_amount",
        "unit_amount",
    ):
        checks.append((name, lambda name=name: clean_money(getattr(data, name), name)))  # type: ignore[misc]
    for name, check in checks:
        try:
            cleaned[name] = check()
        except ValidationError as exc:
            errors.update(exc.message_dict)
    contract = data.contract
    if contract is not None and contract.submitter_id != unit.pk:
        errors["contract"] = [ERR_NOT_OWN]
    if data.income_kind == IncomeKind.INDUSTRY and (
        contract is None or not contract.industry_project
    ):
        errors["contract"] = [ERR_PLAN_CONTRACT]
    if errors:
        raise ValidationError(errors)
    if not cleaned["income_amount"]:
        raise ValidationError({"income_amount": [ERR_PLAN_POSITIVE]})
    net = cleaned["income_amount"] - cleaned["costs_amount"]
    if net < 0:
        raise ValidationError({"costs_amount": [ERR_PLAN_NEGATIVE]})
    total = cleaned["researcher_amount"] + cleaned["transfer_staff_amount"] + cleaned["unit_amount"]
    if total != net:
        raise ValidationError({"researcher_amount": [ERR_PLAN_SUM.format(total=total, net=net)]})
    body = filing_body(unit)
    if body is None:
        raise ValidationError({"filed_with": [ERR_NO_FILING_BODY]})
    with transaction.atomic():
        locked_contract = None
        if contract is not None:
            locked_contract = TechnologyContract.objects.select_for_update().get(pk=contract.pk)
        registered = bool(
            locked_contract and locked_contract.status == RegistrationStatus.REGISTERED
        )
        contract_type = locked_contract.contract_type if locked_contract and registered else ""
        checked = distribution.check_plan(
            income_kind=data.income_kind,
            income=cleaned["income_amount"],
            costs=cleaned["costs_amount"],
            researcher=cleaned["researcher_amount"],
            transfer_staff=cleaned["transfer_staff_amount"],
            unit=cleaned["unit_amount"],
            registered=registered,
            contract_type=contract_type or None,
            staff_reward_chosen=bool(data.staff_reward_chosen),
        )
        plan = RewardPlan.objects.create(
            unit=unit,
            income_kind=data.income_kind,
            contract=locked_contract,
            net_income_amount=checked.net,
            staff_reward_chosen=bool(data.staff_reward_chosen),
            registered=registered,
            contract_type=contract_type,
            warnings=[{"code": f.code, "message": f.message} for f in checked.findings],
            notes=checked.notes,
            filed_with=body,
            filed_on=today,
            filed_by=user,
            **cleaned,
        )
        audit_record(actor=user, obj=plan, action="reward_plan.file", after=plan_state(plan))
        notify(
            users=_filing_reviewers(body),
            kind=NotificationKind.SYSTEM,
            title=f"奖酬金分配方案待备案确认：{unit.name}",
            body=(
                f"{unit.name}报备了“{plan.subject}”的奖酬金分配方案（{plan.get_income_kind_display()}，"
                f"净收入 {plan.net_income_amount:,.2f} 元）。"
                + (
                    "方案提示：" + "；".join(w["message"] for w in plan.warnings)
                    if plan.warnings
                    else ""
                )
            ),
            url=f"/contracts/plans/{plan.pk}/",
        )
    return plan


def reward_plan_acknowledge(
    *, user: User, plan: RewardPlan, note: str = "", today: dt.date | None = None
) -> RewardPlan:
    """The filing body's reviewer acknowledges the plan (备案确认) with an optional note."""
    if not is_filing_reviewer(user, plan.filed_with_id):
        raise PermissionDenied(ERR_NOT_FILING_REVIEWER)
    text = clean_text(note, "acknowledgement_note", limit=2000, multiline=True)
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = RewardPlan.objects.select_for_update().get(pk=plan.pk)
        if locked.status != FilingStatus.FILED:
            raise ValidationError({"status": [ERR_ALREADY_ACKNOWLEDGED]})
        before = plan_state(locked)
        locked.status = FilingStatus.ACKNOWLEDGED
        locked.acknowledged_on = today
        locked.acknowledged_by = user
        locked.acknowledgement_note = text
        locked.save()
        audit_record(
            actor=user,
            obj=locked,
            action="reward_plan.acknowledge",
            before=before,
            after=plan_state(locked),
        )
        notify(
            users=[
                u
                for u in User.objects.filter(organisation_id=locked.unit_id, is_active=True)
                if u.can_edit_achievements
            ],
            kind=NotificationKind.SYSTEM,
            title=f"奖酬金分配方案已备案：{locked.subject}",
            body=f"{locked.filed_with.name}已确认备案。" + (f"意见：{text}" if text else ""),
            url=f"/contracts/plans/{locked.pk}/",
        )
    return locked
