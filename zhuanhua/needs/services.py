"""Writes to technology needs and their response threads. Each is atomic and audited; every
change that can move a need in or out of search appends a search change-log row in the same
transaction (log_need, zhuanhua.core.searchlog)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, TypeGuard

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from zhuanhua.accounts.choices import Role
from zhuanhua.accounts.http import Visitor
from zhuanhua.accounts.models import User
from zhuanhua.achievements.choices import AchievementStatus, IndustryField
from zhuanhua.achievements.models import Achievement
from zhuanhua.audit.services import audit_record
from zhuanhua.core.models import SearchKind
from zhuanhua.core.prefectures import PREFECTURE_CHOICES
from zhuanhua.core.searchlog import log_change
from zhuanhua.core.text import index_tokens
from zhuanhua.licensing import services as licensing
from zhuanhua.licensing.choices import FeeModel
from zhuanhua.licensing.models import LicenceOffer
from zhuanhua.needs.choices import TRANSITIONS, NeedStatus
from zhuanhua.needs.models import NeedResponse, ResponseMessage, TechnologyNeed
from zhuanhua.notifications.services import notify
from zhuanhua.organisations.choices import OrganisationType

ERR_NOT_POSTER = "只有已通过审核的企业的机构管理员或被许可方经办人可以发布和编辑技术需求"
ERR_NOT_OWNER = "只有发布该需求的企业可以编辑或变更该需求"
ERR_BAD_TRANSITION = "当前状态（{status}）不能执行该操作"
ERR_REQUIRED = "此项为必填项"
ERR_CHOICE = "无效的选项"
ERR_AMOUNT = "金额应为不小于 0、最多两位小数的数字"
ERR_PAST_DEADLINE = "截止日期不能早于今天"
ERR_NOT_RESPONDER = "只有科研单位的成果管理员或机构管理员可以用本单位的成果回应需求"
ERR_NOT_OWN_ACHIEVEMENT = "只能用本单位已发布的成果回应需求"
ERR_NEED_NOT_OPEN = "该需求未发布或已关闭，不能回应"
ERR_RESPONSE_EXISTS = "已用该成果回应过此需求，请在原回应中继续沟通"
ERR_NOT_PARTY = "只有回应双方的人员可以执行该操作"
ERR_MESSAGE_EMPTY = "消息内容不能为空"
ERR_NO_OFFER = "该成果没有有效的先使用后付费许可报价"
ERR_NOT_ENTERPRISE_SIDE = "只有需求企业一方可以发起许可商洽"

# Who may post needs: enterprises (and other business entities) approved on the platform.
POSTER_ORG_TYPES = {
    OrganisationType.ENTERPRISE,
    OrganisationType.STATE_ENTERPRISE,
    OrganisationType.OTHER,
}
POSTER_ROLES = {Role.ORG_ADMIN, Role.LICENSEE_STAFF}
EDITABLE_FIELDS = (
    "title",
    "description",
    "keywords",
    "industry_field",
    "indicators",
    "budget_amount",
    "fee_model",
    "prefecture",
    "deadline_on",
)
EDITABLE_STATES = {NeedStatus.DRAFT, NeedStatus.PUBLISHED}
MONEY_LIMIT = Decimal("1E14")


def _authenticated(user: Visitor) -> TypeGuard[User]:
    return user.is_authenticated and user.is_active


def can_post_needs(user: Visitor) -> bool:
    if not _authenticated(user) or user.organisation is None:
        return False
    org = user.organisation
    return org.is_approved and org.org_type in POSTER_ORG_TYPES and user.has_role(*POSTER_ROLES)


def can_respond(user: Visitor) -> TypeGuard[User]:
    """A research unit's achievement editor (the people who may offer its achievements)."""
    return (
        _authenticated(user)
        and user.organisation is not None
        and user.organisation.is_research_unit
        and user.can_edit_achievements
    )


def need_state(need: TechnologyNeed) -> dict[str, Any]:
    state = {name: getattr(need, name) for name in EDITABLE_FIELDS}
    for name in ("budget_amount", "deadline_on"):
        state[name] = str(state[name]) if state[name] is not None else None
    state["status"] = need.status
    return state


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    cleaned = dict(data)
    for name in ("title", "description", "industry_field", "prefecture"):
        if not str(cleaned.get(name) or "").strip():
            errors.setdefault(name, []).append(ERR_REQUIRED)
    for name in ("title", "description", "indicators"):
        cleaned[name] = str(cleaned.get(name) or "").strip()
    cleaned["title"] = cleaned["title"][:200]
    if cleaned.get("industry_field") and cleaned["industry_field"] not in IndustryField.values:
        errors.setdefault("industry_field", []).append(ERR_CHOICE)
    if cleaned.get("prefecture") and cleaned["prefecture"] not in dict(PREFECTURE_CHOICES):
        errors.setdefault("prefecture", []).append(ERR_CHOICE)
    fee_model = cleaned.get("fee_model") or ""
    if fee_model and fee_model not in FeeModel.values:
        errors.setdefault("fee_model", []).append(ERR_CHOICE)
    cleaned["fee_model"] = fee_model
    budget = cleaned.get("budget_amount")
    if budget in (None, ""):
        cleaned["budget_amount"] = None
    else:
        try:
            amount = Decimal(str(budget))
            if (
                not amount.is_finite()
                or amount < 0
                or amount >= MONEY_LIMIT
                or amount != amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            ):
                raise InvalidOperation
            cleaned["budget_amount"] = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        except (InvalidOperation, ValueError):
            errors.setdefault("budget_amount", []).append(ERR_AMOUNT)
    deadline = cleaned.get("deadline_on")
    if isinstance(deadline, str):
        try:
            deadline = dt.date.fromisoformat(deadline) if deadline else None
        except ValueError:
            errors.setdefault("deadline_on", []).append("日期格式应为 YYYY-MM-DD")
            deadline = None
    cleaned["deadline_on"] = deadline
    keywords = cleaned.get("keywords") or []
    if isinstance(keywords, str):
        keywords = keywords.replace("，", ",").replace("；", ",").replace("、", ",").split(",")
    cleaned["keywords"] = [k.strip()[:40] for k in keywords if k and k.strip()][:20]
    if errors:
        raise ValidationError(errors)
    return cleaned


def _check_deadline(need: TechnologyNeed) -> None:
    if need.deadline_on and need.deadline_on < timezone.localdate():
        raise ValidationError({"deadline_on": [ERR_PAST_DEADLINE]})


def _reindex(need: TechnologyNeed) -> None:
    need.search_text = index_tokens([need.title, need.description, need.indicators], need.keywords)


def _check_owner(user: User, need: TechnologyNeed | None = None) -> None:
    if not can_post_needs(user):
        raise PermissionDenied(ERR_NOT_POSTER)
    if need is not None and need.owner_id != user.organisation_id:
        raise PermissionDenied(ERR_NOT_OWNER)


def need_create(*, user: User, data: dict[str, Any]) -> TechnologyNeed:
    _check_owner(user)
    data = dict(data)
    if user.organisation is not None:
        data.setdefault("prefecture", user.organisation.prefecture)
    cleaned = _clean(data)
    with transaction.atomic():
        need = TechnologyNeed(
            owner=user.organisation, created_by=user, **{k: cleaned[k] for k in EDITABLE_FIELDS}
        )
        _check_deadline(need)
        _reindex(need)
        need.save()
        audit_record(actor=user, obj=need, action="need.create", after=need_state(need))
        log_need(need)
    return need


def need_update(*, user: User, need: TechnologyNeed, data: dict[str, Any]) -> TechnologyNeed:
    """Edit a draft or a published need; a published one is re-indexed at once."""
    _check_owner(user, need)
    with transaction.atomic():
        need = TechnologyNeed.objects.select_for_update().get(pk=need.pk)
        if need.status not in EDITABLE_STATES:
            raise ValidationError(
                {"status": [ERR_BAD_TRANSITION.format(status=need.get_status_display())]}
            )
        before = need_state(need)
        merged = {k: getattr(need, k) for k in EDITABLE_FIELDS}
        merged.update(data)
        cleaned = _clean(merged)
        for key in EDITABLE_FIELDS:
            setattr(need, key, cleaned[key])
        if need_state(need)["deadline_on"] != before["deadline_on"]:
            _check_deadline(need)
        _reindex(need)
        need.save()
        audit_record(
            actor=user, obj=need, action="need.update", before=before, after=need_state(need)
        )
        log_need(need)
    return need


def need_transition(*, user: User, need: TechnologyNeed, action: str) -> TechnologyNeed:
    """publish (draft/closed → published) or close (published → closed)."""
    _check_owner(user, need)
    with transaction.atomic():
        locked = TechnologyNeed.objects.select_for_update().get(pk=need.pk)
        target = TRANSITIONS.get((locked.status, action))
        if target is None:
            raise ValidationError(
                {"status": [ERR_BAD_TRANSITION.format(status=locked.get_status_display())]}
            )
        if action == "publish":
            _check_deadline(locked)
            locked.published_at = timezone.now()
        before = {"status": locked.status}
        locked.status = target
        locked.save()
        audit_record(
            actor=user, obj=locked, action=f"need.{action}", before=before, after={"status": target}
        )
        log_need(locked)
    return locked


# --------------------------------------------------------------------------- responses


def side_of(user: Visitor, response: NeedResponse) -> str | None:
    """ "unit" / "enterprise" for members of the two organisations; None for everybody else."""
    if not _authenticated(user) or not user.organisation_id:
        return None
    if user.organisation_id == response.unit_id:
        return "unit"
    if user.organisation_id == response.enterprise_id:
        return "enterprise"
    return None


def response_open(
    *, user: User, need: TechnologyNeed, achievement: Achievement, message: str = ""
) -> NeedResponse:
    """ "用这个成果回应": a unit answers a published need with one of its published achievements."""
    if not can_respond(user):
        raise PermissionDenied(ERR_NOT_RESPONDER)
    if achievement.owner_id != user.organisation_id:
        raise PermissionDenied(ERR_NOT_OWN_ACHIEVEMENT)
    try:
        with transaction.atomic():
            locked = TechnologyNeed.objects.select_for_update().get(pk=need.pk)
            if locked.status != NeedStatus.PUBLISHED:
                raise ValidationError({"need": [ERR_NEED_NOT_OPEN]})
            current = Achievement.objects.get(pk=achievement.pk)
            if current.status != AchievementStatus.PUBLISHED:
                raise ValidationError({"achievement": [ERR_NOT_OWN_ACHIEVEMENT]})
            if NeedResponse.objects.filter(need=locked, achievement=current).exists():
                raise ValidationError({"achievement": [ERR_RESPONSE_EXISTS]})
            response = NeedResponse.objects.create(
                need=locked,
                achievement=current,
                unit_id=user.organisation_id,
                enterprise_id=locked.owner_id,
                created_by=user,
            )
            if message.strip():
                ResponseMessage.objects.create(
                    response=response,
                    organisation_id=user.organisation_id,
                    author=user,
                    body=message.strip()[:5000],
                )
            audit_record(
                actor=user,
                obj=response,
                action="need.respond",
                after={"need": locked.pk, "achievement": current.pk},
            )
            _notify(
                response,
                to_org_id=response.enterprise_id,
                title=f"有科研单位回应了您的技术需求：{locked.title}",
            )
    except IntegrityError:  # a concurrent response with the same achievement
        raise ValidationError({"achievement": [ERR_RESPONSE_EXISTS]}) from None
    return response


def response_message_post(*, user: User, response: NeedResponse, body: str) -> ResponseMessage:
    side = side_of(user, response)
    if side is None or user.organisation_id is None:
        raise PermissionDenied(ERR_NOT_PARTY)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": [ERR_MESSAGE_EMPTY]})
    with transaction.atomic():
        locked = NeedResponse.objects.select_for_update().get(pk=response.pk)
        message = ResponseMessage.objects.create(
            response=locked, organisation_id=user.organisation_id, author=user, body=body[:5000]
        )
        locked.save(update_fields=["updated_at"])
        audit_record(
            actor=user,
            obj=message,
            action="need.response_message",
            detail={"response": locked.pk, "side": side},
        )
        other = locked.enterprise_id if side == "unit" else locked.unit_id
        _notify(locked, to_org_id=other, title=f"需求回应有新消息：{locked.need.title}")
    return message


def response_open_inquiry(*, user: User, response: NeedResponse, message: str = "") -> Any:
    """The enterprise turns a response into a licensing inquiry on the achievement's active
    先使用后付费 offer (zhuanhua.licensing.services.inquiry_open does the checks)."""
    if side_of(user, response) != "enterprise":
        raise PermissionDenied(ERR_NOT_ENTERPRISE_SIDE)
    offer = LicenceOffer.objects.filter(
        achievement_id=response.achievement_id, is_active=True
    ).first()
    if offer is None:
        raise ValidationError({"offer": [ERR_NO_OFFER]})
    text = message.strip() or f"来自技术需求“{response.need.title}”的回应。"
    return licensing.inquiry_open(user=user, offer=offer, message=text)


def _notify(response: NeedResponse, *, to_org_id: int, title: str) -> None:
    users = get_user_model().objects.filter(is_active=True, organisation_id=to_org_id)
    notify(users=users, kind="system", title=title, url=f"/needs/responses/{response.pk}/")


def log_need(need: TechnologyNeed) -> None:
    """Search change-log row in the writing transaction (docs/search-service.md)."""
    log_change(
        kind=SearchKind.NEED, object_id=need.pk, published=need.status == NeedStatus.PUBLISHED
    )
