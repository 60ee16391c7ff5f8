"""Writes to unit rules and exemption cases.

Every case write checks the handler (403), locks the case row (`select_for_update`), refuses a
closed case (`ERR_CLOSED`) and a move not in `choices.TRANSITIONS`, saves and audits in one
transaction. Audit entries of everything inside a case are recorded on the case itself
(object_type ``exemption.exemptioncase``), so the dossier can cite the hash of the case's last entry.
The checklist evaluator only recommends: the unit records each person's decision.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from zhuanhua.accounts import scope
from zhuanhua.accounts.models import User
from zhuanhua.achievements.models import Achievement
from zhuanhua.audit.services import audit_record
from zhuanhua.core.inputs import collect_date, collect_text
from zhuanhua.core.labels import yuan
from zhuanhua.core.uploads import check_upload_as
from zhuanhua.engines import exemption as engine
from zhuanhua.engines import messages
from zhuanhua.engines.common import InputError
from zhuanhua.exemption.choices import (
    DEFAULT_PUBLICITY_DAYS,
    DEFAULT_PUBLICITY_UNIT,
    TRANSITIONS,
    ActivityKind,
    CaseStatus,
    Decision,
    PersonRole,
    RecordKind,
    ReviewResult,
    RulesKind,
    Stance,
)
from zhuanhua.exemption.models import (
    CasePerson,
    CaseRecord,
    CaseReview,
    ExemptionCase,
    MeetingMinutes,
    MinutesOpinion,
    UnitRules,
)
from zhuanhua.exemption.selectors import (
    applicable_unit_types,
    case_visible_to,
    engine_unit_type,
    is_handler,
)
from zhuanhua.licensing.models import Licence
from zhuanhua.notifications.services import notify
from zhuanhua.organisations.models import Organisation
from zhuanhua.publicity.choices import NoticeKind, NoticeStatus
from zhuanhua.publicity.models import Notice, Objection
from zhuanhua.publicity.services import notice_create, notice_publish, objection_answer

ERR_NOT_HANDLER = "只有本单位的机构管理员（案件经办人）可以执行该操作"
ERR_CLOSED = "案件已办结，不能再作任何修改"
ERR_BAD_TRANSITION = "当前状态（{status}）不能执行该操作"
ERR_NOT_INVESTIGATION = "调查阶段已结束，不能再修改人员、调查材料、核查清单或认定结论"
ERR_NOT_APPLICABLE = "本单位不属于指引第二条的适用范围（国家设立的高等学校、科研院所、医疗卫生机构等事业单位，以及国有企业）"
ERR_NO_PERSONS = "请先登记当事人员"
ERR_UNDECIDED = "尚有 {count} 名人员未作出认定结论"
ERR_NO_CHECKLIST = "请先填写该人员的核查清单"
ERR_REASON_REQUIRED = "认定结论与核查清单的建议不一致时，须说明理由"
ERR_NO_PUBLICITY = "认定结论未经内部公示，不能作出最终决定"
ERR_PUBLICITY_OPEN = "内部公示尚未结束，不能作出最终决定"
ERR_OBJECTIONS_PENDING = "公示期间收到异议，须先完成复核，才能作出最终决定"
ERR_UNREVIEWED = "尚有 {count} 条异议未复核，不能作出最终决定"
ERR_NO_OBJECTION = "公示未收到异议，不能启动复核"
ERR_OBJECTION_OTHER = "该异议不属于本案件的公示"
ERR_ALREADY_REVIEWED = "该异议已复核，不能重复复核"
ERR_CHANGE_NEEDS_REVIEW = "未经复核变更认定结论，最终决定须与认定结论一致"
ERR_USER_OTHER_UNIT = "关联的平台用户须为本单位人员"
ERR_PERSON_OTHER_CASE = "该人员不属于本案件"
ERR_STATEMENT_OWN = "当事人员只能提交本人的陈述"
ERR_RULES_ADOPTED = "该制度已登记审议通过"
ERR_RULES_NOT_ADOPTED = "制度须先登记集体决策审议通过，才能公示"
ERR_RULES_PUBLICISED = "该制度已发起公示"
ERR_REQUIRED = "此项为必填项"
ERR_CHOICE = "无效的选项"
ERR_DATE = "日期格式应为 YYYY-MM-DD"
ERR_FUTURE = "日期不能晚于今天"
ERR_AMOUNT = "损失金额应为不小于 0 的金额（元，最多两位小数）"
ERR_TOO_LONG = "内容不能超过 {limit} 字"

TEXT_MAX = 20000
CASE_OBJECT_TYPE = "exemption.exemptioncase"


# ---------------------------------------------------------------------------- helpers


def _check_handler(user: User, unit_id: int | None = None) -> Organisation:
    """The handler's unit, or PermissionDenied."""
    if not is_handler(user, unit_id) or user.organisation is None:
        raise PermissionDenied(ERR_NOT_HANDLER)
    return user.organisation


def _bad_transition(case: ExemptionCase) -> ValidationError:
    return ValidationError(
        {"status": [ERR_BAD_TRANSITION.format(status=case.get_status_display())]}
    )


def _lock(case: ExemptionCase) -> ExemptionCase:
    """Lock the case row and refuse any write to a closed case."""
    locked = ExemptionCase.objects.select_for_update().select_related("unit").get(pk=case.pk)
    if locked.is_closed:
        raise ValidationError({"status": [ERR_CLOSED]})
    return locked


def _lock_investigation(case: ExemptionCase) -> ExemptionCase:
    locked = _lock(case)
    if locked.status != CaseStatus.INVESTIGATION:
        raise ValidationError({"status": [ERR_NOT_INVESTIGATION]})
    return locked


def _move(case: ExemptionCase, action: str, target: str) -> None:
    allowed = TRANSITIONS.get((case.status, action))
    if not allowed or target not in allowed:
        raise _bad_transition(case)
    case.status = target


def _text(
    data: dict[str, Any],
    name: str,
    errors: dict[str, list[str]],
    *,
    required: bool = True,
    limit: int = TEXT_MAX,
) -> str:
    """core.inputs.collect_text on `data[name]` (multi-line: these are opinions and records)."""
    return collect_text(
        data.get(name), name, errors, limit=limit, multiline=True, required=required
    )


def _date(
    value: Any,
    name: str,
    errors: dict[str, list[str]],
    *,
    required: bool = True,
    not_after: dt.date | None = None,
) -> dt.date | None:
    """core.inputs.collect_date: the format, not after `not_after`, the plausible window."""
    return collect_date(
        value, name, errors, required=required, past=not_after is not None, today=not_after
    )


def _choice(value: Any, choices: Any, name: str, errors: dict[str, list[str]]) -> str:
    value = str(value or "")
    if value not in choices.values:
        errors.setdefault(name, []).append(ERR_REQUIRED if not value else ERR_CHOICE)
    return value


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def case_state(case: ExemptionCase) -> dict[str, Any]:
    """What the audit log digests for a case."""
    return {
        "unit": case.unit_id,
        "title": case.title,
        "unit_type": case.unit_type,
        "state_established": case.state_established,
        "activity_kind": case.activity_kind,
        "activity_description": case.activity_description,
        "subject_type": case.subject_type,
        "subject_id": case.subject_id,
        "achievement": case.achievement_id,
        "licence": case.licence_id,
        "related_notice": case.related_notice_id,
        "loss_amount": case.loss_amount,
        "loss_description": case.loss_description,
        "status": case.status,
        "notice": case.notice_id,
        "decision_text": case.decision_text,
        "decided_on": case.decided_on,
        "effects_text": case.effects_text,
        "effects_on": case.effects_on,
        "filed_with": case.filed_with_id,
    }


def _audit(
    user: User,
    case: ExemptionCase,
    action: str,
    *,
    before: Any = None,
    after: Any = None,
    detail: Any = None,
) -> None:
    audit_record(
        actor=user,
        obj=case,
        action=f"exemption_case.{action}",
        before=before,
        after=after,
        detail=detail,
    )


# ---------------------------------------------------------------------------- unit rules


LIMIT_FIELDS = ("investigation_days", "review_days")
ERR_DAYS = "时限应为 1 至 365 之间的整数（工作日）"


def _days(value: Any, name: str, errors: dict[str, list[str]]) -> int | None:
    if value in (None, ""):
        return None
    try:
        days = int(str(value).strip())
    except ValueError:
        days = 0
    if not 1 <= days <= 365:
        errors.setdefault(name, []).append(ERR_DAYS)
        return None
    return days


def rules_create(
    *,
    user: User,
    data: dict[str, Any],
    upload: UploadedFile | None = None,
    today: dt.date | None = None,
) -> UnitRules:
    """Register one of the unit's rules (articles 5, 11), optionally adopted already."""
    _check_handler(user)
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    kind = _choice(data.get("kind"), RulesKind, "kind", errors)
    title = _text(data, "title", errors, limit=200)
    adopted_on = _date(
        data.get("adopted_on"), "adopted_on", errors, required=False, not_after=today
    )
    adoption_record = _text(data, "adoption_record", errors, required=adopted_on is not None)
    limits = {name: _days(data.get(name), name, errors) for name in LIMIT_FIELDS}
    _raise(errors)
    sha = check_upload_as(upload, "file") if upload is not None else ""
    with transaction.atomic():
        rules = UnitRules(
            unit=user.organisation,
            kind=kind,
            title=title,
            adopted_on=adopted_on,
            adoption_record=adoption_record,
            created_by=user,
            sha256=sha,
            **limits,
        )
        if upload is not None:
            rules.document = upload
            rules.original_name = (upload.name or "")[:200]
        rules.save()
        audit_record(
            actor=user,
            obj=rules,
            action="unit_rules.create",
            after={
                "unit": rules.unit_id,
                "kind": kind,
                "title": title,
                "adopted_on": adopted_on,
                "sha256": sha,
                **limits,
            },
        )
    return rules


def rules_adopt(
    *,
    user: User,
    rules: UnitRules,
    adopted_on: Any,
    adoption_record: str,
    today: dt.date | None = None,
) -> UnitRules:
    """Record the collective adoption (集体民主决策审议通过) of registered rules."""
    _check_handler(user, rules.unit_id)
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    day = _date(adopted_on, "adopted_on", errors, not_after=today)
    text = _text({"adoption_record": adoption_record}, "adoption_record", errors)
    _raise(errors)
    with transaction.atomic():
        locked = UnitRules.objects.select_for_update().get(pk=rules.pk)
        if locked.is_adopted:
            raise ValidationError({"adopted_on": [ERR_RULES_ADOPTED]})
        locked.adopted_on = day
        locked.adoption_record = text
        locked.save(update_fields=["adopted_on", "adoption_record"])
        audit_record(
            actor=user,
            obj=locked,
            action="unit_rules.adopt",
            before={"adopted_on": None},
            after={"adopted_on": day, "record": text},
        )
    return locked


def rules_publicise(
    *,
    user: User,
    rules: UnitRules,
    starts_on: Any = None,
    period_days: int = 15,
    content: str = "",
    today: dt.date | None = None,
) -> UnitRules:
    """Publicise adopted rules through a unit_rules notice of the publicity app (article 11)."""
    _check_handler(user, rules.unit_id)
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = UnitRules.objects.select_for_update().get(pk=rules.pk)
        if not locked.is_adopted or locked.adopted_on is None:
            raise ValidationError({"adopted_on": [ERR_RULES_NOT_ADOPTED]})
        if locked.notice_id is not None:
            raise ValidationError({"notice": [ERR_RULES_PUBLICISED]})
        body = str(content or "").strip() or (
            f"《{locked.title}》已于 {locked.adopted_on.isoformat()} 经集体民主决策程序审议通过"
            f"（{locked.adoption_record}），依《云南省科技成果转化尽职免责工作指引（试行）》第十一条予以公示。"
        )
        notice = notice_create(
            user=user,
            data={
                "kind": NoticeKind.UNIT_RULES,
                "title": f"关于《{locked.title}》的公示",
                "content": body,
                "starts_on": starts_on or today,
                "period_days": period_days,
                "subject_type": "exemption.unitrules",
                "subject_id": str(locked.pk),
            },
        )
        notice = notice_publish(user=user, notice=notice, today=today)
        locked.notice = notice
        locked.save(update_fields=["notice"])
        audit_record(
            actor=user,
            obj=locked,
            action="unit_rules.publicise",
            after={"notice": notice.pk},
            detail={"notice": notice.pk},
        )
    return locked


# ---------------------------------------------------------------------------- cases


ERR_LINK_OTHER_UNIT = "只能关联本单位的平台记录"

# The records a case may link to, each limited to the unit's own (issue 24.7).
LINKS: dict[str, tuple[Any, str]] = {
    "achievement": (Achievement, "owner_id"),
    "licence": (Licence, "licensor_id"),
    "related_notice": (Notice, "publisher_id"),
}


def unit_link_choices(unit_id: int) -> dict[str, Any]:
    """The unit's own records a case may link to: its achievements, licences and deals (as
    licensor), and its 公示 notices."""
    return {
        "achievement": Achievement.objects.filter(owner_id=unit_id).order_by("-pk"),
        "licence": Licence.objects.filter(licensor_id=unit_id)
        .select_related("achievement", "licensee")
        .order_by("-pk"),
        "related_notice": Notice.objects.filter(publisher_id=unit_id).order_by("-pk"),
    }


def _clean_links(
    unit: Organisation, data: dict[str, Any], cleaned: dict[str, Any], errors: dict[str, list[str]]
) -> None:
    for name, (model, owner_field) in LINKS.items():
        value = data.get(name)
        if value in (None, ""):
            cleaned[name] = None
            continue
        pk = getattr(value, "pk", value)
        try:
            obj = model.objects.get(pk=int(pk))
        except (model.DoesNotExist, TypeError, ValueError):
            errors.setdefault(name, []).append(ERR_LINK_OTHER_UNIT)
            continue
        if getattr(obj, owner_field) != unit.pk:
            errors.setdefault(name, []).append(ERR_LINK_OTHER_UNIT)
            continue
        cleaned[name] = obj


def case_parties(case: ExemptionCase) -> list[User]:
    """Who is told of every step (guide art. 13): the persons concerned with a platform account
    and everyone who objected to the case's publicity."""
    people: dict[int, User] = {}
    for person in case.persons.select_related("user"):
        if person.user is not None:
            people[person.user.pk] = person.user
    if case.notice_id is not None:
        for objection in Objection.objects.filter(notice_id=case.notice_id).select_related(
            "objector"
        ):
            if objection.objector is not None:
                people[objection.objector.pk] = objection.objector
    return list(people.values())


def _tell_parties(case: ExemptionCase, step: str, body: str = "") -> None:
    """Everyone concerned is told; the link leads where each may look: the case for those who
    may read it, the 公示 notice for an objector outside the case (a link never ends in 404)."""
    parties = case_parties(case)
    readers = {u.pk for u in parties if case_visible_to(u).filter(pk=case.pk).exists()}
    title = f"尽职免责案件“{case.title}”：{step}"
    notify(
        users=[u for u in parties if u.pk in readers],
        kind="exemption",
        title=title,
        body=body,
        url=f"/exemption/{case.pk}/",
    )
    notice_url = reverse("publicity:detail", args=[case.notice_id]) if case.notice_id else ""
    notify(
        users=[u for u in parties if u.pk not in readers],
        kind="exemption",
        title=title,
        body=body,
        url=notice_url,
    )


def _clean_case(unit: Organisation, data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {
        "title": _text(data, "title", errors, limit=200),
        "activity_kind": _choice(data.get("activity_kind"), ActivityKind, "activity_kind", errors),
        "activity_description": _text(data, "activity_description", errors),
        "loss_description": _text(data, "loss_description", errors, required=False),
        "subject_type": str(data.get("subject_type") or "").strip()[:64],
        "subject_id": str(data.get("subject_id") or "").strip()[:64],
        "state_established": bool(data.get("state_established", True)),
    }
    raw = data.get("loss_amount")
    try:
        amount = Decimal(str(raw).replace(",", "").strip()) if raw not in (None, "") else None
    except InvalidOperation:
        amount = None
    if (
        amount is None
        or not amount.is_finite()
        or amount < 0
        or amount != amount.quantize(Decimal("0.01"))
        or amount >= Decimal("1e12")
    ):
        errors.setdefault("loss_amount", []).append(ERR_AMOUNT)
    else:
        cleaned["loss_amount"] = amount.quantize(Decimal("0.01"))
    _clean_links(unit, data, cleaned, errors)
    unit_type = engine_unit_type(unit.org_type)
    if unit_type not in applicable_unit_types() or not cleaned["state_established"]:
        errors.setdefault("state_established", []).append(ERR_NOT_APPLICABLE)
    cleaned["unit_type"] = unit_type
    _raise(errors)
    return cleaned


def case_create(*, user: User, data: dict[str, Any]) -> ExemptionCase:
    """Open a case in the handler's unit (article 2 units only); it starts in investigation."""
    unit = _check_handler(user)
    cleaned = _clean_case(unit, data)
    with transaction.atomic():
        case = ExemptionCase.objects.create(unit=unit, created_by=user, **cleaned)
        _audit(user, case, "create", after=case_state(case))
    return case


def person_add(*, user: User, case: ExemptionCase, data: dict[str, Any]) -> CasePerson:
    """A person concerned with a role, linked to a platform user of the unit where one exists."""
    _check_handler(user, case.unit_id)
    errors: dict[str, list[str]] = {}
    role = _choice(data.get("role"), PersonRole, "role", errors)
    linked = data.get("user")
    if isinstance(linked, int | str) and str(linked).isdigit():
        linked = User.objects.filter(pk=int(linked)).first() or "missing"
    if linked in (None, ""):
        linked = None
    elif not isinstance(linked, User) or linked.organisation_id != case.unit_id:
        errors.setdefault("user", []).append(ERR_USER_OTHER_UNIT)
        linked = None
    name = str(data.get("name") or "").strip() or (str(linked) if linked else "")
    if not name and "user" not in errors:
        errors.setdefault("name", []).append(ERR_REQUIRED)
    elif len(name) > 60:
        errors.setdefault("name", []).append(ERR_TOO_LONG.format(limit=60))
    position = _text(data, "position", errors, required=False, limit=100)
    _raise(errors)
    with transaction.atomic():
        locked = _lock_investigation(case)
        person = CasePerson.objects.create(
            case=locked, role=role, name=name, position=position, user=linked
        )
        _audit(
            user,
            locked,
            "person_add",
            after={
                "person": person.pk,
                "role": role,
                "name": name,
                "user": linked.pk if linked else None,
            },
            detail={"person": person.pk},
        )
    return person


def evaluate_person(person: CasePerson, checklist: dict[str, Any]) -> dict[str, Any]:
    """The evaluator's recommendation for one person's checklist (pure engine)."""
    doc = {
        "unit_type": person.case.unit_type,
        "state_established": person.case.state_established,
        "role": person.role,
        "diligence": checklist.get("diligence") or {},
        "intentional": bool(checklist.get("intentional")),
        "grounds": list(checklist.get("grounds") or []),
        "exclusions": list(checklist.get("exclusions") or []),
        "minor_fault": bool(checklist.get("minor_fault")),
    }
    try:
        return engine.run(doc)
    except InputError as exc:
        raise ValidationError({"checklist": [f"{exc.path}：{messages.chinese(exc)}"]}) from None


def checklist_save(*, user: User, person: CasePerson, checklist: dict[str, Any]) -> CasePerson:
    """Store the findings of one person's checklist and the evaluator's recommendation."""
    _check_handler(user, person.case.unit_id)
    with transaction.atomic():
        case = _lock_investigation(person.case)
        locked = CasePerson.objects.select_for_update().get(pk=person.pk)
        locked.case = case
        clean = {
            "diligence": {k: bool(v) for k, v in (checklist.get("diligence") or {}).items()},
            "intentional": bool(checklist.get("intentional")),
            "grounds": [str(g) for g in checklist.get("grounds") or []],
            "exclusions": [str(e) for e in checklist.get("exclusions") or []],
            "minor_fault": bool(checklist.get("minor_fault")),
        }
        recommendation = evaluate_person(locked, clean)
        before = {"checklist": locked.checklist, "recommendation": locked.recommendation}
        locked.checklist = clean
        locked.recommendation = recommendation
        locked.save(update_fields=["checklist", "recommendation"])
        _audit(
            user,
            case,
            "checklist_save",
            before=before,
            after={"checklist": clean, "recommendation": recommendation},
            detail={"person": locked.pk, "recommendation": recommendation["decision"]},
        )
    return locked


def person_decide(*, user: User, person: CasePerson, decision: str, reason: str = "") -> CasePerson:
    """The unit's conclusion for one person. The evaluator only recommends: a decision that
    differs from the recommendation needs a reason."""
    _check_handler(user, person.case.unit_id)
    errors: dict[str, list[str]] = {}
    decision = _choice(decision, Decision, "decision", errors)
    reason = _text({"reason": reason}, "reason", errors, required=False)
    _raise(errors)
    with transaction.atomic():
        case = _lock_investigation(person.case)
        locked = CasePerson.objects.select_for_update().get(pk=person.pk)
        if not locked.recommendation:
            raise ValidationError({"decision": [ERR_NO_CHECKLIST]})
        if decision != locked.recommended and not reason:
            raise ValidationError({"reason": [ERR_REASON_REQUIRED]})
        before = {"decision": locked.decision, "reason": locked.decision_reason}
        locked.decision = decision
        locked.decision_reason = reason
        locked.decided_by = user
        locked.decided_at = timezone.now()
        locked.save(update_fields=["decision", "decision_reason", "decided_by", "decided_at"])
        _audit(
            user,
            case,
            "person_decide",
            before=before,
            after={"decision": decision, "reason": reason},
            detail={"person": locked.pk, "decision": decision, "recommended": locked.recommended},
        )
    return locked


def record_add(
    *,
    user: User,
    case: ExemptionCase,
    data: dict[str, Any],
    upload: UploadedFile | None = None,
    today: dt.date | None = None,
) -> CaseRecord:
    """An investigation record (article 12). Handlers add any kind; a person concerned may add
    a statement of their own."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    kind = _choice(data.get("kind"), RecordKind, "kind", errors)
    person = data.get("person")
    if isinstance(person, int | str) and str(person).isdigit():
        person = CasePerson.objects.filter(pk=int(person)).first() or "missing"
    if person in (None, ""):
        person = None
    elif not isinstance(person, CasePerson) or person.case_id != case.pk:
        errors.setdefault("person", []).append(ERR_PERSON_OTHER_CASE)
        person = None
    if not is_handler(user, case.unit_id):
        own = (
            kind == RecordKind.STATEMENT
            and person is not None
            and getattr(user, "is_authenticated", False)
            and person.user_id == user.pk
        )
        if not own:
            raise PermissionDenied(
                ERR_STATEMENT_OWN if kind == RecordKind.STATEMENT else ERR_NOT_HANDLER
            )
    title = _text(data, "title", errors, limit=200)
    content = _text(data, "content", errors, required=upload is None)
    party = _text(data, "party", errors, required=False, limit=200)
    if not party and person is not None:
        party = str(person)
    recorded_on = _date(data.get("recorded_on") or today, "recorded_on", errors, not_after=today)
    _raise(errors)
    assert recorded_on is not None  # _date recorded an error (raised above) when it gave None
    sha = check_upload_as(upload, "file") if upload is not None else ""
    with transaction.atomic():
        locked = _lock_investigation(case)
        record = CaseRecord(
            case=locked,
            kind=kind,
            title=title,
            content=content,
            party=party,
            person=person,
            recorded_on=recorded_on,
            added_by=user,
            sha256=sha,
        )
        if upload is not None:
            record.file = upload
            record.original_name = (upload.name or "")[:200]
        record.save()
        _audit(
            user,
            locked,
            "record_add",
            after={
                "record": record.pk,
                "kind": kind,
                "title": title,
                "content": content,
                "party": party,
                "sha256": sha,
            },
            detail={"record": record.pk, "kind": kind},
        )
    return record


def minutes_add(
    *,
    user: User,
    case: ExemptionCase,
    data: dict[str, Any],
    opinions: list[dict[str, Any]],
    today: dt.date | None = None,
) -> MeetingMinutes:
    """Meeting minutes with each speaker's opinion; an opinion may name a person concerned, so a
    leader's recorded dissent (article 7 item seven) shows on their checklist."""
    _check_handler(user, case.unit_id)
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    held_on = _date(data.get("held_on"), "held_on", errors, not_after=today)
    subject = _text(data, "subject", errors, limit=200)
    content = _text(data, "content", errors, required=False)
    rows: list[dict[str, Any]] = []
    for index, raw in enumerate(opinions):
        person = raw.get("person")
        if isinstance(person, int | str) and str(person).isdigit():
            person = CasePerson.objects.filter(pk=int(person), case_id=case.pk).first() or "x"
        if person in (None, ""):
            person = None
        elif not isinstance(person, CasePerson) or person.case_id != case.pk:
            errors.setdefault(f"opinions.{index}.person", []).append(ERR_PERSON_OTHER_CASE)
            continue
        speaker = str(raw.get("speaker") or "").strip() or (person.name if person else "")
        stance = str(raw.get("stance") or "")
        if not speaker:
            errors.setdefault(f"opinions.{index}.speaker", []).append(ERR_REQUIRED)
        if stance not in Stance.values:
            errors.setdefault(f"opinions.{index}.stance", []).append(ERR_CHOICE)
        rows.append(
            {
                "person": person,
                "speaker": speaker[:60],
                "stance": stance,
                "text": str(raw.get("text") or "").strip()[:TEXT_MAX],
            }
        )
    if not rows and not errors:
        errors.setdefault("opinions", []).append(ERR_REQUIRED)
    _raise(errors)
    assert held_on is not None  # _date recorded an error (raised above) when it gave None
    with transaction.atomic():
        locked = _lock_investigation(case)
        minutes = MeetingMinutes.objects.create(
            case=locked, held_on=held_on, subject=subject, content=content, added_by=user
        )
        for row in rows:
            MinutesOpinion.objects.create(minutes=minutes, **row)
        _audit(
            user,
            locked,
            "minutes_add",
            after={
                "minutes": minutes.pk,
                "held_on": held_on,
                "subject": subject,
                "opinions": [
                    {
                        "person": r["person"].pk if r["person"] else None,
                        "speaker": r["speaker"],
                        "stance": r["stance"],
                        "text": r["text"],
                    }
                    for r in rows
                ],
            },
            detail={"minutes": minutes.pk},
        )
    return minutes


def case_conclude(*, user: User, case: ExemptionCase) -> ExemptionCase:
    """End the investigation: every person concerned has the unit's decision."""
    _check_handler(user, case.unit_id)
    with transaction.atomic():
        locked = _lock(case)
        if (locked.status, "conclude") not in TRANSITIONS:
            raise _bad_transition(locked)
        persons = list(locked.persons.all())
        if not persons:
            raise ValidationError({"persons": [ERR_NO_PERSONS]})
        undecided = sum(1 for p in persons if not p.decision)
        if undecided:
            raise ValidationError({"persons": [ERR_UNDECIDED.format(count=undecided)]})
        before = case_state(locked)
        _move(locked, "conclude", CaseStatus.CONCLUDED)
        locked.concluded_at = timezone.now()
        locked.save()
        _audit(
            user,
            locked,
            "conclude",
            before=before,
            after=case_state(locked),
            detail={"decisions": {str(p.pk): p.decision for p in persons}},
        )
        _tell_parties(
            locked,
            "调查结束，已形成认定结论",
            "\n".join(f"{p.name}：{p.get_decision_display()}" for p in persons),
        )
    return locked


def conclusion_text(case: ExemptionCase) -> str:
    lines = [
        f"经调查核实，{case.unit.name}就“{case.title}”（{case.get_activity_kind_display()}，"
        f"损失金额 {yuan(case.loss_amount)} 元）依《云南省科技成果转化尽职免责工作指引（试行）》"
        "形成尽职免责认定结论如下：",
    ]
    for index, person in enumerate(case.persons.all(), 1):
        line = f"{index}. {person.name}（{person.get_role_display()}）：{person.get_decision_display()}。"
        lines.append(line)
    lines.append(
        "公示期间，本单位全体人员可以监督；如有异议，可向本单位提出复核申请（指引第十三条）。"
    )
    return "\n".join(lines)


def case_publicise(
    *,
    user: User,
    case: ExemptionCase,
    starts_on: Any = None,
    period_days: int = DEFAULT_PUBLICITY_DAYS,
    period_unit: str = DEFAULT_PUBLICITY_UNIT,
    content: str = "",
    today: dt.date | None = None,
) -> ExemptionCase:
    """Internal publicity of the conclusion (article 13): an exemption_conclusion notice created
    and published through the publicity app."""
    _check_handler(user, case.unit_id)
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = _lock(case)
        if (locked.status, "publicise") not in TRANSITIONS:
            raise _bad_transition(locked)
        notice = notice_create(
            user=user,
            data={
                "kind": NoticeKind.EXEMPTION_CONCLUSION,
                "title": f"关于“{locked.title}”尽职免责认定结论的公示",
                "content": str(content or "").strip() or conclusion_text(locked),
                "starts_on": starts_on or today,
                "period_days": period_days,
                "period_unit": period_unit,
                "subject_type": CASE_OBJECT_TYPE,
                "subject_id": str(locked.pk),
            },
        )
        notice = notice_publish(user=user, notice=notice, today=today)
        before = case_state(locked)
        _move(locked, "publicise", CaseStatus.PUBLICITY)
        locked.notice = notice
        locked.save()
        _audit(
            user,
            locked,
            "publicise",
            before=before,
            after=case_state(locked),
            detail={"notice": notice.pk, "ends_on": notice.ends_on.isoformat()},
        )
        _tell_parties(
            locked, "认定结论内部公示", f"公示至 {notice.ends_on.isoformat()}，期间可提出异议。"
        )
    return locked


def review_record(
    *, user: User, case: ExemptionCase, objection: Any, result: str, findings: str, answer: str
) -> CaseReview:
    """The review (复核) of one objection filed on the case's notice, with the answer fed back to
    the objector. While the notice is open the answer is also given on the notice itself."""
    _check_handler(user, case.unit_id)
    errors: dict[str, list[str]] = {}
    result = _choice(result, ReviewResult, "result", errors)
    findings = _text({"findings": findings}, "findings", errors)
    answer = _text({"answer": answer}, "answer", errors, limit=2000)
    with transaction.atomic():
        locked = _lock(case)
        objections = list(locked.notice.objections.all()) if locked.notice is not None else []
        if locked.notice_id and not objections:
            raise ValidationError({"objection": [ERR_NO_OBJECTION]})
        if (locked.status, "review") not in TRANSITIONS:
            raise _bad_transition(locked)
        if objection is None or locked.notice is None or objection.notice_id != locked.notice_id:
            raise ValidationError({"objection": [ERR_OBJECTION_OTHER]})
        _raise(errors)
        if CaseReview.objects.filter(objection=objection).exists():
            raise ValidationError({"objection": [ERR_ALREADY_REVIEWED]})
        review = CaseReview.objects.create(
            case=locked,
            objection=objection,
            result=result,
            findings=findings,
            answer=answer,
            reviewed_by=user,
        )
        notice = locked.notice
        if notice.status == NoticeStatus.PUBLISHED and not objection.is_answered:
            objection_answer(user=user, objection=objection, answer=answer)
        reviewed = set(locked.reviews.values_list("objection_id", flat=True))
        pending = [o for o in objections if o.pk not in reviewed]
        before = case_state(locked)
        _move(locked, "review", CaseStatus.OBJECTIONS if pending else CaseStatus.REVIEWED)
        locked.save()
        _audit(
            user,
            locked,
            "review",
            before=before,
            after=case_state(locked),
            detail={
                "review": review.pk,
                "objection": objection.pk,
                "result": result,
                "answer": answer,
                "findings": findings,
            },
        )
        _tell_parties(locked, f"异议复核结果：{review.get_result_display()}", f"复核答复：{answer}")
    return review


def case_decide(
    *,
    user: User,
    case: ExemptionCase,
    text: str,
    decided_on: Any = None,
    final_decisions: dict[int, str] | None = None,
    today: dt.date | None = None,
) -> ExemptionCase:
    """The final decision, after the internal publicity has closed and every objection has been
    reviewed. A person's final decision differs from the conclusion only after a review that
    changed it."""
    _check_handler(user, case.unit_id)
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    text = _text({"text": text}, "text", errors)
    day = _date(decided_on or today, "decided_on", errors, not_after=today)
    _raise(errors)
    with transaction.atomic():
        locked = _lock(case)
        if locked.notice is None or locked.status in (
            CaseStatus.INVESTIGATION,
            CaseStatus.CONCLUDED,
        ):
            raise ValidationError({"status": [ERR_NO_PUBLICITY]})
        if (locked.status, "decide") not in TRANSITIONS:
            if locked.status == CaseStatus.OBJECTIONS:
                pending = locked.notice.objections.exclude(
                    pk__in=locked.reviews.values("objection_id")
                ).count()
                raise ValidationError({"status": [ERR_UNREVIEWED.format(count=pending)]})
            raise _bad_transition(locked)
        notice = locked.notice
        if not notice.is_closed:
            raise ValidationError({"status": [ERR_PUBLICITY_OPEN]})
        objections = notice.objections.count()
        if locked.status == CaseStatus.PUBLICITY and objections:
            raise ValidationError({"status": [ERR_OBJECTIONS_PENDING]})
        pending = notice.objections.exclude(pk__in=locked.reviews.values("objection_id")).count()
        if pending:
            raise ValidationError({"status": [ERR_UNREVIEWED.format(count=pending)]})
        changed_by_review = locked.reviews.filter(result=ReviewResult.CHANGED).exists()
        finals: dict[int, str] = {}
        for person in locked.persons.select_for_update():
            final = (final_decisions or {}).get(person.pk) or person.decision
            if final not in Decision.values:
                raise ValidationError({"final_decisions": [ERR_CHOICE]})
            if final != person.decision and not changed_by_review:
                raise ValidationError({"final_decisions": [ERR_CHANGE_NEEDS_REVIEW]})
            person.final_decision = final
            person.save(update_fields=["final_decision"])
            finals[person.pk] = final
        before = case_state(locked)
        _move(locked, "decide", CaseStatus.DECIDED)
        locked.decision_text = text
        locked.decided_on = day
        # The dossier is filed with the unit's supervising department (省科技厅 when none).
        locked.filed_with = scope.supervisor_of(locked.unit)
        locked.filed_at = timezone.now()
        locked.save()
        _audit(
            user,
            locked,
            "decide",
            before=before,
            after=case_state(locked),
            detail={
                "final_decisions": {str(k): v for k, v in finals.items()},
                "notice_status": notice.status,
            },
        )
        _tell_parties(locked, "已作出最终决定", text)
        notify(
            users=scope.reviewers_for_unit(locked.unit),
            kind="exemption",
            title=f"{locked.unit.name}报送尽职免责案卷备案：{locked.title}",
            body=text,
            url=f"/exemption/{locked.pk}/",
        )
    return locked


def case_record_effects(
    *,
    user: User,
    case: ExemptionCase,
    text: str,
    recorded_on: Any = None,
    today: dt.date | None = None,
) -> ExemptionCase:
    """Record how the decision was applied (article 14: appraisals, awards and annual reviews
    unaffected; the finding serves audits and inspections). The case is then closed."""
    _check_handler(user, case.unit_id)
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    text = _text({"text": text}, "text", errors)
    day = _date(recorded_on or today, "recorded_on", errors, not_after=today)
    _raise(errors)
    with transaction.atomic():
        locked = _lock(case)
        if (locked.status, "record_effects") not in TRANSITIONS:
            raise _bad_transition(locked)
        before = case_state(locked)
        _move(locked, "record_effects", CaseStatus.CLOSED)
        locked.effects_text = text
        locked.effects_on = day
        locked.closed_at = timezone.now()
        locked.save()
        _audit(user, locked, "record_effects", before=before, after=case_state(locked))
        _tell_parties(locked, "认定结果运用已记录，案件办结", text)
    return locked
