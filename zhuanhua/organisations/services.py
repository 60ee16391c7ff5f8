"""Organisation sign-up by the public and its review by a department reviewer."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from zhuanhua.accounts.choices import Role
from zhuanhua.accounts.models import User
from zhuanhua.audit.services import audit_record
from zhuanhua.core.inputs import clean_phone_in
from zhuanhua.core.prefectures import PREFECTURE_CHOICES
from zhuanhua.core.uscc import USCCError, validate_uscc
from zhuanhua.organisations.choices import OrganisationStatus, OrganisationType
from zhuanhua.organisations.models import Organisation

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
    if errors:
        raise ValidationError(errors)
    if cleaned.get("org_type") == OrganisationType.DEPARTMENT:
        # Departments are set up by platform admins, never by public sign-up.
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
