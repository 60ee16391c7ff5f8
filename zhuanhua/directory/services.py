"""Writes of the directory app: provider profiles and offers, service requests (request →
accept with the contract amount → deliver), the technology-manager registry, training bases,
courses and attendance, and the broker of a licence. Each write checks who acts, locks what it
changes, saves and audits in one transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any, TypeGuard

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from zhuanhua.accounts.choices import Role
from zhuanhua.accounts.http import Visitor
from zhuanhua.accounts.models import User
from zhuanhua.achievements.choices import IndustryField
from zhuanhua.audit.services import audit_record
from zhuanhua.core.inputs import clean_date, clean_money, clean_phone_in, clean_text
from zhuanhua.core.prefectures import OUTSIDE_YUNNAN, PREFECTURE_CHOICES
from zhuanhua.directory.choices import (
    REQUEST_TRANSITIONS,
    ManagerLevel,
    ProviderKind,
    RequestStatus,
    ServiceCategory,
)
from zhuanhua.directory.models import (
    Attendance,
    BrokeredDeal,
    Certificate,
    Course,
    ServiceOffer,
    ServiceProvider,
    ServiceRequest,
    TechnologyManager,
    TrainingBase,
)
from zhuanhua.licensing.services import is_licensee_agent, is_licensor_editor
from zhuanhua.organisations.models import Organisation
from zhuanhua.vouchers.services import (
    ERR_CONTRACT_AMOUNT,
    ERR_PROVIDER_NOT_COUNTERPARTY,
    ERR_SUBJECT_NOT_FOUND,
    voucher_redemption_claim,
    voucher_spend,
)

ERR_NOT_ORG_ADMIN = "只有本机构已通过审核的机构管理员可以维护服务机构信息"
ERR_NOT_PROVIDER = "只有服务机构的机构管理员可以处理该服务委托"
ERR_NOT_REQUESTER = "只有已通过审核的企业的机构管理员或经办人可以委托科技服务"
ERR_NOT_OWN_REQUEST = "只有委托企业可以撤回该服务委托"
ERR_OWN_SERVICE = "不能委托本机构提供的服务"
ERR_OFFER_INACTIVE = "该服务项目已下线"
ERR_BAD_STATUS = "当前状态（{status}）不能执行该操作"
ERR_REQUIRED = "此项为必填项"
ERR_CHOICE = "无效的选项"
ERR_AMOUNT = "金额应为大于 0、最多两位小数的数字"
ERR_HOURS = "学时应为大于 0、最多一位小数的数字"
ERR_FUTURE_DATE = "日期不能晚于今天"
ERR_DELIVERY_BEFORE_CONTRACT = "交付日期不能早于合同签订日期"
ERR_ENCLAVE_KIND = "只有孵化器可以登记为省外“飞地”孵化器"
ERR_ENCLAVE_LOCATION = "“飞地”孵化器须填写所在省外城市"
ERR_PREFECTURE = "请选择所在州（市）"
ERR_NOT_MANAGER_EDITOR = "只有技术经理人本人、所在单位的机构管理员或平台管理员可以维护其信息"
ERR_USER_OTHER_ORG = "关联的平台账号须属于所在单位"
ERR_MANAGER_EXISTS = "该平台账号已登记为技术经理人"
ERR_CERTIFICATE_EXISTS = "该证书已登记"
ERR_NOT_BASE_ADMIN = "只有培养基地依托单位的机构管理员可以维护课程和培训记录"
ERR_BASE_EXISTS = "本单位已登记培养基地"
ERR_COURSE_DATES = "结束日期不能早于开始日期"
ERR_ATTENDANCE_HOURS = "计入学时不能超过课程学时"
ERR_ATTENDANCE_EXISTS = "该技术经理人已登记参加本课程"
ERR_NOT_DEAL_PARTY = "只有许可双方的经办人员可以登记技术经纪人"
ERR_DEAL_EXISTS = "该许可已登记技术经纪人"
ERR_VOUCHER_NOT_CONTRACTED = "服务委托尚未签订合同（受理），不能使用创新券"
# A spend on a request is checked by the vouchers app against the request (voucher_subjects.py):
# its refusals are the vouchers app's own texts.
ERR_VOUCHER_REQUEST = ERR_SUBJECT_NOT_FOUND
ERR_VOUCHER_CONTRACT_AMOUNT = ERR_CONTRACT_AMOUNT
ERR_VOUCHER_PROVIDER = ERR_PROVIDER_NOT_COUNTERPARTY
ERR_VOUCHER_NOT_DELIVERED = "服务尚未交付，登记交付后方可申请兑付创新券"
ERR_VOUCHER_NOT_REQUESTER = "只有委托企业的机构管理员或经办人可以用创新券支付该服务"
ERR_VOUCHER_OTHER_SPEND = "该笔创新券不属于本服务委托"

PREFECTURE_CODES = {code for code, _ in PREFECTURE_CHOICES}
REQUESTER_ORG_TYPES = {"enterprise", "state_enterprise", "other"}
REQUESTER_ROLES = {Role.ORG_ADMIN, Role.LICENSEE_STAFF}


# --------------------------------------------------------------------------------------------
# Who acts


def _active(user: Visitor) -> TypeGuard[User]:
    return user.is_authenticated and user.is_active


def is_org_admin(user: Visitor, org_id: int | None) -> bool:
    return (
        _active(user)
        and org_id is not None
        and user.organisation_id == org_id
        and user.organisation is not None
        and user.organisation.is_approved
        and user.has_role(Role.ORG_ADMIN)
    )


def is_requester(user: Visitor) -> bool:
    if not _active(user) or user.organisation is None:
        return False
    org = user.organisation
    return (
        org.is_approved and org.org_type in REQUESTER_ORG_TYPES and user.has_role(*REQUESTER_ROLES)
    )


def can_edit_manager(user: Visitor, manager: TechnologyManager) -> bool:
    if not _active(user):
        return False
    if user.is_platform_admin or (manager.user_id is not None and manager.user_id == user.pk):
        return True
    return is_org_admin(user, manager.employer_id)


# --------------------------------------------------------------------------------------------
# Small checks


def _money(value: Any, field: str) -> Decimal:
    """Positive yuan (core.inputs checks the number, two decimals and the column's size)."""
    amount = clean_money(value, field)
    if not amount:
        raise ValidationError({field: ERR_AMOUNT})
    return amount


def _hours(value: Any, field: str) -> Decimal:
    try:
        hours = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({field: ERR_HOURS}) from None
    if (
        not hours.is_finite()
        or hours <= 0
        or hours >= 10000
        or hours != hours.quantize(Decimal("0.1"))
    ):
        raise ValidationError({field: ERR_HOURS})
    return hours


def _date(value: Any, field: str) -> dt.date:
    date = clean_date(value, field)
    assert date is not None  # required
    return date


def _past(value: Any, field: str) -> dt.date:
    date = clean_date(value, field, past=True)
    assert date is not None  # required
    return date


def _text(data: dict[str, Any], field: str, required: bool = True) -> str:
    """Stripped, free of control characters (lengths: the forms' and the API's limits)."""
    return clean_text(data.get(field), field, limit=None, multiline=True, required=required)


# --------------------------------------------------------------------------------------------
# Providers and offers

PROVIDER_FIELDS = (
    "name",
    "introduction",
    "capacity",
    "contact_name",
    "contact_phone",
    "contact_email",
    "location",
    "prefecture",
)


def _clean_provider(data: dict[str, Any]) -> dict[str, Any]:
    kind = data.get("kind")
    if kind not in ProviderKind.values:
        raise ValidationError({"kind": ERR_CHOICE})
    clean = {
        "kind": kind,
        "is_enclave": bool(data.get("is_enclave")),
        "is_public": bool(data.get("is_public", True)),
    }
    for field in PROVIDER_FIELDS:
        clean[field] = _text(
            data, field, required=field in {"name", "introduction", "contact_name", "contact_phone"}
        )
    clean["contact_phone"] = clean_phone_in(data, "contact_phone", required=True)
    if clean["is_enclave"]:
        if kind != ProviderKind.INCUBATOR:
            raise ValidationError({"is_enclave": ERR_ENCLAVE_KIND})
        if not clean["location"]:
            raise ValidationError({"location": ERR_ENCLAVE_LOCATION})
        clean["prefecture"] = OUTSIDE_YUNNAN
    elif clean["prefecture"] not in PREFECTURE_CODES:
        raise ValidationError({"prefecture": ERR_PREFECTURE})
    return clean


@transaction.atomic
def provider_create(*, user: User, data: dict[str, Any]) -> ServiceProvider:
    """The organisation's admin publishes a service profile of its own organisation."""
    org = user.organisation
    if org is None or not is_org_admin(user, org.pk):
        raise PermissionDenied(ERR_NOT_ORG_ADMIN)
    clean = _clean_provider(data)
    try:
        with transaction.atomic():
            provider = ServiceProvider.objects.create(organisation=org, created_by=user, **clean)
    except IntegrityError:
        raise ValidationError({"name": "本机构已登记同名同类型的服务机构"}) from None
    audit_record(actor=user, obj=provider, action="directory.provider_create", after=clean)
    return provider


@transaction.atomic
def provider_update(
    *, user: User, provider: ServiceProvider, data: dict[str, Any]
) -> ServiceProvider:
    if not is_org_admin(user, provider.organisation_id):
        raise PermissionDenied(ERR_NOT_ORG_ADMIN)
    provider = ServiceProvider.objects.select_for_update().get(pk=provider.pk)
    before = {
        f: getattr(provider, f) for f in (*PROVIDER_FIELDS, "kind", "is_enclave", "is_public")
    }
    clean = _clean_provider({**before, **data})
    for field, value in clean.items():
        setattr(provider, field, value)
    provider.save()
    audit_record(
        actor=user, obj=provider, action="directory.provider_update", before=before, after=clean
    )
    return provider


@transaction.atomic
def offer_create(*, user: User, provider: ServiceProvider, data: dict[str, Any]) -> ServiceOffer:
    if not is_org_admin(user, provider.organisation_id):
        raise PermissionDenied(ERR_NOT_ORG_ADMIN)
    category = data.get("category")
    if category not in ServiceCategory.values:
        raise ValidationError({"category": ERR_CHOICE})
    clean = {
        "category": category,
        "title": _text(data, "title"),
        "description": _text(data, "description"),
        "price": _text(data, "price"),
        "capacity": _text(data, "capacity", required=False),
    }
    offer = ServiceOffer.objects.create(provider=provider, **clean)
    audit_record(
        actor=user,
        obj=offer,
        action="directory.offer_create",
        after={"provider": provider.pk, **clean},
    )
    return offer


@transaction.atomic
def offer_set_active(*, user: User, offer: ServiceOffer, is_active: bool) -> ServiceOffer:
    if not is_org_admin(user, offer.provider.organisation_id):
        raise PermissionDenied(ERR_NOT_ORG_ADMIN)
    offer = ServiceOffer.objects.select_for_update().get(pk=offer.pk)
    offer.is_active = bool(is_active)
    offer.save(update_fields=["is_active"])
    audit_record(
        actor=user, obj=offer, action="directory.offer_active", after={"is_active": offer.is_active}
    )
    return offer


# --------------------------------------------------------------------------------------------
# Service requests


def request_state(req: ServiceRequest) -> dict[str, Any]:
    return {
        "status": req.status,
        "contract_amount": str(req.contract_amount) if req.contract_amount else None,
        "contract_signed_on": req.contract_signed_on.isoformat()
        if req.contract_signed_on
        else None,
        "delivered_on": req.delivered_on.isoformat() if req.delivered_on else None,
    }


@transaction.atomic
def request_create(*, user: User, offer: ServiceOffer, description: str) -> ServiceRequest:
    """An enterprise asks a provider for one of its services."""
    org = user.organisation
    if org is None or not is_requester(user):
        raise PermissionDenied(ERR_NOT_REQUESTER)
    offer = ServiceOffer.objects.select_related("provider").get(pk=offer.pk)
    if not offer.is_active or not offer.provider.is_public:
        raise ValidationError({"offer": ERR_OFFER_INACTIVE})
    if offer.provider.organisation_id == user.organisation_id:
        raise ValidationError({"offer": ERR_OWN_SERVICE})
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": ERR_REQUIRED})
    req = ServiceRequest.objects.create(
        offer=offer,
        provider=offer.provider,
        requester=org,
        requested_by=user,
        description=description,
    )
    audit_record(
        actor=user,
        obj=req,
        action="directory.request_create",
        after={"offer": offer.pk, **request_state(req)},
    )
    return req


def _move(user: User, req: ServiceRequest, action: str, check: Any) -> ServiceRequest:
    """Lock, check the actor and the allowed move, then hand back the locked row."""
    locked = ServiceRequest.objects.select_for_update().get(pk=req.pk)
    check(locked)
    if (locked.status, action) not in REQUEST_TRANSITIONS:
        raise ValidationError({"status": ERR_BAD_STATUS.format(status=locked.get_status_display())})
    return locked


def _provider_check(user: User) -> Any:
    def check(req: ServiceRequest) -> None:
        if not is_org_admin(user, req.provider.organisation_id):
            raise PermissionDenied(ERR_NOT_PROVIDER)

    return check


@transaction.atomic
def request_accept(
    *, user: User, request: ServiceRequest, contract_amount: Any, contract_signed_on: Any
) -> ServiceRequest:
    """The provider accepts: the contract is signed for ``contract_amount``."""
    locked = _move(user, request, "accept", _provider_check(user))
    before = request_state(locked)
    locked.contract_amount = _money(contract_amount, "contract_amount")
    locked.contract_signed_on = _past(contract_signed_on, "contract_signed_on")
    locked.status = REQUEST_TRANSITIONS[(locked.status, "accept")]
    locked.save()
    audit_record(
        actor=user,
        obj=locked,
        action="directory.request_accept",
        before=before,
        after=request_state(locked),
    )
    return locked


@transaction.atomic
def request_decline(*, user: User, request: ServiceRequest, reason: str) -> ServiceRequest:
    locked = _move(user, request, "decline", _provider_check(user))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ERR_REQUIRED})
    before = request_state(locked)
    locked.status = RequestStatus.DECLINED
    locked.decline_reason = reason[:500]
    locked.save()
    audit_record(
        actor=user,
        obj=locked,
        action="directory.request_decline",
        before=before,
        after={**request_state(locked), "reason": locked.decline_reason},
    )
    return locked


@transaction.atomic
def request_cancel(*, user: User, request: ServiceRequest) -> ServiceRequest:
    def check(req: ServiceRequest) -> None:
        if not (is_requester(user) and user.organisation_id == req.requester_id):
            raise PermissionDenied(ERR_NOT_OWN_REQUEST)

    locked = _move(user, request, "cancel", check)
    before = request_state(locked)
    locked.status = RequestStatus.CANCELLED
    locked.save()
    audit_record(
        actor=user,
        obj=locked,
        action="directory.request_cancel",
        before=before,
        after=request_state(locked),
    )
    return locked


@transaction.atomic
def request_deliver(
    *, user: User, request: ServiceRequest, delivered_on: Any, note: str = ""
) -> ServiceRequest:
    """The provider records delivery; the contract amount then counts as the year's service
    revenue (M10-2)."""
    locked = _move(user, request, "deliver", _provider_check(user))
    day = _past(delivered_on, "delivered_on")
    if locked.contract_signed_on and day < locked.contract_signed_on:
        raise ValidationError({"delivered_on": ERR_DELIVERY_BEFORE_CONTRACT})
    before = request_state(locked)
    locked.status = RequestStatus.DELIVERED
    locked.delivered_on = day
    locked.delivery_note = (note or "").strip()
    locked.save()
    audit_record(
        actor=user,
        obj=locked,
        action="directory.request_deliver",
        before=before,
        after=request_state(locked),
    )
    return locked


SERVICE_REQUEST_SUBJECT = "directory.servicerequest"  # vouchers.choices.SubjectType.SERVICE_REQUEST
CONTRACTED_STATES = (RequestStatus.ACCEPTED, RequestStatus.DELIVERED)


def service_contract_for_vouchers(request: ServiceRequest) -> tuple[str, int, Decimal]:
    """(subject_type, subject_id, contract_amount) of a contracted service, for the vouchers
    app to pay part of it (measure 14). Refused before the provider accepted (no contract)."""
    req = ServiceRequest.objects.get(pk=request.pk)
    if req.status not in CONTRACTED_STATES or req.contract_amount is None:
        raise ValidationError({"request": ERR_VOUCHER_NOT_CONTRACTED})
    return (SERVICE_REQUEST_SUBJECT, req.pk, req.contract_amount)


# --------------------------------------------------------------------------------------------
# Innovation vouchers on service requests (measure 14). The vouchers app keeps the quota, the
# 50% and yearly-quota rules and the ledger; a contracted request is one of its spend subjects
# (voucher_subjects.py, registered in DirectoryConfig.ready()), so every spend and claim on a
# request — from here, the vouchers pages or its API — is checked against the request.


def request_pay_with_vouchers(
    *, user: User, request: ServiceRequest, voucher_amount: Any, year: int | None = None
) -> Any:
    """The requesting enterprise pays part of its contracted service with innovation vouchers:
    ``voucher_amount`` of the request's contract, from its quota of ``year`` (default this
    year), to the request's provider. The vouchers app refuses — nothing changes — above 50% of
    the contract (all spends on the request together) or above what is left of the quota.
    Holds the request's row lock while the vouchers app locks the enterprise's quota rows."""
    if not (is_requester(user) and user.organisation_id == request.requester_id):
        raise PermissionDenied(ERR_VOUCHER_NOT_REQUESTER)
    with transaction.atomic():
        locked = (
            ServiceRequest.objects.select_for_update()
            .select_related("provider__organisation", "requester")
            .get(pk=request.pk)
        )
        subject_type, subject_id, _contract = service_contract_for_vouchers(locked)
        return voucher_spend(
            enterprise=locked.requester,
            subject_type=subject_type,
            subject_id=str(subject_id),
            voucher_amount=voucher_amount,
            user=user,
            provider=locked.provider.organisation,
            year=year,
        )


def request_claim_vouchers(
    *,
    user: User,
    request: ServiceRequest,
    spend: Any,
    contract_file: Any,
    invoice_file: Any,
    payment_file: Any,
    invoice_number: str = "",
) -> Any:
    """The provider claims redemption of vouchers spent on this request, with the contract,
    the invoice and the payment proof, once the service was delivered."""
    if spend.subject_type != SERVICE_REQUEST_SUBJECT or spend.subject_id != str(request.pk):
        raise ValidationError({"spend": ERR_VOUCHER_OTHER_SPEND})
    return voucher_redemption_claim(
        user=user,
        spend=spend,
        contract_file=contract_file,
        invoice_file=invoice_file,
        payment_file=payment_file,
        invoice_number=invoice_number,
    )


# --------------------------------------------------------------------------------------------
# Technology managers


def _clean_fields(values: Any) -> list[str]:
    values = list(values or [])
    if any(v not in IndustryField.values for v in values):
        raise ValidationError({"fields": ERR_CHOICE})
    return sorted(set(values))


@transaction.atomic
def manager_register(
    *,
    user: User,
    data: dict[str, Any],
    employer: Organisation | None = None,
    person: User | None = None,
) -> TechnologyManager:
    """Register a technology manager: the employer's admin registers its staff (optionally
    linking a colleague's account), or a user with the 技术经理人 role registers themself."""
    if not _active(user):
        raise PermissionDenied(ERR_NOT_MANAGER_EDITOR)
    if person is None and employer is None and user.has_role(Role.TECHNOLOGY_MANAGER):
        person, employer = user, user.organisation
    allowed = (
        user.is_platform_admin
        or (person is not None and person.pk == user.pk)
        or (employer is not None and is_org_admin(user, employer.pk))
    )
    if not allowed:
        raise PermissionDenied(ERR_NOT_MANAGER_EDITOR)
    if person is not None and employer is not None and person.organisation_id != employer.pk:
        raise ValidationError({"user": ERR_USER_OTHER_ORG})
    if person is not None and TechnologyManager.objects.filter(user=person).exists():
        raise ValidationError({"user": ERR_MANAGER_EXISTS})
    level = data.get("level") or ManagerLevel.JUNIOR
    if level not in ManagerLevel.values:
        raise ValidationError({"level": ERR_CHOICE})
    clean = {
        "name": _text(data, "name")
        if not person
        else (str(data.get("name") or "").strip() or person.display_name or person.username),
        "level": level,
        "fields": _clean_fields(data.get("fields")),
        "introduction": _text(data, "introduction", required=False),
        "contact_phone": clean_phone_in(data, "contact_phone"),
        "contact_email": _text(data, "contact_email", required=False),
        "is_public": bool(data.get("is_public", True)),
    }
    manager = TechnologyManager.objects.create(
        user=person, employer=employer, created_by=user, **clean
    )
    audit_record(
        actor=user,
        obj=manager,
        action="directory.manager_register",
        after={
            **clean,
            "employer": getattr(employer, "pk", None),
            "user": getattr(person, "pk", None),
        },
    )
    return manager


@transaction.atomic
def certificate_add(*, user: User, manager: TechnologyManager, data: dict[str, Any]) -> Certificate:
    if not can_edit_manager(user, manager):
        raise PermissionDenied(ERR_NOT_MANAGER_EDITOR)
    clean = {
        "name": _text(data, "name"),
        "number": _text(data, "number"),
        "issuer": _text(data, "issuer"),
        "issued_on": _past(data.get("issued_on"), "issued_on"),
    }
    if Certificate.objects.filter(issuer=clean["issuer"], number=clean["number"]).exists():
        raise ValidationError({"number": ERR_CERTIFICATE_EXISTS})
    cert = Certificate.objects.create(manager=manager, **clean)
    audit_record(
        actor=user,
        obj=cert,
        action="directory.certificate_add",
        after={"manager": manager.pk, "name": cert.name, "number": cert.number},
    )
    return cert


# --------------------------------------------------------------------------------------------
# Training bases, courses, attendance (measure 12)


@transaction.atomic
def training_base_create(
    *, user: User, organisation: Organisation, data: dict[str, Any]
) -> TrainingBase:
    """The organisation's admin registers its base; only the department marks it national."""
    department = _active(user) and user.is_reviewer
    if not (department or is_org_admin(user, organisation.pk)):
        raise PermissionDenied(ERR_NOT_ORG_ADMIN)
    if TrainingBase.objects.filter(organisation=organisation).exists():
        raise ValidationError({"organisation": ERR_BASE_EXISTS})
    base = TrainingBase.objects.create(
        organisation=organisation,
        name=_text(data, "name"),
        introduction=_text(data, "introduction", required=False),
        is_national=bool(data.get("is_national")) and bool(department),
    )
    audit_record(
        actor=user,
        obj=base,
        action="directory.training_base_create",
        after={"organisation": organisation.pk, "name": base.name, "is_national": base.is_national},
    )
    return base


@transaction.atomic
def course_create(*, user: User, base: TrainingBase, data: dict[str, Any]) -> Course:
    if not is_org_admin(user, base.organisation_id):
        raise PermissionDenied(ERR_NOT_BASE_ADMIN)
    starts_on = _date(data.get("starts_on"), "starts_on")
    ends_on = _date(data.get("ends_on"), "ends_on")
    if ends_on < starts_on:
        raise ValidationError({"ends_on": ERR_COURSE_DATES})
    course = Course.objects.create(
        training_base=base,
        title=_text(data, "title"),
        starts_on=starts_on,
        ends_on=ends_on,
        hours=_hours(data.get("hours"), "hours"),
        is_practical=bool(data.get("is_practical")),
        location=_text(data, "location", required=False),
    )
    audit_record(
        actor=user,
        obj=course,
        action="directory.course_create",
        after={"base": base.pk, "title": course.title, "hours": str(course.hours)},
    )
    return course


@transaction.atomic
def attendance_record(
    *,
    user: User,
    course: Course,
    manager: TechnologyManager,
    hours: Any = None,
    passed: bool = True,
) -> Attendance:
    """The base records that ``manager`` attended ``course`` (hours default to the course's)."""
    course = Course.objects.select_for_update().select_related("training_base").get(pk=course.pk)
    if not is_org_admin(user, course.training_base.organisation_id):
        raise PermissionDenied(ERR_NOT_BASE_ADMIN)
    credited = course.hours if hours in (None, "") else _hours(hours, "hours")
    if credited > course.hours:
        raise ValidationError({"hours": ERR_ATTENDANCE_HOURS})
    if Attendance.objects.filter(course=course, manager=manager).exists():
        raise ValidationError({"manager": ERR_ATTENDANCE_EXISTS})
    row = Attendance.objects.create(
        course=course, manager=manager, hours=credited, passed=bool(passed), recorded_by=user
    )
    audit_record(
        actor=user,
        obj=row,
        action="directory.attendance_record",
        after={
            "course": course.pk,
            "manager": manager.pk,
            "hours": str(credited),
            "passed": row.passed,
        },
    )
    return row


# --------------------------------------------------------------------------------------------
# Brokered deals (measure 9: the agency's M9-2 claim)


@transaction.atomic
def deal_name_broker(
    *,
    user: User,
    licence: Any,
    broker: TechnologyManager,
    contract_amount: Any,
    is_related_party: bool = False,
) -> BrokeredDeal:
    """A party to the licence names the technology manager who brokered it. The agency is the
    broker's employer; a deal where the agency is the licensor or licensee is a related-party
    deal (关联技术交易), which M9-2 excludes."""
    if not (
        is_licensor_editor(user, licence.licensor_id)
        or is_licensee_agent(user, licence.licensee_id)
    ):
        raise PermissionDenied(ERR_NOT_DEAL_PARTY)
    if BrokeredDeal.objects.filter(licence_id=licence.pk).exists():
        raise ValidationError({"licence": ERR_DEAL_EXISTS})
    agency_id = broker.employer_id
    related = bool(is_related_party) or agency_id in (licence.licensor_id, licence.licensee_id)
    try:
        with transaction.atomic():
            deal = BrokeredDeal.objects.create(
                licence_id=licence.pk,
                broker=broker,
                agency_id=agency_id,
                contract_amount=_money(contract_amount, "contract_amount"),
                is_related_party=related,
                recorded_by=user,
            )
    except IntegrityError:
        raise ValidationError({"licence": ERR_DEAL_EXISTS}) from None
    parties = {
        "licence": licence.pk,
        "licensor": licence.licensor_id,
        "licensee": licence.licensee_id,
        "agency": agency_id,
        "broker": broker.pk,
        "contract_amount": str(deal.contract_amount),
        "is_related_party": related,
    }
    audit_record(
        actor=user, obj=deal, action="directory.deal_name_broker", after=parties, detail=parties
    )
    return deal
