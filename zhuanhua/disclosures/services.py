"""Writes of disclosures (职务成果披露, measure 9): the researcher drafts, edits and submits; the
unit's achievement manager accepts (a draft achievement through the registry's own service),
returns with reasons or declines with reasons, within the unit's deadline. Each write: check,
lock, save, audit, notify — in one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from zhuanhua.accounts.choices import Role
from zhuanhua.accounts.models import User
from zhuanhua.achievements.choices import IndustryField, IpType
from zhuanhua.achievements.services import achievement_create
from zhuanhua.audit.services import audit_record
from zhuanhua.core.inputs import collect_date, collect_text
from zhuanhua.disclosures.choices import (
    DEFAULT_REVIEW_DAYS,
    EDITABLE_STATES,
    IP_NUMBERED,
    TRANSITIONS,
    FundingSource,
    IpStatus,
    Readiness,
)
from zhuanhua.disclosures.models import Disclosure, DisclosureSetting
from zhuanhua.engines.periods import period_end
from zhuanhua.notifications.services import notify
from zhuanhua.organisations.models import Organisation

ERR_NOT_RESEARCHER = "只有已通过审核的研究单位的科研人员可以披露职务成果"
ERR_NOT_OWN = "只能修改或提交本人的披露"
ERR_NOT_EDITABLE = "当前状态（{status}）不能修改"
ERR_BAD_TRANSITION = "当前状态（{status}）不能执行该操作"
ERR_NOT_MANAGER = "只有本单位的成果管理员或机构管理员可以审核披露"
ERR_REASON_REQUIRED = "退回或不予受理须填写理由"
ERR_DECISION = "无效的审核决定"
ERR_REQUIRED = "此项为必填项"
ERR_CHOICE = "无效的选项"
ERR_COMPLETERS = "请至少填写一位成果完成人"
ERR_COMPLETER_NAME = "第 {n} 位完成人：请填写姓名"
ERR_COMPLETER_SHARE = "第 {n} 位完成人：贡献份额应为大于 0、最多两位小数的百分数"
ERR_SHARES_TOTAL = "完成人贡献份额合计应为 100%（现为 {total}%）"
ERR_TOO_MANY_COMPLETERS = "成果完成人最多 {limit} 人"
ERR_IP_NUMBER = "已申请或已授权的，请填写申请号/权利编号"
ERR_IP_DATE = "已申请或已授权的，请填写申请日/授权日"
ERR_IP_TYPE = "已申请或已授权的，请选择知识产权类型"
ERR_REVIEW_DAYS = "审核期限应为 1–365 日"
ERR_NOT_UNIT_ADMIN = "只有本单位的成果管理员或机构管理员可以设置披露审核期限"

MAX_COMPLETERS = 20
HUNDRED = Decimal("100")
CENT = Decimal("0.01")
MANAGER_ROLES = {Role.ACHIEVEMENT_MANAGER, Role.ORG_ADMIN}

TEXT_FIELDS = {  # name → (limit, multiline, required)
    "title": (200, False, True),
    "summary": (5000, True, True),
    "funding_project": (200, False, False),
    "ip_number": (64, False, False),
    "ip_plan": (5000, True, False),
    "commercial_contacts": (5000, True, False),
    "conflicts": (5000, True, True),
}
FIELDS = (
    *TEXT_FIELDS,
    "industry_field",
    "funding_source",
    "ip_status",
    "ip_type",
    "ip_date_on",
    "readiness",
)


# --------------------------------------------------------------------------------------------
# Who


def is_researcher(user: Any) -> bool:
    org = getattr(user, "organisation", None) if getattr(user, "is_authenticated", False) else None
    return bool(
        org is not None
        and user.is_active
        and org.is_research_unit
        and org.is_approved
        and user.has_role(Role.RESEARCHER)
    )


def is_unit_manager(user: Any, unit_id: int | None = None) -> bool:
    """An achievement manager or organisation admin of a research unit (of ``unit_id``)."""
    org = getattr(user, "organisation", None) if getattr(user, "is_authenticated", False) else None
    return bool(
        org is not None
        and org.is_research_unit
        and user.can_edit_achievements
        and (unit_id is None or org.pk == unit_id)
    )


def check_researcher(user: Any) -> None:
    if not is_researcher(user):
        raise PermissionDenied(ERR_NOT_RESEARCHER)


def check_unit_manager(user: Any) -> None:
    if not is_unit_manager(user):
        raise PermissionDenied(ERR_NOT_MANAGER)


# --------------------------------------------------------------------------------------------
# Checks


def _completer_rows(
    rows: Sequence[Mapping[str, Any]], errors: dict[str, list[str]], *, complete: bool
) -> list[dict[str, str]]:
    """Names, employers and shares (%); to submit, at least one and the shares sum to 100."""
    cleaned: list[dict[str, str]] = []
    problems: list[str] = []
    if len(rows) > MAX_COMPLETERS:
        errors.setdefault("completers", []).append(
            ERR_TOO_MANY_COMPLETERS.format(limit=MAX_COMPLETERS)
        )
        return []
    total = Decimal("0")
    for n, row in enumerate(rows, start=1):
        name = str(row.get("name") or "").strip()
        employer = str(row.get("employer") or "").strip()
        if not name:
            problems.append(ERR_COMPLETER_NAME.format(n=n))
            continue
        local: dict[str, list[str]] = {}
        collect_text(name, "name", local, limit=60)
        collect_text(employer, "employer", local, limit=200, required=False)
        problems += [m for msgs in local.values() for m in msgs]
        try:
            share = Decimal(str(row.get("share") or "").strip().rstrip("%"))
        except InvalidOperation:
            share = Decimal("-1")
        if not share.is_finite() or share <= 0 or share > HUNDRED or share != share.quantize(CENT):
            problems.append(ERR_COMPLETER_SHARE.format(n=n))
            continue
        total += share
        cleaned.append({"name": name, "employer": employer, "share": f"{share.quantize(CENT)}"})
    if not rows and complete:
        problems.append(ERR_COMPLETERS)
    elif rows and complete and not problems and total != HUNDRED:
        problems.append(ERR_SHARES_TOTAL.format(total=f"{total.quantize(CENT)}"))
    if problems:
        errors.setdefault("completers", []).extend(dict.fromkeys(problems))
    return cleaned


def _clean(data: Mapping[str, Any], *, complete: bool) -> dict[str, Any]:
    """Every field checked; ``complete`` (submitting) also asks for the required ones. A draft
    may be saved half-written, but never with a malformed value."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for name, (limit, multiline, required) in TEXT_FIELDS.items():
        value = collect_text(
            data.get(name) or "", name, errors, limit=limit, multiline=multiline, required=False
        )
        if required and not value:
            # a draft needs its title at least, to be found again
            if complete or name == "title":
                errors.setdefault(name, []).append(ERR_REQUIRED)
        cleaned[name] = value
    for name, choices in (
        ("industry_field", IndustryField.values),
        ("funding_source", FundingSource.values),
        ("ip_status", IpStatus.values),
        ("ip_type", IpType.values),
    ):
        value = str(data.get(name) or "")
        if value and value not in choices:
            errors.setdefault(name, []).append(ERR_CHOICE)
        elif not value and complete and name != "ip_type":
            errors.setdefault(name, []).append(ERR_REQUIRED)
        cleaned[name] = value
    readiness = data.get("readiness")
    try:
        cleaned["readiness"] = int(readiness) if readiness not in (None, "") else None
    except (TypeError, ValueError):
        cleaned["readiness"] = 0
    if cleaned["readiness"] is None:
        if complete:
            errors.setdefault("readiness", []).append(ERR_REQUIRED)
    elif cleaned["readiness"] not in Readiness.values:
        errors.setdefault("readiness", []).append(ERR_CHOICE)
    cleaned["ip_date_on"] = collect_date(
        data.get("ip_date_on") or None, "ip_date_on", errors, required=False, past=True
    )
    if complete and cleaned["ip_status"] in IP_NUMBERED:
        if not cleaned["ip_type"] or cleaned["ip_type"] == IpType.KNOW_HOW:
            errors.setdefault("ip_type", []).append(ERR_IP_TYPE)
        if not cleaned["ip_number"]:
            errors.setdefault("ip_number", []).append(ERR_IP_NUMBER)
        if not cleaned["ip_date_on"]:
            errors.setdefault("ip_date_on", []).append(ERR_IP_DATE)
    cleaned["completers"] = _completer_rows(
        list(data.get("completers") or []), errors, complete=complete
    )
    if errors:
        raise ValidationError(errors)
    return cleaned


def disclosure_state(disclosure: Disclosure) -> dict[str, Any]:
    """What the audit log digests."""
    state = {name: getattr(disclosure, name) for name in FIELDS}
    state["ip_date_on"] = disclosure.ip_date_on.isoformat() if disclosure.ip_date_on else None
    state["completers"] = disclosure.completers
    state["status"] = disclosure.status
    state["due_on"] = disclosure.due_on.isoformat() if disclosure.due_on else None
    return state


def _apply(disclosure: Disclosure, cleaned: Mapping[str, Any]) -> None:
    for name in FIELDS:
        value = cleaned.get(name)
        if name == "readiness" and value is None:
            continue
        setattr(disclosure, name, value if value is not None or name == "ip_date_on" else "")
    disclosure.completers = list(cleaned.get("completers") or [])


# --------------------------------------------------------------------------------------------
# The researcher


def disclosure_create(*, user: User, data: Mapping[str, Any]) -> Disclosure:
    """A researcher starts a disclosure to their own unit (a draft only they see)."""
    check_researcher(user)
    cleaned = _clean(data, complete=False)
    with transaction.atomic():
        unit = user.organisation
        assert unit is not None  # check_researcher needs one
        disclosure = Disclosure(unit=unit, researcher=user)
        _apply(disclosure, cleaned)
        if disclosure.readiness is None:
            disclosure.readiness = Readiness.PRINCIPLE
        disclosure.save()
        audit_record(
            actor=user,
            obj=disclosure,
            action="disclosure.create",
            after=disclosure_state(disclosure),
        )
    return disclosure


def _lock_own(user: User, disclosure: Disclosure) -> Disclosure:
    if not getattr(user, "is_authenticated", False) or disclosure.researcher_id != user.pk:
        raise PermissionDenied(ERR_NOT_OWN)
    return Disclosure.objects.select_for_update().get(pk=disclosure.pk)


def disclosure_update(*, user: User, disclosure: Disclosure, data: Mapping[str, Any]) -> Disclosure:
    """The researcher edits a draft or a returned disclosure."""
    with transaction.atomic():
        locked = _lock_own(user, disclosure)
        if locked.status not in EDITABLE_STATES:
            raise ValidationError(
                {"status": [ERR_NOT_EDITABLE.format(status=locked.get_status_display())]}
            )
        cleaned = _clean(data, complete=False)
        before = disclosure_state(locked)
        _apply(locked, cleaned)
        locked.save()
        audit_record(
            actor=user,
            obj=locked,
            action="disclosure.update",
            before=before,
            after=disclosure_state(locked),
        )
    return locked


def review_days(unit_id: int) -> int:
    setting = DisclosureSetting.objects.filter(unit_id=unit_id).first()
    return setting.review_days if setting else DEFAULT_REVIEW_DAYS


def due_on_for(unit_id: int, submitted_on: dt.date) -> dt.date:
    """The unit's deadline: its review days counted from the day after the submission, the last
    day moved past a rest day (民法典 arts. 201–203, engines/periods)."""
    return period_end(submitted_on, review_days(unit_id), "calendar").ends_on


def _managers(unit_id: int) -> list[User]:
    people = get_user_model().objects.filter(organisation_id=unit_id, is_active=True)
    return [u for u in people if MANAGER_ROLES & set(u.roles)]


def disclosure_submit(
    *, user: User, disclosure: Disclosure, today: dt.date | None = None
) -> Disclosure:
    """The researcher submits (or resubmits after a return): every required field, the shares
    summing to 100 %; the unit's deadline starts; its managers are notified."""
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = _lock_own(user, disclosure)
        target = TRANSITIONS.get((locked.status, "submit"))
        if target is None:
            raise ValidationError(
                {"status": [ERR_BAD_TRANSITION.format(status=locked.get_status_display())]}
            )
        data = disclosure_state(locked)
        _clean(data, complete=True)
        before = {"status": locked.status}
        now = timezone.now()
        locked.status = target
        locked.submitted_at, locked.submitted_on = now, today
        locked.first_submitted_at = locked.first_submitted_at or now
        locked.due_on = due_on_for(locked.unit_id, today)
        locked.save()
        audit_record(
            actor=user,
            obj=locked,
            action="disclosure.submit",
            before=before,
            after={"status": target, "due_on": locked.due_on.isoformat()},
        )
        notify(
            users=_managers(locked.unit_id),
            kind="achievement_review",
            title=f"新的职务成果披露待审核：{locked.title}",
            body=f"披露人：{user}；请于 {locked.due_on.isoformat()} 前处理。",
            url=f"/disclosures/{locked.pk}/",
        )
    return locked


# --------------------------------------------------------------------------------------------
# The unit


def _achievement_data(disclosure: Disclosure) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The draft achievement's fields and completers, from the disclosure. An IP not yet filed
    (or kept secret) is registered as know-how (非专利技术/技术秘密), which needs no number; a
    filed patent as a patent application."""
    ip_type = disclosure.ip_type or IpType.KNOW_HOW
    if disclosure.ip_status not in IP_NUMBERED:
        ip_type = IpType.KNOW_HOW
    elif disclosure.ip_status == IpStatus.FILED and ip_type == IpType.PATENT:
        ip_type = IpType.PATENT_APPLICATION
    numbered = ip_type != IpType.KNOW_HOW
    data = {
        "title": disclosure.title,
        "summary": disclosure.summary,
        "industry_field": disclosure.industry_field,
        "ip_type": ip_type,
        "ip_number": disclosure.ip_number if numbered else "",
        "ip_acquired_on": disclosure.ip_date_on if numbered else None,
        "trl": disclosure.readiness,
        "is_service": True,
        "fiscally_funded": disclosure.fiscally_funded,
        "funding_programme": disclosure.funding_project,
    }
    researcher_name = disclosure.researcher.display_name or disclosure.researcher.username
    completers = [
        {
            "name": c["name"],
            "employer": c.get("employer") or "",
            "share": Decimal(c["share"]),
            "user_id": disclosure.researcher_id if c["name"] == researcher_name else None,
        }
        for c in disclosure.completers
    ]
    return data, completers


def disclosure_decide(
    *,
    user: User,
    disclosure: Disclosure,
    decision: str,
    reason: str = "",
    today: dt.date | None = None,
) -> Disclosure:
    """The unit's manager decides a submitted disclosure: ``accept`` registers a draft
    achievement of the unit (achievements.services.achievement_create: its own checks and
    audit) with the completers, their shares and the funding; ``return`` and ``decline`` need
    reasons. The researcher is notified."""
    if decision not in ("accept", "return", "decline"):
        raise ValidationError({"decision": [ERR_DECISION]})
    if not is_unit_manager(user, disclosure.unit_id):
        raise PermissionDenied(ERR_NOT_MANAGER)
    reason = str(reason or "").strip()
    if decision != "accept" and not reason:
        raise ValidationError({"reason": [ERR_REASON_REQUIRED]})
    problems: dict[str, list[str]] = {}
    reason = collect_text(reason, "reason", problems, limit=5000, multiline=True, required=False)
    if problems:
        raise ValidationError(problems)
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = (
            Disclosure.objects.select_for_update()
            .select_related("researcher")
            .get(pk=disclosure.pk)
        )
        target = TRANSITIONS.get((locked.status, decision))
        if target is None:
            raise ValidationError(
                {"status": [ERR_BAD_TRANSITION.format(status=locked.get_status_display())]}
            )
        before = {"status": locked.status}
        if decision == "accept":
            data, completers = _achievement_data(locked)
            locked.achievement = achievement_create(user=user, data=data, completers=completers)
            locked.decision_reason = reason
        elif decision == "return":
            locked.return_reason = reason
        else:
            locked.decision_reason = reason
        locked.status = target
        locked.decided_by, locked.decided_at = user, timezone.now()
        submitted_on = locked.submitted_on or today
        locked.decision_days = max(0, (today - submitted_on).days)
        locked.save()
        audit_record(
            actor=user,
            obj=locked,
            action=f"disclosure.{decision}",
            before=before,
            after={
                "status": target,
                "achievement": locked.achievement_id,
                "decision_days": locked.decision_days,
            },
            detail={"reason": reason} if reason else {},
        )
        titles = {
            "accept": "您的职务成果披露已受理并登记为成果草稿：{title}",
            "return": "您的职务成果披露被退回修改：{title}",
            "decline": "您的职务成果披露不予受理：{title}",
        }
        notify(
            users=[locked.researcher],
            kind="achievement_review",
            title=titles[decision].format(title=locked.title),
            body=f"理由：{reason}" if reason else "",
            url=f"/disclosures/{locked.pk}/",
        )
    return locked


def disclosure_setting_update(
    *, user: User, unit: Organisation, review_days: Any
) -> DisclosureSetting:
    """The unit sets how many days its managers have to decide (applies to later submissions)."""
    if not is_unit_manager(user, unit.pk):
        raise PermissionDenied(ERR_NOT_UNIT_ADMIN)
    try:
        days = int(review_days)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= 365:
        raise ValidationError({"review_days": [ERR_REVIEW_DAYS]})
    with transaction.atomic():
        setting, _created = DisclosureSetting.objects.select_for_update().get_or_create(unit=unit)
        before = {"review_days": setting.review_days}
        setting.review_days = days
        setting.save()
        audit_record(
            actor=user,
            obj=setting,
            action="disclosure_setting.update",
            before=before,
            after={"review_days": days},
        )
    return setting
