"""The completers' consent before a unit offers an achievement (guide art. 7(1): the unit respects
the researchers' wishes — respect, not veto).

The unit opens a request for a purpose (a use-first-pay-later licence, an assignment, an equity
contribution, another transfer); each completer with a platform account in the unit (linked by
the unit, or matched by name) is notified and answers on their page, agree or object with a
reason; a completer with no account is listed as "未在平台注册，线下征求" and the unit records
the answer it collected. Publishing (`consent_check_for_publish`, called by licensing in its
publishing transaction) goes ahead when every completer agreed, or over an objection or silence
only with the unit's written reason, recorded and audited.

Writes follow the services' rule: keyword-only, check, lock, save, audit in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from zhuanhua.accounts.choices import Role
from zhuanhua.accounts.models import User
from zhuanhua.achievements.choices import (
    AchievementStatus,
    ConsentAnswer,
    ConsentPurpose,
)
from zhuanhua.achievements.models import Achievement, Completer, CompleterConsent, ConsentRequest
from zhuanhua.audit.services import audit_record
from zhuanhua.notifications.services import notify

ERR_NOT_UNIT_EDITOR = "只有成果所属单位的成果管理员或机构管理员可以征求完成人意见"
ERR_NOT_ANSWERER = "只有被征求意见的成果完成人本人可以答复"
ERR_OBJECT_REASON = "反对时请填写理由"
ERR_ANSWER_CHOICE = "请选择同意或反对"
ERR_OFFLINE_ONLY = "该完成人已在平台注册，须由其本人在平台答复"
ERR_OVERRIDE_REASON = "在完成人反对或未答复的情况下继续，须填写书面理由"
ERR_NOTHING_TO_OVERRIDE = "全体完成人均已同意，无需填写理由"
ERR_NO_COMPLETERS = "该成果未登记成果完成人"
ERR_PURPOSE = "无效的征求事项"
ERR_NOT_ASKED = "发布前须先征求成果完成人的意见（成果页“完成人意见征求”）"
ERR_NOT_SETTLED = "成果完成人尚未全部同意（{names}）：须等待其答复，或由单位填写书面理由后继续"
ERR_LINK_USER = "只能关联本单位在平台注册的人员"
ERR_REQUEST_DRAFT = "成果尚未提交审核，不能征求意见"

# A licensing deal kind (licensing.choices.DealKind values) → the purpose asked about; the
# registry knows no licensing word, so the mapping sits here, keyed by plain strings.
DEAL_PURPOSES = {
    "license": ConsentPurpose.USE_FIRST_LICENCE,
    "licence": ConsentPurpose.USE_FIRST_LICENCE,
    "assignment": ConsentPurpose.ASSIGNMENT,
    "equity": ConsentPurpose.EQUITY,
    "equity_contribution": ConsentPurpose.EQUITY,
}

NOTICE_ASKED = "请就成果“{title}”的{purpose}发表意见"
NOTICE_ANSWERED = "成果完成人{name}已答复（{answer}）：{title}"
NOTICE_OVERRIDDEN = "单位已说明理由后继续{purpose}：{title}"


def purpose_of(value: str) -> str:
    """A ConsentPurpose value, from itself or from a licensing deal kind."""
    value = str(value or "")
    if value in ConsentPurpose.values:
        return value
    if value in DEAL_PURPOSES:
        return DEAL_PURPOSES[value]
    raise ValidationError({"purpose": [ERR_PURPOSE]})


def is_unit_editor(user: Any, achievement: Achievement) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.can_edit_achievements
        and user.organisation_id == achievement.owner_id
    )


def _check_unit_editor(user: Any, achievement: Achievement) -> None:
    if not is_unit_editor(user, achievement):
        raise PermissionDenied(ERR_NOT_UNIT_EDITOR)


def unit_people(organisation_id: int) -> QuerySet[User]:
    """The unit's active platform accounts a completer can be linked to."""
    return (
        get_user_model()
        .objects.filter(organisation_id=organisation_id, is_active=True)
        .order_by("display_name", "username")
    )


def match_account(completer: Completer, people: list[User]) -> User | None:
    """The completer's account: the unit's link, else the one person of the unit whose name is
    the completer's (two people of one name match neither; the unit links one)."""
    if completer.user_id is not None:
        return next((p for p in people if p.pk == completer.user_id), None)
    named = [p for p in people if (p.display_name or p.username) == completer.name]
    return named[0] if len(named) == 1 else None


def request_state(request: ConsentRequest) -> dict[str, Any]:
    return {
        "achievement": request.achievement_id,
        "purpose": request.purpose,
        "answers": [
            [a.name, a.user_id, a.answer, a.reason, a.recorded_offline]
            for a in request.answers.all()
        ],
        "override_reason": request.override_reason,
    }


def _editors(achievement: Achievement) -> list[User]:
    return [
        u
        for u in unit_people(achievement.owner_id)
        if set(u.roles) & {Role.ORG_ADMIN, Role.ACHIEVEMENT_MANAGER}
    ]


def consent_request_open(
    *, user: User, achievement: Achievement, purpose: str, note: str = ""
) -> ConsentRequest:
    """Ask the completers about ``purpose``. Opening again adds completers registered since
    (those already asked keep their answers) and re-notifies those who have not answered."""
    _check_unit_editor(user, achievement)
    purpose = purpose_of(purpose)
    with transaction.atomic():
        locked = Achievement.objects.select_for_update().get(pk=achievement.pk)
        if locked.status == AchievementStatus.DRAFT:
            raise ValidationError({"achievement": [ERR_REQUEST_DRAFT]})
        completers = list(locked.completers.all())
        if not completers:
            raise ValidationError({"achievement": [ERR_NO_COMPLETERS]})
        request, created = ConsentRequest.objects.select_for_update().get_or_create(
            achievement=locked,
            purpose=purpose,
            defaults={"opened_by": user, "note": str(note or "").strip()[:5000]},
        )
        before = None if created else request_state(request)
        if not created and note:
            request.note = str(note).strip()[:5000]
            request.save(update_fields=["note"])
        people = list(unit_people(locked.owner_id))
        asked = {a.completer_id: a for a in request.answers.all()}
        to_notify: list[User] = []
        for completer in completers:
            account = match_account(completer, people)
            answer = asked.get(completer.pk)
            if answer is None:
                answer = CompleterConsent.objects.create(
                    request=request, completer=completer, name=completer.name, user=account
                )
            elif answer.user_id is None and account is not None:
                answer.user = account
                answer.save(update_fields=["user"])
            if answer.user is not None and answer.answer == ConsentAnswer.PENDING:
                to_notify.append(answer.user)
        audit_record(
            actor=user,
            obj=request,
            action="consent.open" if created else "consent.reopen",
            before=before,
            after=request_state(request),
        )
        notify(
            users=to_notify,
            kind="achievement_review",
            title=NOTICE_ASKED.format(title=locked.title, purpose=request.get_purpose_display()),
            body=request.note,
            url="/achievements/consent/",
        )
    return request


def _answer_value(value: str, reason: str) -> tuple[str, str]:
    value = str(value or "")
    reason = str(reason or "").strip()
    if value not in {ConsentAnswer.AGREE, ConsentAnswer.OBJECT}:
        raise ValidationError({"answer": [ERR_ANSWER_CHOICE]})
    if value == ConsentAnswer.OBJECT and not reason:
        raise ValidationError({"reason": [ERR_OBJECT_REASON]})
    return value, reason[:2000]


def _record(
    *, user: User, answer: CompleterConsent, value: str, reason: str, offline: bool
) -> CompleterConsent:
    before = {"answer": answer.answer, "reason": answer.reason}
    answer.answer, answer.reason = value, reason
    answer.recorded_offline = offline
    answer.answered_by, answer.answered_at = user, timezone.now()
    answer.save()
    audit_record(
        actor=user,
        obj=answer,
        action="consent.record_offline" if offline else "consent.answer",
        before=before,
        after={"answer": value, "reason": reason, "name": answer.name, "offline": offline},
        detail={"request": answer.request_id},
    )
    return answer


def consent_answer(*, user: User, answer: CompleterConsent, value: str, reason: str = "") -> Any:
    """The completer answers (agree, or object with a reason). They may change their answer
    until the unit acts; every answer is audited."""
    value, reason = _answer_value(value, reason)
    with transaction.atomic():
        locked = (
            CompleterConsent.objects.select_for_update()
            .select_related("request__achievement")
            .get(pk=answer.pk)
        )
        if not getattr(user, "is_authenticated", False) or locked.user_id != user.pk:
            raise PermissionDenied(ERR_NOT_ANSWERER)
        _record(user=user, answer=locked, value=value, reason=reason, offline=False)
        achievement = locked.request.achievement
        notify(
            users=_editors(achievement),
            kind="achievement_review",
            title=NOTICE_ANSWERED.format(
                name=locked.name, answer=locked.get_answer_display(), title=achievement.title
            ),
            body=reason,
            url=f"/achievements/{achievement.pk}/consent/{locked.request.purpose}/",
        )
    return locked


def consent_record_offline(
    *, user: User, answer: CompleterConsent, value: str, reason: str = ""
) -> CompleterConsent:
    """The unit records the answer it collected offline from a completer with no account."""
    value, reason = _answer_value(value, reason)
    with transaction.atomic():
        locked = (
            CompleterConsent.objects.select_for_update()
            .select_related("request__achievement")
            .get(pk=answer.pk)
        )
        _check_unit_editor(user, locked.request.achievement)
        if locked.user_id is not None:
            raise ValidationError({"answer": [ERR_OFFLINE_ONLY]})
        return _record(user=user, answer=locked, value=value, reason=reason, offline=True)


def completer_link_account(*, user: User, completer: Completer, account: User | None) -> Completer:
    """The unit links a completer to a person of the unit (or unlinks with ``None``); the open
    requests' unanswered rows follow."""
    with transaction.atomic():
        locked = (
            Completer.objects.select_for_update().select_related("achievement").get(pk=completer.pk)
        )
        _check_unit_editor(user, locked.achievement)
        if account is not None and (
            account.organisation_id != locked.achievement.owner_id or not account.is_active
        ):
            raise ValidationError({"account": [ERR_LINK_USER]})
        before = {"user": locked.user_id}
        locked.user = account
        locked.save(update_fields=["user"])
        CompleterConsent.objects.filter(completer=locked, answer=ConsentAnswer.PENDING).update(
            user=account
        )
        audit_record(
            actor=user,
            obj=locked,
            action="completer.link_account",
            before=before,
            after={"user": locked.user_id, "name": locked.name},
        )
    return locked


@dataclass
class ConsentStatus:
    """What the unit sees about one purpose: each completer's answer, and whether publishing
    may go ahead (all agreed, or the unit's reason on record)."""

    purpose: str
    request: ConsentRequest | None
    answers: list[CompleterConsent] = field(default_factory=list)

    @property
    def asked(self) -> bool:
        return self.request is not None

    @property
    def all_agreed(self) -> bool:
        return bool(self.answers) and all(a.answer == ConsentAnswer.AGREE for a in self.answers)

    @property
    def unsettled(self) -> list[CompleterConsent]:
        return [a for a in self.answers if a.answer != ConsentAnswer.AGREE]

    @property
    def overridden(self) -> bool:
        return bool(self.request and self.request.override_reason)

    @property
    def may_publish(self) -> bool:
        return self.asked and (self.all_agreed or self.overridden)

    def counts(self) -> dict[str, int]:
        result = {value: 0 for value in ConsentAnswer.values}
        for a in self.answers:
            result[a.answer] += 1
        return result


def consent_status(achievement: Achievement, purpose: str) -> ConsentStatus:
    purpose = purpose_of(purpose)
    request = (
        ConsentRequest.objects.filter(achievement=achievement, purpose=purpose)
        .select_related("overridden_by")
        .first()
    )
    answers = list(request.answers.select_related("user")) if request else []
    return ConsentStatus(purpose=purpose, request=request, answers=answers)


def consent_override(*, user: User, request: ConsentRequest, reason: str) -> ConsentRequest:
    """The unit proceeds over an objection or silence with its written reason (recorded,
    audited, told to the completers asked on the platform)."""
    reason = str(reason or "").strip()
    with transaction.atomic():
        locked = (
            ConsentRequest.objects.select_for_update()
            .select_related("achievement")
            .get(pk=request.pk)
        )
        _check_unit_editor(user, locked.achievement)
        if not reason:
            raise ValidationError({"override_reason": [ERR_OVERRIDE_REASON]})
        answers = list(locked.answers.all())
        if answers and all(a.answer == ConsentAnswer.AGREE for a in answers):
            raise ValidationError({"override_reason": [ERR_NOTHING_TO_OVERRIDE]})
        before = {"override_reason": locked.override_reason}
        locked.override_reason = reason[:5000]
        locked.overridden_by, locked.overridden_at = user, timezone.now()
        locked.save(update_fields=["override_reason", "overridden_by", "overridden_at"])
        audit_record(
            actor=user,
            obj=locked,
            action="consent.override",
            before=before,
            after={
                "override_reason": locked.override_reason,
                "unsettled": [
                    [a.name, a.answer] for a in answers if a.answer != ConsentAnswer.AGREE
                ],
            },
        )
        notify(
            users=[a.user for a in answers if a.user is not None],
            kind="achievement_review",
            title=NOTICE_OVERRIDDEN.format(
                purpose=locked.get_purpose_display(), title=locked.achievement.title
            ),
            body=f"单位理由：{locked.override_reason}",
            url="/achievements/consent/",
        )
    return locked


def consent_check_for_publish(
    *, user: User, achievement: Achievement, purpose: str, override_reason: str = ""
) -> None:
    """The gate a publishing service calls inside its transaction (after locking the
    achievement): passes when every completer agreed or the unit's reason is on record;
    ``override_reason`` records that reason now. Raises ValidationError({"consent": …})
    otherwise. Off when settings.ZHUANHUA_CONSENT_BEFORE_PUBLISH is false (the test suites
    publish without asking; the consent tests turn it on)."""
    if not getattr(settings, "ZHUANHUA_CONSENT_BEFORE_PUBLISH", True):
        return
    status = consent_status(achievement, purpose)
    if status.request is None:
        raise ValidationError({"consent": [ERR_NOT_ASKED]})
    if status.may_publish:
        return
    if str(override_reason or "").strip():
        consent_override(user=user, request=status.request, reason=override_reason)
        return
    names = "、".join(f"{a.name}：{a.get_answer_display()}" for a in status.unsettled)
    raise ValidationError({"consent": [ERR_NOT_SETTLED.format(names=names)]})


def consent_answers_for(user: Any) -> QuerySet[CompleterConsent]:
    """The answers asked of this person, the unanswered first."""
    if not getattr(user, "is_authenticated", False):
        return CompleterConsent.objects.none()
    return (
        CompleterConsent.objects.filter(user=user)
        .select_related("request__achievement__owner")
        .order_by(F("answered_at").desc(nulls_first=True), "-id")
    )
