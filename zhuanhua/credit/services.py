"""Writes to credit records (诚信管理, guide article 8): record an event after the hearing, add
evidence, decide an appeal, and record expiry.

Only department reviewers write. Nothing here is called by the system on its own initiative:
a credit event is a human finding (`malicious_default` in the glossary), the platform at most
flags risk elsewhere. Each write checks, locks, saves and audits in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeGuard

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from zhuanhua.accounts import scope
from zhuanhua.accounts.choices import Role
from zhuanhua.accounts.http import Visitor
from zhuanhua.accounts.models import User
from zhuanhua.audit.services import audit_record
from zhuanhua.core.inputs import collect_date, collect_text
from zhuanhua.core.uploads import check_upload_as, store_upload
from zhuanhua.credit.choices import (
    TRANSITIONS,
    AppealDecision,
    CreditEventKind,
    CreditEventStatus,
    ReferralStatus,
)
from zhuanhua.credit.models import CreditAppeal, CreditEvent, CreditEvidence, CreditReferral
from zhuanhua.notifications.choices import NotificationKind
from zhuanhua.notifications.services import notify
from zhuanhua.organisations.choices import OrganisationType
from zhuanhua.organisations.models import Organisation

ERR_NOT_REVIEWER = "只有主管部门审核员可以记录或变更失信记录"
ERR_REQUIRED = "此项为必填项"
ERR_CHOICE = "无效的选项"
ERR_DATE = "日期格式应为 YYYY-MM-DD"
ERR_TOO_LONG = "内容不能超过 {limit} 字"
ERR_ORGANISATION = "请选择审核通过的当事机构"
ERR_STATEMENT = "须先听取当事人陈述申辩，并记录其陈述申辩意见"
ERR_HEARING_DATE = "须填写听取当事人陈述申辩的日期"
ERR_HEARING_FUTURE = "听取陈述申辩的日期不能晚于今天"
ERR_EFFECT_BEFORE_HEARING = "生效日期不能早于听取陈述申辩的日期"
ERR_EFFECT_ORDER = "到期日期须晚于生效日期"
ERR_EVIDENCE = "请至少上传一份证据材料"
ERR_NOT_ACTIVE = "该记录当前状态（{status}）不能执行该操作"
ERR_APPEAL_DATE = "申诉日期不能早于听取陈述申辩的日期，也不能晚于决定日期"
ERR_NOT_DUE = "该记录尚未到期（到期日期 {effective_to}）"

TEXT_MAX = 5000


@dataclass(frozen=True)
class CreditEventInput:
    """A credit event as the form or the API schema delivers it, each field already of its type
    (the organisation looked up, dates parsed); the service checks the finding's rules."""

    organisation: Organisation | None  # None: no organisation of that id
    kind: str
    description: str
    party_statement: str
    hearing_on: dt.date | None
    effective_from: dt.date | None
    effective_to: dt.date | None
    subject_type: str = ""
    subject_id: str = ""


def is_credit_reviewer(user: Visitor) -> TypeGuard[User]:
    return bool(user.is_authenticated and user.is_reviewer)


def _check_reviewer(user: User) -> None:
    if not is_credit_reviewer(user):
        raise PermissionDenied(ERR_NOT_REVIEWER)


def event_state(event: CreditEvent) -> dict[str, Any]:
    return {
        "organisation": event.organisation_id,
        "kind": event.kind,
        "description": event.description,
        "subject_type": event.subject_type,
        "subject_id": event.subject_id,
        "party_statement": event.party_statement,
        "hearing_on": event.hearing_on,
        "effective_from": event.effective_from,
        "effective_to": event.effective_to,
        "status": event.status,
    }


def _clean_event(data: CreditEventInput, today: dt.date) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}

    def err(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    org = data.organisation
    if org is None or not org.is_approved:
        err("organisation", ERR_ORGANISATION)
    cleaned["organisation"] = org

    if data.kind not in CreditEventKind.values:
        err("kind", ERR_REQUIRED if not data.kind else ERR_CHOICE)
    cleaned["kind"] = data.kind

    for name, value, missing in (
        ("description", data.description, ERR_REQUIRED),
        ("party_statement", data.party_statement, ERR_STATEMENT),
    ):
        text = value.strip()
        if not text:
            err(name, missing)
        else:
            collect_text(text, name, errors, limit=TEXT_MAX, multiline=True)
        cleaned[name] = text
    for name, value in (("subject_type", data.subject_type), ("subject_id", data.subject_id)):
        cleaned[name] = collect_text(value, name, errors, limit=64, required=False)

    dates: dict[str, dt.date | None] = {}
    for name, day in (
        ("hearing_on", data.hearing_on),
        ("effective_from", data.effective_from),
        ("effective_to", data.effective_to),
    ):
        if day is None:
            err(name, ERR_HEARING_DATE if name == "hearing_on" else ERR_REQUIRED)
            dates[name] = None
        else:
            dates[name] = collect_date(day, name, errors)
    hearing, start, end = dates["hearing_on"], dates["effective_from"], dates["effective_to"]
    if hearing is not None and hearing > today:
        err("hearing_on", ERR_HEARING_FUTURE)
    if hearing is not None and start is not None and start < hearing:
        err("effective_from", ERR_EFFECT_BEFORE_HEARING)
    if start is not None and end is not None and end <= start:
        err("effective_to", ERR_EFFECT_ORDER)
    cleaned.update(dates)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _store_evidence(
    user: User, event: CreditEvent, upload: UploadedFile, sha: str
) -> CreditEvidence:
    evidence = store_upload(CreditEvidence, upload, sha256=sha, user=user, event=event)
    audit_record(
        actor=user,
        obj=evidence,
        action="credit_evidence.add",
        after={"event": event.pk, "sha256": sha, "name": evidence.original_name},
    )
    return evidence


def credit_event_record(
    *,
    user: User,
    data: CreditEventInput,
    evidence: Sequence[UploadedFile],
    today: dt.date | None = None,
) -> CreditEvent:
    """Record a credit event. Refused unless the party has been heard (its statement and the
    hearing date are given, the hearing not in the future, the effect not before the hearing)
    and at least one evidence file is attached."""
    _check_reviewer(user)
    today = today or timezone.localdate()
    try:
        cleaned = _clean_event(data, today)
        problems: dict[str, list[str]] = {}
    except ValidationError as exc:
        cleaned, problems = {}, exc.message_dict
    files = [f for f in evidence or [] if f is not None]
    shas: list[str] = []
    if not files:
        problems.setdefault("evidence", []).append(ERR_EVIDENCE)
    else:
        for upload in files:
            try:
                shas.append(check_upload_as(upload, "evidence"))
            except ValidationError as exc:
                problems.setdefault("evidence", []).extend(exc.messages)
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        event = CreditEvent.objects.create(recorded_by=user, **cleaned)
        audit_record(
            actor=user,
            obj=event,
            action="credit_event.record",
            after=event_state(event),
            detail={"organisation": event.organisation_id, "kind": event.kind},
        )
        for upload, sha in zip(files, shas, strict=True):
            _store_evidence(user, event, upload, sha)
    return event


def credit_evidence_add(*, user: User, event: CreditEvent, upload: UploadedFile) -> CreditEvidence:
    """Add a document to an existing record (any status: the file keeps the history)."""
    _check_reviewer(user)
    sha = check_upload_as(upload, "evidence")
    with transaction.atomic():
        locked = CreditEvent.objects.select_for_update().get(pk=event.pk)
        return _store_evidence(user, locked, upload, sha)


def credit_appeal_decide(
    *,
    user: User,
    event: CreditEvent,
    filed_on: Any,
    grounds: str,
    decision: str,
    reason: str,
    today: dt.date | None = None,
) -> CreditEvent:
    """Enter the party's appeal and the department's decision (returns the event, refreshed). ``revoked`` ends the record at
    once (it leaves the profile); ``upheld`` keeps it. Only an active record can be appealed."""
    _check_reviewer(user)
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    grounds = str(grounds or "").strip()
    reason = str(reason or "").strip()
    for name, text in (("grounds", grounds), ("reason", reason)):
        collect_text(text, name, errors, limit=TEXT_MAX, multiline=True)
    if decision not in AppealDecision.values:
        errors.setdefault("decision", []).append(ERR_REQUIRED if not decision else ERR_CHOICE)
    filed = collect_date(filed_on, "filed_on", errors)
    if errors:
        raise ValidationError(errors)
    assert isinstance(filed, dt.date)
    with transaction.atomic():
        locked = CreditEvent.objects.select_for_update().get(pk=event.pk)
        current = locked.status_on(today)
        if current != CreditEventStatus.ACTIVE:
            raise ValidationError(
                {"status": [ERR_NOT_ACTIVE.format(status=CreditEventStatus(current).label)]}
            )
        if filed < locked.hearing_on or filed > today:
            raise ValidationError({"filed_on": [ERR_APPEAL_DATE]})
        appeal = CreditAppeal.objects.create(
            event=locked,
            filed_on=filed,
            grounds=grounds,
            decision=decision,
            reason=reason,
            decided_on=today,
            decided_by=user,
        )
        before = event_state(locked)
        if decision == AppealDecision.REVOKED:
            locked.status = TRANSITIONS[(locked.status, "revoke")]
            locked.closed_at = timezone.now()
            locked.save(update_fields=["status", "closed_at"])
        audit_record(
            actor=user,
            obj=locked,
            action="credit_event.appeal",
            before=before,
            after=event_state(locked),
            detail={"appeal": appeal.pk, "decision": decision, "reason": reason},
        )
    return event_refresh(locked)


def event_refresh(event: CreditEvent) -> CreditEvent:
    event.refresh_from_db()
    return event


def credit_expire_due(today: dt.date) -> dict[str, int]:
    """Record expiry of every active event whose end date lies before ``today`` (as the system,
    no actor). The date already decides visibility; this keeps the stored status in step.
    Idempotent. Register ``"zhuanhua.credit.services.credit_expire_due"`` as a daily job."""
    expired = 0
    due = CreditEvent.objects.filter(status=CreditEventStatus.ACTIVE, effective_to__lt=today)
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            locked = CreditEvent.objects.select_for_update().get(pk=pk)
            if locked.status != CreditEventStatus.ACTIVE or locked.effective_to >= today:
                continue
            before = event_state(locked)
            locked.status = TRANSITIONS[(locked.status, "expire")]
            locked.closed_at = timezone.now()
            locked.save(update_fields=["status", "closed_at"])
            audit_record(
                actor=None,
                obj=locked,
                action="credit_event.expire",
                before=before,
                after=event_state(locked),
                detail={"on": today.isoformat()},
            )
            expired += 1
    return {"expired": expired}


# --------------------------------------------------------------------------------------------
# Referrals (移送诚信审查): another app sends a case; the department decides.

ERR_REFERRAL_OPEN = "该事项已移送诚信审查，尚待主管部门审查"
ERR_REFERRAL_REASON = "请填写移送理由"
ERR_REFERRAL_DECIDED = "该移送已审查完毕（{status}）"
ERR_DISMISS_REASON = "请填写不予记录的理由"
ERR_REFERRAL_PARTY = "失信记录的当事机构须为被移送机构"
ERR_REFERRER = "只有机构用户可以移送诚信审查"


def referral_state(referral: CreditReferral) -> dict[str, Any]:
    return {
        "organisation": referral.organisation_id,
        "referrer": referral.referrer_id,
        "subject_type": referral.subject_type,
        "subject_id": referral.subject_id,
        "status": referral.status,
        "event": referral.event_id,
        "decision_reason": referral.decision_reason,
    }


def _department_reviewers() -> list[User]:
    """The provincial department's reviewers (they decide credit events)."""
    people = User.objects.filter(
        is_active=True, organisation__org_type=OrganisationType.DEPARTMENT
    ).order_by("pk")
    return [u for u in people if u.has_role(Role.DEPARTMENT_REVIEWER)]


def credit_referral_receive(
    *,
    user: User,
    organisation: Organisation,
    subject_type: str,
    subject_id: str,
    subject_label: str,
    subject_url: str,
    reason: str,
    evidence: list[dict[str, Any]],
    today: dt.date | None = None,
) -> CreditReferral:
    """Put a case in the department's credit queue (the calling app has checked that ``user``
    may refer it for its organisation). One open referral per subject; the department's
    reviewers are told. Nothing is decided here: the department hears the party and records
    an event (``credit_referral_record``) or dismisses it."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [ERR_REFERRAL_REASON]})
    errors: dict[str, list[str]] = {}
    collect_text(reason, "reason", errors, limit=TEXT_MAX, multiline=True)
    if errors:
        raise ValidationError(errors)
    today = today or timezone.localdate()
    referrer_id = user.organisation_id
    if referrer_id is None:
        raise PermissionDenied(ERR_REFERRER)
    with transaction.atomic():
        if CreditReferral.objects.filter(
            subject_type=subject_type, subject_id=subject_id, status=ReferralStatus.OPEN
        ).exists():
            raise ValidationError({"referral": [ERR_REFERRAL_OPEN]})
        referral = CreditReferral.objects.create(
            organisation=organisation,
            referrer_id=referrer_id,
            subject_type=subject_type,
            subject_id=subject_id,
            subject_label=subject_label[:300],
            subject_url=subject_url[:300],
            reason=reason,
            evidence=evidence,
            referred_by=user,
            referred_on=today,
            supervisor_id=user.organisation.supervisor_id if user.organisation else None,
        )
        audit_record(
            actor=user,
            obj=referral,
            action="credit_referral.receive",
            after=referral_state(referral),
        )
        supervisors = (
            list(scope.reviewers_for_unit(referral.referrer)) if referral.supervisor_id else []
        )
        notify(
            users=_department_reviewers() + supervisors,
            kind=NotificationKind.SYSTEM,
            title=f"诚信审查移送：{organisation.name}",
            body=(
                f"{referral.referrer.name} 移送 {organisation.name}（{referral.subject_label}）"
                f"进行诚信审查：{reason}\n须先听取当事人陈述申辩，再决定是否记录失信。"
            ),
            url=f"/credit/referrals/{referral.pk}/",
        )
    return referral


def _lock_open_referral(referral: CreditReferral) -> CreditReferral:
    locked = CreditReferral.objects.select_for_update().get(pk=referral.pk)
    if locked.status != ReferralStatus.OPEN:
        raise ValidationError(
            {"status": [ERR_REFERRAL_DECIDED.format(status=locked.get_status_display())]}
        )
    return locked


def _tell_referrer(referral: CreditReferral, title: str, body: str) -> None:
    people = User.objects.filter(organisation_id=referral.referrer_id, is_active=True)
    admins = [u for u in people.order_by("pk") if u.has_role(Role.ORG_ADMIN)]
    notify(
        users=[referral.referred_by, *admins],
        kind=NotificationKind.SYSTEM,
        title=title,
        body=body,
        url=referral.subject_url,
    )


def credit_referral_record(
    *,
    user: User,
    referral: CreditReferral,
    data: CreditEventInput,
    evidence: Sequence[UploadedFile],
    today: dt.date | None = None,
) -> CreditEvent:
    """The department records the credit event the referral led to, after the hearing (every
    rule of ``credit_event_record`` applies); the referral closes with it."""
    _check_reviewer(user)
    if data.organisation is None or data.organisation.pk != referral.organisation_id:
        raise ValidationError({"organisation": [ERR_REFERRAL_PARTY]})
    data = CreditEventInput(
        **{
            **data.__dict__,
            "subject_type": referral.subject_type,
            "subject_id": referral.subject_id,
        }
    )
    with transaction.atomic():
        locked = _lock_open_referral(referral)
        event = credit_event_record(user=user, data=data, evidence=evidence, today=today)
        before = referral_state(locked)
        locked.status = ReferralStatus.RECORDED
        locked.event = event
        locked.decided_by = user
        locked.decided_on = today or timezone.localdate()
        locked.save(update_fields=["status", "event", "decided_by", "decided_on"])
        audit_record(
            actor=user,
            obj=locked,
            action="credit_referral.record",
            before=before,
            after=referral_state(locked),
        )
        _tell_referrer(
            locked,
            f"诚信审查结果：{locked.organisation.name}",
            f"主管部门经听取陈述申辩，对 {locked.organisation.name} 记录失信（"
            f"{event.get_kind_display()}），{event.effective_from} 至 {event.effective_to}。",
        )
    return event


def credit_referral_dismiss(
    *, user: User, referral: CreditReferral, reason: str, today: dt.date | None = None
) -> CreditReferral:
    """The department finds no credit event in the referral, with its reason."""
    _check_reviewer(user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"decision_reason": [ERR_DISMISS_REASON]})
    errors: dict[str, list[str]] = {}
    collect_text(reason, "decision_reason", errors, limit=TEXT_MAX, multiline=True)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _lock_open_referral(referral)
        before = referral_state(locked)
        locked.status = ReferralStatus.DISMISSED
        locked.decision_reason = reason
        locked.decided_by = user
        locked.decided_on = today or timezone.localdate()
        locked.save(update_fields=["status", "decision_reason", "decided_by", "decided_on"])
        audit_record(
            actor=user,
            obj=locked,
            action="credit_referral.dismiss",
            before=before,
            after=referral_state(locked),
        )
        _tell_referrer(
            locked,
            f"诚信审查结果：{locked.organisation.name}",
            f"主管部门对 {locked.organisation.name}（{locked.subject_label}）不予记录失信：{reason}",
        )
    return locked
