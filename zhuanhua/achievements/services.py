"""Writes to achievements: create, update, lifecycle moves, attachments. Each is atomic and
audited; permission checks live here so pages and API share them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from zhuanhua.accounts.choices import Role
from zhuanhua.accounts.models import User
from zhuanhua.achievements.choices import (
    IP_NUMBER_OPTIONAL,
    TRANSITIONS,
    AchievementStatus,
    IndustryField,
    IpType,
    TransferStatus,
)
from zhuanhua.achievements.models import Achievement, Attachment, Completer
from zhuanhua.audit.services import audit_record
from zhuanhua.core.models import SearchKind
from zhuanhua.core.searchlog import log_change
from zhuanhua.core.text import index_tokens
from zhuanhua.core.uploads import check_upload_as, store_upload
from zhuanhua.notifications.services import notify

ERR_NOT_EDITOR = "只有本单位的成果管理员可以编辑该成果"
ERR_NOT_REVIEWER = "只有主管部门审核员可以审核成果"
ERR_BAD_TRANSITION = "当前状态（{status}）不能执行该操作"
ERR_RETURN_REASON = "退回时必须填写原因"
ERR_FUTURE_DATE = "日期不能晚于今天"
ERR_IP_NUMBER = "请填写{label}"
ERR_TRL = "技术成熟度应为 1–9"
ERR_REQUIRED = "此项为必填项"
ERR_CHOICE = "无效的选项"
ERR_COMPLETER = "请至少填写一位成果完成人"

EDITABLE_FIELDS = (
    "title",
    "summary",
    "keywords",
    "industry_field",
    "ip_type",
    "ip_number",
    "ip_acquired_on",
    "trl",
    "is_service",
    "fiscally_funded",
    "funding_programme",
    "is_applied_technology",
    "transfer_status",
    "transferred_on",
)
# Only drafts (and delisted ones) are editable; a published record changes through delisting.
EDITABLE_STATES = {AchievementStatus.DRAFT, AchievementStatus.DELISTED}


def achievement_state(achievement: Achievement) -> dict[str, Any]:
    """What the audit log digests for an achievement."""
    state = {name: getattr(achievement, name) for name in EDITABLE_FIELDS}
    state["status"] = achievement.status
    state["completers"] = (
        [[c.name, c.order, c.employer] for c in achievement.completers.all()]
        if achievement.pk
        else []
    )
    return state


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    """Validate the editable fields; raise ValidationError({field: [message]}) with every problem."""
    errors: dict[str, list[str]] = {}
    cleaned = dict(data)
    for name in ("title", "summary", "industry_field", "ip_type", "trl"):
        if cleaned.get(name) in (None, ""):
            errors.setdefault(name, []).append(ERR_REQUIRED)
    if cleaned.get("ip_type") and cleaned["ip_type"] not in IpType.values:
        errors.setdefault("ip_type", []).append(ERR_CHOICE)
    if cleaned.get("industry_field") and cleaned["industry_field"] not in IndustryField.values:
        errors.setdefault("industry_field", []).append(ERR_CHOICE)
    status = cleaned.get("transfer_status") or TransferStatus.UNTRANSFERRED
    if status not in TransferStatus.values:
        errors.setdefault("transfer_status", []).append(ERR_CHOICE)
    cleaned["transfer_status"] = status
    trl = cleaned.get("trl")
    if trl not in (None, ""):
        try:
            cleaned["trl"] = int(trl)
        except (TypeError, ValueError):
            cleaned["trl"] = 0
        if not 1 <= cleaned["trl"] <= 9:
            errors.setdefault("trl", []).append(ERR_TRL)
    ip_type = cleaned.get("ip_type")
    if ip_type in IpType.values and ip_type not in IP_NUMBER_OPTIONAL:
        if not (cleaned.get("ip_number") or "").strip():
            from zhuanhua.achievements.choices import IP_NUMBER_LABELS

            errors.setdefault("ip_number", []).append(
                ERR_IP_NUMBER.format(label=IP_NUMBER_LABELS[ip_type])
            )
        if not cleaned.get("ip_acquired_on"):
            errors.setdefault("ip_acquired_on", []).append(ERR_REQUIRED)
    today = timezone.localdate()
    for name in ("ip_acquired_on", "transferred_on"):
        value = cleaned.get(name)
        if isinstance(value, str) and value:
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                errors.setdefault(name, []).append("日期格式应为 YYYY-MM-DD")
                continue
            cleaned[name] = value
        if isinstance(value, dt.date) and value > today:
            errors.setdefault(name, []).append(ERR_FUTURE_DATE)
    keywords = cleaned.get("keywords") or []
    if isinstance(keywords, str):
        keywords = [k for k in keywords.replace("，", ",").replace("；", ",").split(",")]
    cleaned["keywords"] = [k.strip() for k in keywords if k and k.strip()][:20]
    if errors:
        raise ValidationError(errors)
    return cleaned


def _check_editor(user: User, achievement: Achievement | None = None) -> None:
    if not getattr(user, "is_authenticated", False) or not user.can_edit_achievements:
        raise PermissionDenied(ERR_NOT_EDITOR)
    if achievement is not None and achievement.owner_id != user.organisation_id:
        raise PermissionDenied(ERR_NOT_EDITOR)


def _set_completers(achievement: Achievement, completers: Sequence[dict[str, Any]]) -> None:
    """Replace the completers. A row may carry its ``share`` (%, a disclosure's) and the
    completer's platform account ``user_id`` (the disclosing researcher); the unit's own
    link to an account survives an edit when the name stays."""
    kept = dict(achievement.completers.filter(user__isnull=False).values_list("name", "user_id"))
    achievement.completers.all().delete()
    Completer.objects.bulk_create(
        Completer(
            achievement=achievement,
            name=c["name"].strip(),
            order=i,
            employer=(c.get("employer") or "").strip(),
            share=c.get("share") if c.get("share") not in ("", None) else None,
            user_id=c.get("user_id") or kept.get(c["name"].strip()),
        )
        for i, c in enumerate(completers, start=1)
        if (c.get("name") or "").strip()
    )


def _reindex(achievement: Achievement) -> None:
    achievement.search_text = index_tokens(
        [achievement.title, achievement.summary], achievement.keywords
    )


def achievement_create(
    *, user: User, data: dict[str, Any], completers: Sequence[dict[str, Any]] = ()
) -> Achievement:
    _check_editor(user)
    org = user.organisation
    if org is None:  # can_edit_achievements requires one; this narrows the type
        raise PermissionDenied(ERR_NOT_EDITOR)
    cleaned = _clean(data)
    if not any((c.get("name") or "").strip() for c in completers):
        raise ValidationError({"completers": [ERR_COMPLETER]})
    with transaction.atomic():
        achievement = Achievement(
            owner=org,
            prefecture=org.prefecture,
            created_by=user,
            **{k: cleaned.get(k) for k in EDITABLE_FIELDS if k in cleaned},
        )
        _reindex(achievement)
        achievement.save()
        _set_completers(achievement, completers)
        audit_record(
            actor=user,
            obj=achievement,
            action="achievement.create",
            after=achievement_state(achievement),
        )
        achievement_log_search(achievement)
    return achievement


def achievement_update(
    *,
    user: User,
    achievement: Achievement,
    data: dict[str, Any],
    completers: Sequence[dict[str, Any]] | None = None,
) -> Achievement:
    _check_editor(user, achievement)
    with transaction.atomic():
        achievement = Achievement.objects.select_for_update().get(pk=achievement.pk)
        if achievement.status not in EDITABLE_STATES:
            raise ValidationError(
                {"status": [ERR_BAD_TRANSITION.format(status=achievement.get_status_display())]}
            )
        before = achievement_state(achievement)
        merged = {k: getattr(achievement, k) for k in EDITABLE_FIELDS}
        merged.update(data)
        cleaned = _clean(merged)
        if completers is not None and not any((c.get("name") or "").strip() for c in completers):
            raise ValidationError({"completers": [ERR_COMPLETER]})
        for key in EDITABLE_FIELDS:
            if key in cleaned:
                setattr(achievement, key, cleaned[key])
        _reindex(achievement)
        achievement.save()
        if completers is not None:
            _set_completers(achievement, completers)
        audit_record(
            actor=user,
            obj=achievement,
            action="achievement.update",
            before=before,
            after=achievement_state(achievement),
        )
        achievement_log_search(achievement)
    return achievement


def achievement_lock(pk: int) -> Achievement:
    """The achievement row locked (select_for_update) in the caller's transaction: the apps
    above that hang records on an achievement (grants, licences) take it first, so their
    writes serialise with the achievement's own moves."""
    return Achievement.objects.select_for_update().get(pk=pk)


def _transfer_state(achievement: Achievement) -> dict[str, Any]:
    return {
        "transfer_status": achievement.transfer_status,
        "transferred_on": achievement.transferred_on.isoformat()
        if achievement.transferred_on
        else None,
    }


def achievement_mark_transferred(
    *,
    user: User,
    achievement_id: int,
    status: str,
    on: dt.date | None,
    replaces: frozenset[str] = frozenset(
        {TransferStatus.UNTRANSFERRED, TransferStatus.SELF_IMPLEMENTED}
    ),
    detail: dict[str, Any] | None = None,
) -> Achievement:
    """Keep a published achievement's 转化状态 in step with a deal another app recorded (a
    signed licence: ``licensed``). The status moves only from one of ``replaces`` (a stronger
    status such as transferred or equity is kept); ``transferred_on`` is set to ``on`` when
    empty. Audited as ``achievement.transfer_status`` when anything changed. Takes the
    achievement's row lock; call it inside the caller's transaction."""
    achievement = achievement_lock(achievement_id)
    before = _transfer_state(achievement)
    changed = []
    if achievement.transfer_status in replaces:
        achievement.transfer_status = status
        changed.append("transfer_status")
    if achievement.transferred_on is None:
        achievement.transferred_on = on
        changed.append("transferred_on")
    if not changed:
        return achievement
    achievement.save(update_fields=changed)
    audit_record(
        actor=user,
        obj=achievement,
        action="achievement.transfer_status",
        before=before,
        after=_transfer_state(achievement),
        detail=detail or {},
    )
    return achievement


def achievement_unmark_transferred(
    *,
    user: User | None,
    achievement_id: int,
    status: str,
    detail: dict[str, Any] | None = None,
) -> Achievement:
    """Undo another app's mark when its deal ended without counting as a transfer (a licence
    terminated with nothing implemented): from ``status`` only, back to untransferred with no
    ``transferred_on``, so the 2-year rule sees the achievement untransferred again. Audited as
    ``achievement.transfer_status``; takes the achievement's row lock (caller's transaction)."""
    achievement = achievement_lock(achievement_id)
    if achievement.transfer_status != status:
        return achievement
    before = _transfer_state(achievement)
    achievement.transfer_status = TransferStatus.UNTRANSFERRED
    achievement.transferred_on = None
    achievement.save(update_fields=["transfer_status", "transferred_on"])
    audit_record(
        actor=user,
        obj=achievement,
        action="achievement.transfer_status",
        before=before,
        after=_transfer_state(achievement),
        detail=detail or {},
    )
    return achievement


def achievement_transition(
    *, user: User, achievement: Achievement, action: str, reason: str = ""
) -> Achievement:
    """Move an achievement along its lifecycle (choices.TRANSITIONS).

    submit/delist: the owning unit's editors; publish/return: department reviewers.
    Locks the row, so two reviewers acting at once leave one winner.
    """
    if action in {"publish", "return"}:
        if not getattr(user, "is_authenticated", False) or not user.is_reviewer:
            raise PermissionDenied(ERR_NOT_REVIEWER)
    else:
        _check_editor(user, achievement)
    if action == "return" and not reason.strip():
        raise ValidationError({"reason": [ERR_RETURN_REASON]})
    with transaction.atomic():
        locked = Achievement.objects.select_for_update().get(pk=achievement.pk)
        target = TRANSITIONS.get((locked.status, action))
        if target is None:
            raise ValidationError(
                {"status": [ERR_BAD_TRANSITION.format(status=locked.get_status_display())]}
            )
        before = {"status": locked.status}
        locked.status = target
        now = timezone.now()
        if action == "submit":
            locked.submitted_at = now
            locked.return_reason = ""
        elif action == "publish":
            locked.published_at = now
        elif action == "return":
            locked.return_reason = reason.strip()
        locked.save()
        audit_record(
            actor=user,
            obj=locked,
            action=f"achievement.{action}",
            before=before,
            after={"status": target},
            detail={"reason": reason.strip()} if reason else {},
        )
        _notify_transition(locked, action, reason.strip())
        achievement_log_search(locked)
    return locked


def achievement_log_search(achievement: Achievement) -> None:
    """Search change-log row in the writing transaction (zhuanhua.search, docs/search-service.md);
    licensing calls it too, when an offer changes the achievement's search document."""
    log_change(
        kind=SearchKind.ACHIEVEMENT,
        object_id=achievement.pk,
        published=achievement.status == AchievementStatus.PUBLISHED,
    )


TRANSITION_NOTICES = {
    "submit": "成果待审核：{title}",
    "publish": "成果已发布：{title}",
    "return": "成果被退回修改：{title}",
}


def _notify_transition(achievement: Achievement, action: str, reason: str) -> None:
    """Submissions go to the department's reviewers; decisions go back to the unit's editors."""
    if action not in TRANSITION_NOTICES:
        return
    users = get_user_model().objects.filter(is_active=True)
    if action == "submit":
        wanted = {Role.DEPARTMENT_REVIEWER}
        candidates = users.filter(organisation__org_type="department")
    else:
        wanted = {Role.ORG_ADMIN, Role.ACHIEVEMENT_MANAGER}
        candidates = users.filter(organisation_id=achievement.owner_id)
    recipients = [u for u in candidates if wanted & set(u.roles)]
    notify(
        users=recipients,
        kind="achievement_review",
        title=TRANSITION_NOTICES[action].format(title=achievement.title),
        body=f"退回原因：{reason}" if reason else "",
        url=f"/achievements/{achievement.pk}/",
    )


def attachment_add(*, user: User, achievement: Achievement, upload: UploadedFile) -> Attachment:
    _check_editor(user, achievement)
    sha = check_upload_as(upload, "file")
    with transaction.atomic():
        attachment = store_upload(
            Attachment, upload, sha256=sha, user=user, achievement=achievement
        )
        audit_record(
            actor=user,
            obj=attachment,
            action="attachment.add",
            after={"achievement": achievement.pk, "sha256": sha},
        )
    return attachment
