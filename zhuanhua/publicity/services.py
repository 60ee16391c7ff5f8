"""Writes to publicity notices: create, edit a draft, publish, objections and answers, close.

Each write checks permission and state, locks the notice row (`select_for_update`), saves and
audits in one transaction. `today` is an argument wherever the legal period decides the outcome,
so tests and the daily job can name the day; it defaults to the local date.
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal, InvalidOperation
from typing import Any, TypeGuard

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from zhuanhua.accounts.choices import ACHIEVEMENT_EDITOR_ROLES
from zhuanhua.accounts.http import Visitor
from zhuanhua.accounts.models import User
from zhuanhua.achievements.models import Achievement
from zhuanhua.audit.services import audit_record
from zhuanhua.core.inputs import text_problem
from zhuanhua.core.uploads import check_upload_as, store_upload
from zhuanhua.engines.common import InputError
from zhuanhua.engines.periods import MAX_DAYS, HolidayTable, PeriodResult, YearTable, period_end
from zhuanhua.organisations.models import Organisation
from zhuanhua.publicity.choices import (
    AGREEMENT_MIN_DAYS,
    DEFAULT_PERIOD_DAYS,
    TRANSITIONS,
    NoticeKind,
    NoticeStatus,
    PeriodUnit,
    PricingMethod,
)
from zhuanhua.publicity.models import HolidayYear, Notice, NoticeAttachment, Objection
from zhuanhua.publicity.selectors import (
    INTERNAL_KINDS,
    agreement_price_cleared,  # noqa: F401  (public entry)
)

logger = logging.getLogger(__name__)

ERR_NOT_PUBLISHER = "只有公示单位的管理员可以执行该操作"
ERR_LOGIN = "请登录后再提出异议"
ERR_BAD_TRANSITION = "当前状态（{status}）不能执行该操作"
ERR_NOT_OPEN = "该公示未在公示期内，不能提出异议"
ERR_PERIOD_OVER = "公示期已于 {ends_on} 届满，不再受理异议"
ERR_BEFORE_END = "公示期至 {ends_on} 届满，届满前不能结束公示"
ERR_UNANSWERED = "尚有 {count} 条异议未答复，不能结束公示"
ERR_ALREADY_ANSWERED = "该异议已答复，不能重复答复"
ERR_ANSWER_CLOSED = "公示已结束，不能再答复异议"
ERR_AGREEMENT_DAYS = "协议定价的公示期不得少于 15 日"
ERR_START_PAST = "公示开始日不能早于发布当天"
ERR_REQUIRED = "此项为必填项"
ERR_CHOICE = "无效的选项"
ERR_DAYS = f"公示期应为 1–{MAX_DAYS} 天"
ERR_DATE = "日期格式应为 YYYY-MM-DD"
ERR_PRICE = "拟交易价格应为大于 0 的金额（元，最多两位小数）"
ERR_ACHIEVEMENT = "请选择本单位的科技成果"
ERR_LICENSEE_SELF = "受让/被许可方不能是公示单位本身"
ERR_LICENSEE_STATUS = "受让/被许可方须为审核通过的机构"
ERR_TOO_LONG = "内容不能超过 {limit} 字"

OBJECTION_MAX = 2000
ANSWER_MAX = 2000
NOTE_MAX = 2000

EDITABLE_FIELDS = (
    "kind",
    "title",
    "content",
    "starts_on",
    "period_days",
    "period_unit",
    "subject_type",
    "subject_id",
    "achievement",
    "licensee",
    "price_amount",
    "pricing_method",
)


# ---------------------------------------------------------------------------- legal periods


def holiday_table() -> HolidayTable:
    """The admin-entered holiday years as the period engine's table. A row that does not parse
    (entered before validation existed, or edited in the database) is skipped and logged, so
    one bad year cannot stop every period computation."""
    years: dict[int, YearTable] = {}
    for row in HolidayYear.objects.all():
        try:
            parsed = HolidayTable.from_doc({str(row.year): row.as_doc()})
        except InputError as exc:
            logger.warning("holiday year %s skipped: %s %s", row.year, exc.path, exc.message)
            continue
        years.update(parsed.years)
    return HolidayTable(years=years)


def publicity_period_end(
    start: dt.date, days: int, unit: str = PeriodUnit.CALENDAR
) -> PeriodResult:
    """Last day of a publicity period: the Civil Code engine with the admin holiday table."""
    return period_end(start, days, str(unit), holiday_table())


# ---------------------------------------------------------------------------- helpers


def notice_state(notice: Notice) -> dict[str, Any]:
    """What the audit log digests for a notice."""
    state: dict[str, Any] = {
        name: getattr(notice, name)
        for name in EDITABLE_FIELDS
        if name not in {"achievement", "licensee"}
    }
    state["achievement"] = notice.achievement_id
    state["licensee"] = notice.licensee_id
    state["publisher"] = notice.publisher_id
    state["ends_on"] = notice.ends_on
    state["extended"] = notice.extended
    state["status"] = notice.status
    state["close_note"] = notice.close_note
    return state


def is_publisher_staff(user: Visitor, notice: Notice | None = None) -> TypeGuard[User]:
    """A manager (机构管理员 / 成果管理员) of an approved unit; of the notice's unit if given."""
    if not user.is_authenticated or not user.is_active:
        return False
    org = user.organisation
    if org is None or not org.is_approved or not user.has_role(*ACHIEVEMENT_EDITOR_ROLES):
        return False
    return notice is None or notice.publisher_id == user.organisation_id


def _check_publisher(user: User, notice: Notice | None = None) -> None:
    if not is_publisher_staff(user, notice):
        raise PermissionDenied(ERR_NOT_PUBLISHER)


def _bad_transition(notice: Notice) -> ValidationError:
    return ValidationError(
        {"status": [ERR_BAD_TRANSITION.format(status=notice.get_status_display())]}
    )


def _text(value: Any, limit: int) -> tuple[str, str | None]:
    """(stripped text, the refusal or None): required, then core.inputs' length and
    control-character rules."""
    text = str(value or "").strip()
    if not text:
        return text, ERR_REQUIRED
    return text, text_problem(text, limit=limit, multiline=True)


def _clean(user: User, data: dict[str, Any]) -> dict[str, Any]:
    """Validate a notice's editable fields; raise ValidationError({field: [message]}) with every
    problem found. Fills the computed period (ends_on, extended, calendar_known)."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}

    def err(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    kind = data.get("kind") or ""
    if kind not in NoticeKind.values:
        err("kind", ERR_REQUIRED if not kind else ERR_CHOICE)
    cleaned["kind"] = kind
    for name, limit in (("title", 200), ("content", 20000)):
        cleaned[name], problem = _text(data.get(name), limit)
        if problem:
            err(name, problem)
    for name in ("subject_type", "subject_id"):
        cleaned[name] = str(data.get(name) or "").strip()[:64]

    starts_on = data.get("starts_on")
    if isinstance(starts_on, str) and starts_on:
        try:
            starts_on = dt.date.fromisoformat(starts_on)
        except ValueError:
            err("starts_on", ERR_DATE)
            starts_on = None
    if not isinstance(starts_on, dt.date):
        if "starts_on" not in errors:
            err("starts_on", ERR_REQUIRED)
        starts_on = None
    cleaned["starts_on"] = starts_on

    days = data.get("period_days")
    days = DEFAULT_PERIOD_DAYS if days in (None, "") else days
    try:
        days = int(days)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= MAX_DAYS:
        err("period_days", ERR_DAYS)
    cleaned["period_days"] = days
    unit = data.get("period_unit") or PeriodUnit.CALENDAR
    if unit not in PeriodUnit.values:
        err("period_unit", ERR_CHOICE)
    cleaned["period_unit"] = unit

    cleaned.update(achievement=None, licensee=None, price_amount=None, pricing_method="")
    if kind == NoticeKind.AGREEMENT_PRICE:
        if 1 <= days < AGREEMENT_MIN_DAYS:
            err("period_days", ERR_AGREEMENT_DAYS)
        achievement = data.get("achievement")
        if isinstance(achievement, int | str) and str(achievement).isdigit():
            achievement = Achievement.objects.filter(pk=int(achievement)).first()
        if not isinstance(achievement, Achievement) or achievement.owner_id != user.organisation_id:
            err("achievement", ERR_ACHIEVEMENT)
        else:
            cleaned["achievement"] = achievement
        licensee = data.get("licensee")
        if isinstance(licensee, int | str) and str(licensee).isdigit():
            licensee = Organisation.objects.filter(pk=int(licensee)).first()
        if not isinstance(licensee, Organisation):
            err("licensee", ERR_REQUIRED)
        elif licensee.pk == user.organisation_id:
            err("licensee", ERR_LICENSEE_SELF)
        elif not licensee.is_approved:
            err("licensee", ERR_LICENSEE_STATUS)
        else:
            cleaned["licensee"] = licensee
        price = data.get("price_amount")
        try:
            price = (
                Decimal(str(price).replace(",", "").strip()) if price not in (None, "") else None
            )
        except InvalidOperation:
            price = None
        if (
            price is None
            or not price.is_finite()
            or price <= 0
            or price != price.quantize(Decimal("0.01"))
            or price >= Decimal("1e12")
        ):
            err("price_amount", ERR_PRICE)
        else:
            cleaned["price_amount"] = price.quantize(Decimal("0.01"))
        method = data.get("pricing_method") or PricingMethod.AGREEMENT
        if method not in PricingMethod.values:
            err("pricing_method", ERR_CHOICE)
        cleaned["pricing_method"] = method
        if cleaned["achievement"] is not None and not cleaned["subject_type"]:
            cleaned["subject_type"] = "achievements.achievement"
            cleaned["subject_id"] = str(cleaned["achievement"].pk)

    if starts_on is not None and "period_days" not in errors and "period_unit" not in errors:
        try:
            result = publicity_period_end(starts_on, days, unit)
        except InputError:
            err("period_days", ERR_DAYS)
        else:
            cleaned.update(
                ends_on=result.ends_on,
                extended=result.extended,
                calendar_known=result.calendar_known,
            )
    if errors:
        raise ValidationError(errors)
    return cleaned


def _apply_period(notice: Notice) -> None:
    result = publicity_period_end(notice.starts_on, notice.period_days, notice.period_unit)
    notice.ends_on = result.ends_on
    notice.extended = result.extended
    notice.calendar_known = result.calendar_known


# ---------------------------------------------------------------------------- notices


def notice_create(
    *, user: User, data: dict[str, Any], upload: UploadedFile | None = None
) -> Notice:
    """A draft notice of the user's unit; `upload` (optional) becomes its first attachment."""
    _check_publisher(user)
    cleaned = _clean(user, data)
    sha = check_upload_as(upload, "file") if upload is not None else ""
    with transaction.atomic():
        notice = Notice(publisher=user.organisation, created_by=user, **cleaned)
        notice.save()
        audit_record(actor=user, obj=notice, action="notice.create", after=notice_state(notice))
        if upload is not None:
            _store_attachment(user, notice, upload, sha)
    return notice


def notice_update(*, user: User, notice: Notice, data: dict[str, Any]) -> Notice:
    """Edit a draft (a published notice is what the public read: it is never edited)."""
    _check_publisher(user, notice)
    with transaction.atomic():
        locked = Notice.objects.select_for_update().get(pk=notice.pk)
        if locked.status != NoticeStatus.DRAFT:
            raise _bad_transition(locked)
        before = notice_state(locked)
        merged = {name: getattr(locked, name) for name in EDITABLE_FIELDS}
        merged.update(data)
        cleaned = _clean(user, merged)
        for name, value in cleaned.items():
            setattr(locked, name, value)
        locked.save()
        audit_record(
            actor=user,
            obj=locked,
            action="notice.update",
            before=before,
            after=notice_state(locked),
        )
    return locked


def notice_publish(*, user: User, notice: Notice, today: dt.date | None = None) -> Notice:
    """Make a draft public. The start may not lie before the day of publication (the public
    would get a shorter period); the end date is computed again with the current holiday table
    and from then on fixed."""
    _check_publisher(user, notice)
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = Notice.objects.select_for_update().get(pk=notice.pk)
        if (locked.status, "publish") not in TRANSITIONS:
            raise _bad_transition(locked)
        if locked.starts_on < today:
            raise ValidationError({"starts_on": [ERR_START_PAST]})
        before = notice_state(locked)
        _apply_period(locked)
        locked.status = NoticeStatus.PUBLISHED
        locked.published_at = timezone.now()
        locked.save()
        audit_record(
            actor=user,
            obj=locked,
            action="notice.publish",
            before=before,
            after=notice_state(locked),
            detail={
                "starts_on": locked.starts_on.isoformat(),
                "ends_on": locked.ends_on.isoformat(),
                "extended": locked.extended,
            },
        )
    return locked


def notice_close_locked(locked: Notice, *, user: User | None, today: dt.date, note: str) -> Notice:
    """Close a locked, published notice whose period has ended and whose objections are all
    answered; the caller holds the row lock."""
    if (locked.status, "close") not in TRANSITIONS:
        raise _bad_transition(locked)
    if today <= locked.ends_on:
        raise ValidationError(
            {"status": [ERR_BEFORE_END.format(ends_on=locked.ends_on.isoformat())]}
        )
    objections = list(locked.objections.all())
    unanswered = sum(1 for o in objections if not o.is_answered)
    if unanswered:
        raise ValidationError({"status": [ERR_UNANSWERED.format(count=unanswered)]})
    before = notice_state(locked)
    locked.status = (
        NoticeStatus.CLOSED_OBJECTIONS_HANDLED if objections else NoticeStatus.CLOSED_NO_OBJECTION
    )
    if not note:
        note = f"公示期 {locked.starts_on.isoformat()} 至 {locked.ends_on.isoformat()} 届满，" + (
            f"共收到异议 {len(objections)} 条，均已答复。" if objections else "未收到异议。"
        )
    locked.close_note = note
    locked.closed_at = timezone.now()
    locked.closed_by = user
    locked.save()
    audit_record(
        actor=user,
        obj=locked,
        action="notice.close",
        before=before,
        after=notice_state(locked),
        detail={
            "closed_on": today.isoformat(),
            "objections": len(objections),
            "by_job": user is None,
        },
    )
    return locked


def notice_close(
    *, user: User, notice: Notice, today: dt.date | None = None, note: str = ""
) -> Notice:
    """End a notice after its period: "no objection" when none was filed, "objections handled"
    when every one was answered. Refused before the day after the end date and while any
    objection waits for an answer."""
    _check_publisher(user, notice)
    note = str(note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": [ERR_TOO_LONG.format(limit=NOTE_MAX)]})
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = Notice.objects.select_for_update().get(pk=notice.pk)
        return notice_close_locked(locked, user=user, today=today, note=note)


# ---------------------------------------------------------------------------- objections

ERR_INTERNAL_ONLY = "该公示仅在本单位内部公示，只有本单位人员可以提出异议"


def objection_file(
    *, user: User, notice: Notice, content: str, today: dt.date | None = None
) -> Objection:
    """An identified (logged-in) user objects while the notice is published, up to and including
    its end date."""
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied(ERR_LOGIN)
    text, problem = _text(content, OBJECTION_MAX)
    if problem:
        raise ValidationError({"content": [problem]})
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = Notice.objects.select_for_update().get(pk=notice.pk)
        if locked.status != NoticeStatus.PUBLISHED:
            raise ValidationError({"notice": [ERR_NOT_OPEN]})
        if locked.kind in INTERNAL_KINDS and user.organisation_id != locked.publisher_id:
            raise PermissionDenied(ERR_INTERNAL_ONLY)
        if today > locked.ends_on:
            raise ValidationError(
                {"notice": [ERR_PERIOD_OVER.format(ends_on=locked.ends_on.isoformat())]}
            )
        objection = Objection.objects.create(
            notice=locked,
            objector=user,
            objector_organisation=user.organisation,
            content=text,
            filed_on=today,
        )
        audit_record(
            actor=user,
            obj=objection,
            action="objection.file",
            after={"notice": locked.pk, "content": text, "filed_on": today},
            detail={"notice": locked.pk},
        )
    return objection


def objection_answer(*, user: User, objection: Objection, answer: str) -> Objection:
    """The publishing unit answers an objection once, while the notice is not yet closed."""
    _check_publisher(user, objection.notice)
    text, problem = _text(answer, ANSWER_MAX)
    if problem:
        raise ValidationError({"answer": [problem]})
    with transaction.atomic():
        notice = Notice.objects.select_for_update().get(pk=objection.notice_id)
        locked = Objection.objects.select_for_update().get(pk=objection.pk)
        if notice.status != NoticeStatus.PUBLISHED:
            raise ValidationError({"answer": [ERR_ANSWER_CLOSED]})
        if locked.is_answered:
            raise ValidationError({"answer": [ERR_ALREADY_ANSWERED]})
        locked.answer = text
        locked.answered_by = user
        locked.answered_at = timezone.now()
        locked.save()
        audit_record(
            actor=user,
            obj=locked,
            action="objection.answer",
            before={"answer": ""},
            after={"answer": text},
            detail={"notice": notice.pk},
        )
    return locked


# ---------------------------------------------------------------------------- attachments


def _store_attachment(
    user: User, notice: Notice, upload: UploadedFile, sha: str
) -> NoticeAttachment:
    attachment = store_upload(NoticeAttachment, upload, sha256=sha, user=user, notice=notice)
    audit_record(
        actor=user,
        obj=attachment,
        action="notice_attachment.add",
        after={"notice": notice.pk, "sha256": sha},
    )
    return attachment


def notice_attachment_add(*, user: User, notice: Notice, upload: UploadedFile) -> NoticeAttachment:
    """Attach a file to a draft (a published notice's documents are what the public read)."""
    _check_publisher(user, notice)
    sha = check_upload_as(upload, "file")
    with transaction.atomic():
        locked = Notice.objects.select_for_update().get(pk=notice.pk)
        if locked.status != NoticeStatus.DRAFT:
            raise _bad_transition(locked)
        return _store_attachment(user, locked, upload, sha)
