"""Organisation sign-up by the public and its review by a department reviewer."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from zhuanhua.accounts.choices import Role
from zhuanhua.accounts.models import User
from zhuanhua.audit.services import audit_record
from zhuanhua.core.inputs import clean_phone_in, clean_text
from zhuanhua.core.prefectures import PREFECTURE_CHOICES
from zhuanhua.core.uscc import USCCError, validate_uscc
from zhuanhua.notifications.services import notify
from zhuanhua.organisations.choices import (
    GOVERNMENT_TYPES,
    SUPERVISED_TYPES,
    OrganisationStatus,
    OrganisationType,
)
from zhuanhua.organisations.models import Organisation, SupervisorChange

ERR_USCC_TAKEN = "该统一社会信用代码已登记"
ERR_USERNAME_TAKEN = "该用户名已被使用"
ERR_PREFECTURE = "请选择云南省16个州（市）之一或“云南省外”"
ERR_ORG_TYPE = "无效的机构类型"
ERR_NOT_REVIEWER = "只有主管部门审核员可以审核机构登记"
ERR_ALREADY_REVIEWED = "该机构登记已审核"
ERR_REASON = "不予通过时必须填写原因"
ERR_REQUIRED = "此项为必填项"


def organisation_clean(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    cleaned = dict(data)
    for name in ("name", "org_type", "uscc", "prefecture"):
        if not str(cleaned.get(name) or "").strip():
            errors.setdefault(name, []).append(ERR_REQUIRED)
    if cleaned.get("uscc"):
        try:
            cleaned["uscc"] = validate_uscc(cleaned["uscc"])
        except USCCError as exc:
            errors.setdefault("uscc", []).append(str(exc))
        else:
            if Organisation.objects.filter(uscc=cleaned["uscc"]).exists():
                errors.setdefault("uscc", []).append(ERR_USCC_TAKEN)
    if cleaned.get("prefecture") and cleaned["prefecture"] not in dict(PREFECTURE_CHOICES):
        errors.setdefault("prefecture", []).append(ERR_PREFECTURE)
    if cleaned.get("org_type") and cleaned["org_type"] not in OrganisationType.values:
        errors.setdefault("org_type", []).append(ERR_ORG_TYPE)
    try:
        cleaned["contact_phone"] = clean_phone_in(cleaned, "contact_phone")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return cleaned


ORG_FIELDS = (
    "name",
    "org_type",
    "uscc",
    "prefecture",
    "address",
    "contact_name",
    "contact_phone",
    "introduction",
    "is_sme",
    "is_tech_enterprise",
    "is_national_transfer_agency",
    "supervisor",  # reviewed with the sign-up itself; later changes: supervisor_change_request
)


def organisation_sign_up(
    *, data: dict[str, Any], username: str, password: str, display_name: str, email: str = ""
) -> Organisation:
    """A member of the public registers an organisation and its first administrator.

    The organisation stays `pending` (and its people cannot act) until a reviewer approves.
    """
    errors: dict[str, list[str]] = {}
    try:
        cleaned = organisation_clean(data)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        cleaned = data
    User = get_user_model()
    if not username.strip():
        errors.setdefault("username", []).append(ERR_REQUIRED)
    elif User.objects.filter(username=username.strip()).exists():
        errors.setdefault("username", []).append(ERR_USERNAME_TAKEN)
    try:
        validate_password(password)
    except ValidationError as exc:
        errors.setdefault("password", []).extend(exc.messages)
    supervisor = cleaned.get("supervisor")
    if supervisor is not None:
        try:
            _check_supervisor(str(cleaned.get("org_type") or ""), supervisor)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    if cleaned.get("org_type") in GOVERNMENT_TYPES:
        # Government bodies are set up by platform admins, never by public sign-up.
        raise ValidationError({"org_type": [ERR_ORG_TYPE]})
    with transaction.atomic():
        org = Organisation.objects.create(
            **{k: cleaned.get(k) for k in ORG_FIELDS if cleaned.get(k) is not None},
            status=OrganisationStatus.PENDING,
        )
        user = User.objects.create_user(
            username=username.strip(),
            password=password,
            email=email,
            display_name=display_name.strip(),
            organisation=org,
            roles=[Role.ORG_ADMIN],
        )
        audit_record(
            actor=user,
            obj=org,
            action="organisation.sign_up",
            after={"name": org.name, "uscc": org.uscc, "status": org.status},
        )
    return org


def organisation_review(
    *, user: User, organisation: Organisation, approve: bool, reason: str = ""
) -> Organisation:
    if not getattr(user, "is_authenticated", False) or not user.is_reviewer:
        raise PermissionDenied(ERR_NOT_REVIEWER)
    if not approve and not reason.strip():
        raise ValidationError({"reason": [ERR_REASON]})
    with transaction.atomic():
        org = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if org.status != OrganisationStatus.PENDING:
            raise ValidationError({"status": [ERR_ALREADY_REVIEWED]})
        org.status = OrganisationStatus.APPROVED if approve else OrganisationStatus.REJECTED
        org.review_reason = reason.strip()
        org.reviewed_by = user
        org.reviewed_at = timezone.now()
        org.save()
        audit_record(
            actor=user,
            obj=org,
            action="organisation.review",
            before={"status": OrganisationStatus.PENDING},
            after={"status": org.status},
            detail={"reason": org.review_reason},
        )
    return org


# --- 主管部门 (issue 24): a unit names its supervising department; changes are reviewed ---------

ERR_SUPERVISOR_TYPE = "主管部门须为平台登记的主管部门（如教育厅、卫生健康委、国资委）"
ERR_NOT_SUPERVISED = "只有科研单位、医疗卫生机构和国有企业填报主管部门"
ERR_NOT_ORG_ADMIN = "只有本单位的机构管理员可以申请变更主管部门"
ERR_SAME_SUPERVISOR = "拟变更的主管部门与现主管部门相同"
ERR_CHANGE_PENDING = "本单位已有待审核的主管部门变更申请"
ERR_CHANGE_DECIDED = "该变更申请已审核"
ERR_CHANGE_REASON = "请填写变更理由"
ERR_NOT_PROVINCIAL = "只有省科技厅审核员可以审核主管部门变更"


def supervising_departments() -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        org_type=OrganisationType.SUPERVISING_DEPARTMENT, status=OrganisationStatus.APPROVED
    ).order_by("name")


def _check_supervisor(org_type: str, supervisor: Organisation | None) -> None:
    if supervisor is None:
        return
    if org_type not in SUPERVISED_TYPES:
        raise ValidationError({"supervisor": [ERR_NOT_SUPERVISED]})
    if not supervising_departments().filter(pk=supervisor.pk).exists():
        raise ValidationError({"supervisor": [ERR_SUPERVISOR_TYPE]})


def _provincial_reviewers() -> list[User]:
    people = User.objects.filter(
        is_active=True, organisation__org_type=OrganisationType.DEPARTMENT
    ).order_by("pk")
    return [u for u in people if u.has_role(Role.DEPARTMENT_REVIEWER)]


def supervisor_change_request(
    *, user: User, organisation: Organisation, supervisor: Organisation | None, reason: str
) -> SupervisorChange:
    """The unit's admin asks to change its supervising department; it takes effect only when the
    provincial department approves (``supervisor_change_decide``)."""
    if (
        not getattr(user, "is_authenticated", False)
        or user.organisation_id != organisation.pk
        or not user.has_role(Role.ORG_ADMIN)
    ):
        raise PermissionDenied(ERR_NOT_ORG_ADMIN)
    if organisation.org_type not in SUPERVISED_TYPES:
        raise ValidationError({"supervisor": [ERR_NOT_SUPERVISED]})
    reason = clean_text(reason, "reason", limit=500)
    if not reason:
        raise ValidationError({"reason": [ERR_CHANGE_REASON]})
    _check_supervisor(organisation.org_type, supervisor)
    with transaction.atomic():
        org = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if org.supervisor_changes.filter(status=SupervisorChange.Status.PENDING).exists():
            raise ValidationError({"supervisor": [ERR_CHANGE_PENDING]})
        if org.supervisor_id == (supervisor.pk if supervisor else None):
            raise ValidationError({"supervisor": [ERR_SAME_SUPERVISOR]})
        change = SupervisorChange.objects.create(
            organisation=org,
            previous_id=org.supervisor_id,
            requested=supervisor,
            reason=reason,
            requested_by=user,
        )
        audit_record(
            actor=user,
            obj=change,
            action="supervisor_change.request",
            after={
                "organisation": org.pk,
                "previous": org.supervisor_id,
                "requested": change.requested_id,
                "reason": reason,
            },
        )
        notify(
            users=_provincial_reviewers(),
            kind="filing",
            title=f"{org.name}申请变更主管部门",
            body=f"{change.previous or '未填报'} → {change.requested or '不填报'}：{reason}",
            url="/organisations/supervisor-changes/",
        )
    return change


def supervisor_change_decide(
    *, user: User, change: SupervisorChange, approve: bool, reason: str = ""
) -> SupervisorChange:
    """The provincial department approves (the unit's supervisor changes now) or refuses."""
    if not getattr(user, "is_authenticated", False) or not user.is_reviewer:
        raise PermissionDenied(ERR_NOT_PROVINCIAL)
    reason = clean_text(reason, "reason", limit=500)
    if not approve and not reason:
        raise ValidationError({"reason": [ERR_REASON]})
    with transaction.atomic():
        locked = SupervisorChange.objects.select_for_update().get(pk=change.pk)
        if locked.status != SupervisorChange.Status.PENDING:
            raise ValidationError({"status": [ERR_CHANGE_DECIDED]})
        org = Organisation.objects.select_for_update().get(pk=locked.organisation_id)
        before = {"supervisor": org.supervisor_id}
        locked.status = (
            SupervisorChange.Status.APPROVED if approve else SupervisorChange.Status.REJECTED
        )
        locked.decided_by = user
        locked.decided_at = timezone.now()
        locked.decision_reason = reason
        locked.save()
        if approve:
            org.supervisor_id = locked.requested_id
            org.save(update_fields=["supervisor"])
        audit_record(
            actor=user,
            obj=locked,
            action="supervisor_change.decide",
            before=before,
            after={"supervisor": org.supervisor_id, "status": locked.status},
            detail={"reason": reason},
        )
        admins = [
            u
            for u in User.objects.filter(organisation_id=org.pk, is_active=True)
            if u.has_role(Role.ORG_ADMIN)
        ]
        verdict = "已同意" if approve else "未同意"
        notify(
            users=admins,
            kind="filing",
            title=f"主管部门变更申请{verdict}",
            body=reason,
            url="/organisations/supervisor/",
        )
    return locked
