"""REST endpoints of the completers' consent (guide art. 7(1)): the unit reads and opens a
request per achievement and purpose, records offline answers and its written reason; a
completer lists and answers what was asked of them. Same services as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.security import django_auth

from zhuanhua.accounts.http import AuthedHttpRequest
from zhuanhua.achievements import consent
from zhuanhua.achievements.choices import ConsentPurpose
from zhuanhua.achievements.models import Achievement, CompleterConsent
from zhuanhua.achievements.selectors import achievement_visible_to
from zhuanhua.core.inputs import LongText

router = Router(tags=["完成人意见征求 consent"], auth=django_auth)


class ConsentAnswerOut(Schema):
    id: int
    name: str
    registered: bool
    answer: str
    answer_label: str
    reason: str
    recorded_offline: bool
    answered_at: dt.datetime | None

    @staticmethod
    def resolve_registered(obj: CompleterConsent) -> bool:
        return obj.user_id is not None

    @staticmethod
    def resolve_answer_label(obj: CompleterConsent) -> str:
        return obj.get_answer_display()


class ConsentStatusOut(Schema):
    achievement_id: int
    purpose: str
    asked: bool
    all_agreed: bool
    override_reason: str
    may_publish: bool
    answers: list[ConsentAnswerOut]


class ConsentAskedOfMeOut(ConsentAnswerOut):
    achievement_id: int
    achievement_title: str
    purpose: str

    @staticmethod
    def resolve_achievement_id(obj: CompleterConsent) -> int:
        return obj.request.achievement_id

    @staticmethod
    def resolve_achievement_title(obj: CompleterConsent) -> str:
        return obj.request.achievement.title

    @staticmethod
    def resolve_purpose(obj: CompleterConsent) -> str:
        return obj.request.purpose


class ConsentOpenIn(Schema):
    note: LongText = ""


class ConsentAnswerIn(Schema):
    # agree 同意 / object 反对（须说明理由）: a choice, refused with a 422 before any lookup
    answer: Literal["agree", "object"]
    reason: LongText = ""


class ConsentOverrideIn(Schema):
    reason: LongText


def _status_out(status: consent.ConsentStatus, achievement_id: int) -> dict[str, object]:
    return {
        "achievement_id": achievement_id,
        "purpose": status.purpose,
        "asked": status.asked,
        "all_agreed": status.all_agreed,
        "override_reason": status.request.override_reason if status.request else "",
        "may_publish": status.may_publish,
        "answers": status.answers,
    }


def _unit_achievement(request: AuthedHttpRequest, achievement_id: int, purpose: str) -> Achievement:
    achievement = get_object_or_404(achievement_visible_to(request.user), pk=achievement_id)
    if purpose not in ConsentPurpose.values:
        raise Http404
    if not consent.is_unit_editor(request.user, achievement):
        raise PermissionDenied(consent.ERR_NOT_UNIT_EDITOR)
    return achievement


@router.get("/", response=list[ConsentAskedOfMeOut], summary="征求我意见的事项（成果完成人）")
def my_consents(request: HttpRequest) -> list[CompleterConsent]:
    return list(consent.consent_answers_for(request.user)[:200])


@router.post(
    "/answers/{answer_id}",
    response=ConsentAskedOfMeOut,
    summary="答复意见征求：同意或反对（须说明理由）",
)
def answer_consent(
    request: AuthedHttpRequest, answer_id: int, payload: ConsentAnswerIn
) -> CompleterConsent:
    answer = get_object_or_404(consent.consent_answers_for(request.user), pk=answer_id)
    return consent.consent_answer(
        user=request.user, answer=answer, value=payload.answer, reason=payload.reason
    )


@router.get(
    "/achievements/{achievement_id}/{purpose}",
    response=ConsentStatusOut,
    summary="某成果就某事项的完成人意见（所属单位）",
)
def consent_of(request: AuthedHttpRequest, achievement_id: int, purpose: str) -> dict[str, object]:
    achievement = _unit_achievement(request, achievement_id, purpose)
    return _status_out(consent.consent_status(achievement, purpose), achievement.pk)


@router.post(
    "/achievements/{achievement_id}/{purpose}",
    response=ConsentStatusOut,
    summary="发起（或再次发出）意见征求并通知完成人（所属单位）",
)
def consent_open(
    request: AuthedHttpRequest, achievement_id: int, purpose: str, payload: ConsentOpenIn
) -> dict[str, object]:
    achievement = _unit_achievement(request, achievement_id, purpose)
    consent.consent_request_open(
        user=request.user, achievement=achievement, purpose=purpose, note=payload.note
    )
    return _status_out(consent.consent_status(achievement, purpose), achievement.pk)


@router.post(
    "/achievements/{achievement_id}/{purpose}/offline/{answer_id}",
    response=ConsentStatusOut,
    summary="登记未注册完成人的线下意见（所属单位）",
)
def consent_offline(
    request: AuthedHttpRequest,
    achievement_id: int,
    purpose: str,
    answer_id: int,
    payload: ConsentAnswerIn,
) -> dict[str, object]:
    achievement = _unit_achievement(request, achievement_id, purpose)
    answer = get_object_or_404(
        CompleterConsent,
        pk=answer_id,
        request__achievement=achievement,
        request__purpose=purpose,
    )
    consent.consent_record_offline(
        user=request.user, answer=answer, value=payload.answer, reason=payload.reason
    )
    return _status_out(consent.consent_status(achievement, purpose), achievement.pk)


@router.post(
    "/achievements/{achievement_id}/{purpose}/override",
    response=ConsentStatusOut,
    summary="在完成人反对或未答复时填写书面理由后继续（所属单位）",
)
def consent_override(
    request: AuthedHttpRequest, achievement_id: int, purpose: str, payload: ConsentOverrideIn
) -> dict[str, object]:
    achievement = _unit_achievement(request, achievement_id, purpose)
    status = consent.consent_status(achievement, purpose)
    if status.request is None:
        raise Http404
    consent.consent_override(user=request.user, request=status.request, reason=payload.reason)
    return _status_out(consent.consent_status(achievement, purpose), achievement.pk)
