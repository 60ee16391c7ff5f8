"""Writes for subsidies: submit and resubmit applications, review decisions, settlement.

Every write checks the user's role and the record's state, locks, saves and audits in one
transaction. An approval locks the applicant's organisation row first: every scope of every
measure is keyed on the applicant, so holding that lock while the engine re-runs against all of
the applicant's grants means no two approvals can both consume the same cap.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from zhuanhua.accounts.http import Visitor
from zhuanhua.accounts.models import User
from zhuanhua.audit.services import audit_record
from zhuanhua.core import xlsx
from zhuanhua.core.inputs import clean_text
from zhuanhua.core.prefectures import PREFECTURES
from zhuanhua.core.uploads import check_upload, check_upload_as, store_upload
from zhuanhua.engines import messages
from zhuanhua.engines.common import CENT, InputError, money_str
from zhuanhua.engines.subsidy import REASON_LABELS, CatalogueError
from zhuanhua.notifications.services import notify
from zhuanhua.organisations.models import Organisation
from zhuanhua.subsidies import selectors
from zhuanhua.subsidies.choices import (
    CHECK_WORKING_DAYS,
    DECIDE_WORKING_DAYS,
    SECOND_WORKING_DAYS,
    SIGNOFF_WORKING_DAYS,
    TRANSITIONS,
    ApplicationStatus,
    BatchStatus,
    EvidenceKind,
    GrantStatus,
)
from zhuanhua.subsidies.models import (
    Grant,
    SettlementBatch,
    SubsidyApplication,
    SubsidyEvidence,
    VentureInvestment,
)

ERR_NOT_APPLICANT = "只有已通过审核的申请单位经办人可以提交奖补申请"
ERR_NOT_OWN = "只能修改本单位的奖补申请"
ERR_NOT_REVIEWER = "只有省科技厅审核员可以审定奖补申请"
ERR_NOT_CHECKER = "只有该申请的初审单位（州（市）科技局或主管部门）审核员可以初审"
ERR_SAME_PERSON_CHECK = "同一人不能既初审又审定同一申请（四眼原则）"
ERR_SAME_PERSON_SECOND = "复核须由另一名省级审核员完成：审定人不能复核自己的决定（四眼原则）"
ERR_REASON_CHECK = "初审意见不能为空"
ERR_REASON_SECOND = "复核不同意须说明理由"
ERR_NOT_FINANCE = "只有财政部门审核员可以签核拨付清单"
ERR_NOT_SIGNED_OFF = "拨付清单须经财政部门签核后才能标记拨付"
ERR_ALREADY_SIGNED = "该批次已经财政部门签核"
ERR_NOT_SETTLER = "只有省科技厅或财政部门审核员可以登记拨付结果"
ERR_UNKNOWN_MEASURE = "政策目录中没有该措施"
ERR_CREDIT = "申请单位存在未消除的失信记录（诚信管理），暂停受理其奖补申请"
ERR_CREDIT_APPROVE = "申请单位存在未消除的失信记录（诚信管理），暂停批准其奖补"
ERR_INELIGIBLE = "不符合本措施的申请条件：{reasons}"
ERR_NOTHING_LEFT = "按政策上限和已获补助测算，本次可得补助为 0 元，不能提交申请"
ERR_NOTHING_LEFT_APPROVE = "按政策上限和已获补助，本申请当前可批准金额为 0 元，不能批准"
ERR_ABOVE_ENGINE = "批准金额不得超过测算最高补助 {max} 元"
ERR_AMOUNT_POSITIVE = "批准金额必须大于 0 元"
ERR_AMOUNT_REQUIRED = "一事一议事项须填写批准金额"
ERR_REASON_LESS = "核减批准金额须说明理由"
ERR_REASON_CASE = "一事一议事项须写明决定依据"
ERR_REASON_RETURN = "退回补充材料须写明需补充的内容"
ERR_REASON_REJECT = "不予支持须说明理由"
ERR_BAD_TRANSITION = "当前状态（{status}）不能执行该操作"
ERR_EVIDENCE_REQUIRED = "请至少上传一份证明材料（银行到账凭证、发票、证书等）"
ERR_DESCRIPTION_REQUIRED = "一事一议事项须填写申请说明"
ERR_REQUIRED = "此项为必填项"
ERR_INPUT = "填写有误：{message}"


def engine_input_message(exc: InputError) -> str:
    """The engine's refusal in Chinese, from the engines' one catalogue (its ``message`` is
    the console script's English line)."""
    return messages.chinese(exc)


ERR_TOO_LONG = "不能超过 {limit} 个字"
ERR_PERIOD_ORDER = "结束日期不能早于开始日期"
ERR_EMPTY_PERIOD = "该期间内没有待结算的已批准补助"
ERR_PAYMENT_FILE = "无法读取拨付回执，请上传 .xlsx 文件"
ERR_PAYMENT_NO_IDS = "拨付回执中没有找到“补助编号”列或补助编号"
ERR_PAYMENT_FOREIGN = "以下补助编号不属于本批次：{ids}"
# What the payment-file reader looks at in each sheet (a batch's returned disbursement list).
PAYMENT_MAX_ROWS = 20_000
PAYMENT_MAX_COLUMNS = 60
ERR_BATCH_PAID = "该批次已全部拨付"

REASON_MAX = 1000
DESCRIPTION_MAX = 5000
XLSX_ONLY = {
    ".xlsx": {
        "application/zip",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
}

# Fields an application must carry when its measure uses them.
REQUIRED_WHEN_USED = ("counterparty", "subject", "level", "base_amount", "paid_in_on")
CLAIM_FIELDS = (
    "base_amount",
    "requested_amount",
    "counterparty",
    "subject",
    "level",
    "registered",
    "related_party",
    "paid_in_on",
    "loss_confirmed",
)
ENGINE_FIELD = {
    "base": "base_amount",
    "requested": "requested_amount",
    "paid_in_date": "paid_in_on",
    "counterparty": "counterparty",
    "subject": "subject",
    "level": "level",
}


def _bad_transition(app: SubsidyApplication) -> ValidationError:
    return ValidationError({"status": [ERR_BAD_TRANSITION.format(status=app.get_status_display())]})


def application_state(app: SubsidyApplication) -> dict[str, Any]:
    return {
        "measure": app.measure,
        "status": app.status,
        "applicant": app.applicant_id,
        "claim_on": app.claim_on,
        **{f: getattr(app, f) for f in CLAIM_FIELDS},
        "engine_amount": app.engine_amount,
        "approved_amount": app.approved_amount,
        "decision_reason": app.decision_reason,
    }


# --------------------------------------------------------------------------- claims


def clean_claim_data(measure_code: str, data: dict[str, Any]) -> dict[str, Any]:
    """Keep only the fields the measure uses; check the ones it needs are there."""
    m = selectors.measure_or_none(measure_code)
    if m is None:
        raise ValidationError({"measure": [ERR_UNKNOWN_MEASURE]})
    used = selectors.measure_fields(m)
    cleaned: dict[str, Any] = {f: data.get(f) for f in used}
    errors: dict[str, list[str]] = {}
    for f in REQUIRED_WHEN_USED:
        if f in used and cleaned.get(f) in (None, ""):
            errors[f] = [ERR_REQUIRED]
    if errors:
        raise ValidationError(errors)
    for f in ("registered", "related_party", "loss_confirmed"):
        cleaned[f] = bool(cleaned.get(f))
    for f in ("counterparty", "subject", "level"):
        cleaned[f] = str(cleaned.get(f) or "").strip()
    for f in ("base_amount", "requested_amount"):
        if cleaned.get(f) is not None:
            cleaned[f] = Decimal(cleaned[f]).quantize(CENT)
    return cleaned


def compute(
    *,
    org: Any,
    measure: str,
    data: dict[str, Any],
    today: dt.date,
    applicant_type: str | None = None,
    region: str | None = None,
) -> Any:
    """The engine's result for the claim an organisation (or an anonymous visitor, org None,
    with an applicant_type and, for a local measure, a region) would make today, against the
    organisation's earlier grants."""
    if region is None:
        region = selectors.applicant_region(org, measure)
    claim = selectors.build_claim(
        measure=measure,
        applicant_key=str(org.pk) if org is not None else "visitor",
        applicant_type=applicant_type or selectors.applicant_type_of(org),
        claim_on=today,
        data=data,
        region=region,
    )
    try:
        return selectors.evaluate_one(claim, selectors.prior_grants_of(org))
    except InputError as exc:
        field = ENGINE_FIELD.get(exc.path.rsplit(".", 1)[-1], "__all__")
        raise ValidationError({field: [engine_input_message(exc)]}) from None


def _check_eligible(result: Any) -> None:
    reasons = [r for r in result.reasons if r != "case_by_case"]
    if not result.eligible or reasons:
        raise ValidationError(
            {
                "__all__": [
                    ERR_INELIGIBLE.format(
                        reasons="；".join(REASON_LABELS.get(r, r) for r in reasons)
                    )
                ]
            }
        )
    if "case_by_case" not in result.reasons and result.granted <= 0:
        raise ValidationError({"__all__": [ERR_NOTHING_LEFT]})


def _check_uploads(uploads: list[tuple[str, UploadedFile]]) -> list[str]:
    return [check_upload_as(upload, "evidence") for _kind, upload in uploads]


def _store_evidence(
    user: User, app: SubsidyApplication, uploads: list[tuple[str, UploadedFile]], shas: list[str]
) -> None:
    for (kind, upload), sha in zip(uploads, shas, strict=True):
        ev = store_upload(
            SubsidyEvidence,
            upload,
            sha256=sha,
            user=user,
            application=app,
            kind=kind if kind in EvidenceKind.values else EvidenceKind.OTHER,
        )
        audit_record(
            actor=user,
            obj=ev,
            action="subsidy_evidence.upload",
            after={"application": app.pk, "name": ev.original_name, "sha256": sha},
        )


def _route(app: SubsidyApplication, today: dt.date) -> None:
    """Send a (re)submitted application to its first check, or — with no checking body on the
    platform — straight to the provincial decision; set the step's time limit."""
    m = selectors.measure_or_none(app.measure)
    app.checker_org = selectors.checker_of(app.applicant, m)
    if app.checker_org is not None:
        app.status = ApplicationStatus.CHECKING
        app.step_due_on = selectors.step_due(today, CHECK_WORKING_DAYS)
    else:
        app.status = ApplicationStatus.SUBMITTED
        app.step_due_on = selectors.step_due(today, DECIDE_WORKING_DAYS)
    app.checked_by = None
    app.checked_at = None
    app.check_opinion = ""
    app.policy_label = selectors.policy_label(m)[:200]


def _app_url(app: SubsidyApplication) -> str:
    return f"/subsidies/applications/{app.pk}/"


def _tell(users: Any, app: SubsidyApplication, title: str, body: str = "") -> None:
    notify(users=users, kind="subsidy", title=title, body=body, url=_app_url(app))


def _applicant_people(app: SubsidyApplication) -> list[User]:
    people = list(User.objects.filter(organisation_id=app.applicant_id, is_active=True))
    submitter = app.submitted_by
    return [u for u in people if submitter is not None and u.pk == submitter.pk] or people


def _notify_next(app: SubsidyApplication) -> None:
    """Tell whoever acts next (and the applicant) where the application stands."""
    label = f"奖补申请 #{app.pk}（{app.measure}，{app.applicant.name}）"
    due = f"办理时限：{app.step_due_on.isoformat()}。" if app.step_due_on else ""
    if app.status == ApplicationStatus.CHECKING:
        _tell(selectors.reviewers_of(app.checker_org), app, f"{label}待初审", due)
    elif app.status == ApplicationStatus.SUBMITTED:
        _tell(selectors.provincial_reviewers(), app, f"{label}待省级审定", due)
    elif app.status == ApplicationStatus.SECOND:
        others = [u for u in selectors.provincial_reviewers() if u.pk != app.decided_by_id]
        _tell(others, app, f"{label}待复核（第二审核人）", due)
    _tell(
        _applicant_people(app),
        app,
        f"奖补申请 #{app.pk} 状态：{app.get_status_display()}",
        due,
    )


def _apply_result(app: SubsidyApplication, result: Any) -> None:
    app.engine_amount = result.granted
    app.engine_entitlement_amount = result.entitlement
    app.engine_binding = list(result.binding)
    app.engine_reasons = list(result.reasons)
    app.engine_explanation = selectors.explanation_of(
        result, selectors.applicant_region(app.applicant, app.measure)
    )
    app.case_by_case = "case_by_case" in result.reasons
    app.catalogue_version = selectors.catalogue().version


def application_submit(
    *,
    user: User,
    measure: str,
    data: dict[str, Any],
    uploads: list[tuple[str, UploadedFile]] | None = None,
    today: dt.date | None = None,
) -> SubsidyApplication:
    """An organisation applies under a measure. Refused while the applicant has an active
    credit event, when the engine finds it ineligible, or when nothing is left under the caps."""
    if not selectors.can_apply(user):
        raise PermissionDenied(ERR_NOT_APPLICANT)
    org = user.organisation
    if selectors.credit_active(org):
        raise ValidationError({"__all__": [ERR_CREDIT]})
    today = today or timezone.localdate()
    uploads = list(uploads or [])
    claim_data = clean_claim_data(measure, data)
    m = selectors.measure_or_none(measure)
    description = str(data.get("description") or "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise ValidationError({"description": [ERR_TOO_LONG.format(limit=DESCRIPTION_MAX)]})
    if m is not None and m.case_by_case and not description:
        raise ValidationError({"description": [ERR_DESCRIPTION_REQUIRED]})
    if not uploads:
        raise ValidationError({"evidence": [ERR_EVIDENCE_REQUIRED]})
    shas = _check_uploads(uploads)
    result = compute(org=org, measure=measure, data=claim_data, today=today)
    _check_eligible(result)
    with transaction.atomic():
        app = SubsidyApplication(
            applicant=org,
            measure=measure,
            applicant_type=selectors.applicant_type_of(org),
            claim_on=today,
            description=description,
            contract_ref=str(data.get("contract_ref") or "").strip()[:100],
            submitted_by=user,
            submitted_at=timezone.now(),
            **claim_data,
        )
        _apply_result(app, result)
        app.platform_facts = selectors.platform_facts(
            org, measure, {**claim_data, "contract_ref": app.contract_ref}, today
        )
        _route(app, today)
        app.save()
        audit_record(
            actor=user,
            obj=app,
            action="subsidy_application.submit",
            after=application_state(app),
            detail={
                "engine_amount": money_str(result.granted),
                "binding": list(result.binding),
                "checker": app.checker_org_id,
                "policy": app.policy_label,
            },
        )
        _store_evidence(user, app, uploads, shas)
        _notify_next(app)
    return app


def application_resubmit(
    *,
    user: User,
    application: SubsidyApplication,
    data: dict[str, Any],
    uploads: list[tuple[str, UploadedFile]] | None = None,
    today: dt.date | None = None,
) -> SubsidyApplication:
    """The applicant answers a return: corrects the claim, adds material, submits again."""
    if not selectors.can_apply(user):
        raise PermissionDenied(ERR_NOT_APPLICANT)
    if application.applicant_id != user.organisation_id:
        raise PermissionDenied(ERR_NOT_OWN)
    org = user.organisation
    if selectors.credit_active(org):
        raise ValidationError({"__all__": [ERR_CREDIT]})
    today = today or timezone.localdate()
    uploads = list(uploads or [])
    claim_data = clean_claim_data(application.measure, data)
    shas = _check_uploads(uploads)
    with transaction.atomic():
        locked = SubsidyApplication.objects.select_for_update().get(pk=application.pk)
        if (locked.status, "resubmit") not in TRANSITIONS:
            raise _bad_transition(locked)
        description = str(data.get("description") or locked.description).strip()
        if locked.case_by_case and not description:
            raise ValidationError({"description": [ERR_DESCRIPTION_REQUIRED]})
        result = compute(org=org, measure=locked.measure, data=claim_data, today=today)
        _check_eligible(result)
        before = application_state(locked)
        for key, value in claim_data.items():
            setattr(locked, key, value)
        locked.description = description[:DESCRIPTION_MAX]
        if data.get("contract_ref") is not None:
            locked.contract_ref = str(data["contract_ref"]).strip()[:100]
        locked.claim_on = today
        locked.submitted_at = timezone.now()
        _apply_result(locked, result)
        locked.platform_facts = selectors.platform_facts(
            org, locked.measure, {**claim_data, "contract_ref": locked.contract_ref}, today
        )
        _route(locked, today)
        locked.decided_by = None
        locked.decided_at = None
        locked.approved_amount = None
        locked.save()
        audit_record(
            actor=user,
            obj=locked,
            action="subsidy_application.resubmit",
            before=before,
            after=application_state(locked),
        )
        _store_evidence(user, locked, uploads, shas)
        _notify_next(locked)
    return locked


# --------------------------------------------------------------------------- review
# Two levels (issue 24.2): the applicant's prefecture bureau or supervising department checks,
# the provincial department decides, and above the measure's threshold a second provincial
# reviewer approves. Four eyes: the checker, the decider and the second approver are three
# different people.


def _check_reviewer(user: User) -> None:
    if not selectors.is_reviewer(user):
        raise PermissionDenied(ERR_NOT_REVIEWER)


def _check_checker(user: User, app: SubsidyApplication) -> None:
    if not selectors.is_checker(user) or app.checker_org_id != user.organisation_id:
        raise PermissionDenied(ERR_NOT_CHECKER)


def application_check(
    *, user: User, application: SubsidyApplication, opinion: str = "", today: dt.date | None = None
) -> SubsidyApplication:
    """The first-level check passes: the application goes to the provincial department."""
    opinion = clean_text(opinion, "opinion", limit=REASON_MAX, multiline=True) or "初审通过"
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = SubsidyApplication.objects.select_for_update().get(pk=application.pk)
        _check_checker(user, locked)
        if (locked.status, "check") not in TRANSITIONS:
            raise _bad_transition(locked)
        before = application_state(locked)
        locked.status = ApplicationStatus.SUBMITTED
        locked.checked_by = user
        locked.checked_at = timezone.now()
        locked.check_opinion = opinion
        locked.step_due_on = selectors.step_due(today, DECIDE_WORKING_DAYS)
        locked.save()
        audit_record(
            actor=user,
            obj=locked,
            action="subsidy_application.check",
            before=before,
            after=application_state(locked),
            detail={"opinion": opinion, "checker": locked.checker_org_id},
        )
        _notify_next(locked)
    return locked


def _ceiling(locked: SubsidyApplication, amount: Decimal | None, reason: str) -> Any:
    """The engine's maximum now (under the applicant's lock) and the amount to approve."""
    result = selectors.evaluate_application(locked)
    if locked.case_by_case:
        if amount is None:
            raise ValidationError({"amount": [ERR_AMOUNT_REQUIRED]})
        if not reason:
            raise ValidationError({"reason": [ERR_REASON_CASE]})
        return result, None, amount
    ceiling = result.granted
    if ceiling <= 0:
        raise ValidationError({"amount": [ERR_NOTHING_LEFT_APPROVE]})
    if amount is None:
        amount = ceiling
    if amount > ceiling:
        raise ValidationError({"amount": [ERR_ABOVE_ENGINE.format(max=f"{ceiling:,.2f}")]})
    if amount < ceiling and not reason:
        raise ValidationError({"reason": [ERR_REASON_LESS]})
    return result, ceiling, amount


def _make_grant(
    locked: SubsidyApplication, org: Organisation, amount: Decimal, today: dt.date
) -> Grant:
    return Grant.objects.create(
        application=locked,
        applicant=org,
        measure=locked.measure,
        counterparty=locked.counterparty,
        subject=locked.subject,
        granted_on=locked.claim_on,
        approved_on=today,
        amount=amount,
    )


def application_approve(
    *,
    user: User,
    application: SubsidyApplication,
    amount: Decimal | None = None,
    reason: str = "",
    today: dt.date | None = None,
) -> Grant | None:
    """The provincial decision: approve at most the engine's amount, re-computed under the
    applicant's lock against all of its grants (and voucher spends); less needs a reason; M7-4
    (一事一议) takes the reviewer's amount and a reason. Up to the measure's threshold the grant is
    recorded now; above it the application waits for a second provincial reviewer (returns
    None). The checker may not decide."""
    _check_reviewer(user)
    reason = clean_text(reason, "reason", limit=REASON_MAX, multiline=True)
    if amount is not None:
        amount = Decimal(amount).quantize(CENT)
        if amount <= 0:
            raise ValidationError({"amount": [ERR_AMOUNT_POSITIVE]})
    today = today or timezone.localdate()
    with transaction.atomic():
        org = Organisation.objects.select_for_update().get(pk=application.applicant_id)
        locked = SubsidyApplication.objects.select_for_update().get(pk=application.pk)
        locked.applicant = org
        if (locked.status, "approve") not in TRANSITIONS:
            raise _bad_transition(locked)
        if locked.checked_by_id is not None and locked.checked_by_id == user.pk:
            raise PermissionDenied(ERR_SAME_PERSON_CHECK)
        if selectors.credit_active(org):
            raise ValidationError({"__all__": [ERR_CREDIT_APPROVE]})
        result, ceiling, amount = _ceiling(locked, amount, reason)
        before = application_state(locked)
        second = selectors.needs_second(selectors.measure_or_none(locked.measure), amount)
        locked.approved_amount = amount
        locked.decision_reason = reason
        locked.decided_by = user
        locked.decided_at = timezone.now()
        locked.second_by = None
        locked.second_at = None
        grant = None
        if second:
            locked.status = ApplicationStatus.SECOND
            locked.step_due_on = selectors.step_due(today, SECOND_WORKING_DAYS)
        else:
            locked.status = ApplicationStatus.APPROVED
            locked.step_due_on = None
        locked.save()
        if not second:
            grant = _make_grant(locked, org, amount, today)
        less = ceiling is not None and amount < ceiling
        action = "subsidy_application.approve_less" if less else "subsidy_application.approve"
        audit_record(
            actor=user,
            obj=locked,
            action=action,
            before=before,
            after=application_state(locked),
            detail={
                "grant": grant.pk if grant else None,
                "amount": money_str(amount),
                "engine_amount": money_str(ceiling) if ceiling is not None else None,
                "binding": list(result.binding),
                "reason": reason,
                "second_approval_needed": second,
            },
        )
        _notify_next(locked)
    return grant


def application_second_approve(
    *, user: User, application: SubsidyApplication, opinion: str = "", today: dt.date | None = None
) -> Grant:
    """A second provincial reviewer approves the decided amount (above the measure's threshold):
    never the decider nor the checker. The engine runs again under the applicant's lock: a cap
    used up since the decision refuses it."""
    _check_reviewer(user)
    opinion = clean_text(opinion, "opinion", limit=REASON_MAX, multiline=True) or "同意"
    today = today or timezone.localdate()
    with transaction.atomic():
        org = Organisation.objects.select_for_update().get(pk=application.applicant_id)
        locked = SubsidyApplication.objects.select_for_update().get(pk=application.pk)
        locked.applicant = org
        if (locked.status, "second_approve") not in TRANSITIONS:
            raise _bad_transition(locked)
        if user.pk in (locked.decided_by_id, locked.checked_by_id):
            raise PermissionDenied(ERR_SAME_PERSON_SECOND)
        if selectors.credit_active(org):
            raise ValidationError({"__all__": [ERR_CREDIT_APPROVE]})
        amount = locked.approved_amount
        assert amount is not None
        result, ceiling, amount = _ceiling(
            locked, amount, locked.decision_reason or ("—" if locked.case_by_case else "")
        )
        before = application_state(locked)
        locked.status = ApplicationStatus.APPROVED
        locked.second_by = user
        locked.second_at = timezone.now()
        locked.second_opinion = opinion
        locked.step_due_on = None
        locked.save()
        grant = _make_grant(locked, org, amount, today)
        audit_record(
            actor=user,
            obj=locked,
            action="subsidy_application.second_approve",
            before=before,
            after=application_state(locked),
            detail={"grant": grant.pk, "amount": money_str(amount), "opinion": opinion},
        )
        _notify_next(locked)
    return grant


def application_second_refuse(
    *, user: User, application: SubsidyApplication, reason: str, today: dt.date | None = None
) -> SubsidyApplication:
    """The second reviewer does not agree: back to the provincial decision, with the reason."""
    _check_reviewer(user)
    reason = clean_text(reason, "reason", limit=REASON_MAX, multiline=True)
    if not reason:
        raise ValidationError({"reason": [ERR_REASON_SECOND]})
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = SubsidyApplication.objects.select_for_update().get(pk=application.pk)
        if (locked.status, "second_refuse") not in TRANSITIONS:
            raise _bad_transition(locked)
        if user.pk in (locked.decided_by_id, locked.checked_by_id):
            raise PermissionDenied(ERR_SAME_PERSON_SECOND)
        before = application_state(locked)
        locked.status = ApplicationStatus.SUBMITTED
        locked.second_by = user
        locked.second_at = timezone.now()
        locked.second_opinion = reason
        locked.step_due_on = selectors.step_due(today, DECIDE_WORKING_DAYS)
        locked.save()
        audit_record(
            actor=user,
            obj=locked,
            action="subsidy_application.second_refuse",
            before=before,
            after=application_state(locked),
            detail={"reason": reason},
        )
        _notify_next(locked)
    return locked


def _decide_without_grant(
    *,
    user: User,
    application: SubsidyApplication,
    action: str,
    reason: str,
    required: str,
    status: str,
) -> SubsidyApplication:
    if not (selectors.is_reviewer(user) or selectors.is_checker(user)):
        raise PermissionDenied(ERR_NOT_REVIEWER)
    reason = clean_text(reason, "reason", limit=REASON_MAX, multiline=True)
    if not reason:
        raise ValidationError({"reason": [required]})
    with transaction.atomic():
        locked = SubsidyApplication.objects.select_for_update().get(pk=application.pk)
        if (locked.status, action) not in TRANSITIONS:
            raise _bad_transition(locked)
        # The checker acts in the first check; the province from its decision on.
        if locked.status == ApplicationStatus.CHECKING:
            _check_checker(user, locked)
        else:
            _check_reviewer(user)
            if locked.checked_by_id is not None and locked.checked_by_id == user.pk:
                raise PermissionDenied(ERR_SAME_PERSON_CHECK)
        before = application_state(locked)
        if before["status"] == ApplicationStatus.CHECKING:
            locked.checked_by = user
            locked.checked_at = timezone.now()
            locked.check_opinion = reason
        else:
            locked.decided_by = user
            locked.decided_at = timezone.now()
        locked.status = status
        locked.decision_reason = reason
        locked.step_due_on = None
        locked.save()
        audit_record(
            actor=user,
            obj=locked,
            action=f"subsidy_application.{action}",
            before=before,
            after=application_state(locked),
            detail={"reason": reason},
        )
        _notify_next(locked)
    return locked


def application_return(
    *, user: User, application: SubsidyApplication, reason: str
) -> SubsidyApplication:
    """Send back for more material (the checker or the province); the applicant corrects and
    resubmits."""
    return _decide_without_grant(
        user=user,
        application=application,
        action="return",
        reason=reason,
        required=ERR_REASON_RETURN,
        status=ApplicationStatus.RETURNED,
    )


def application_reject(
    *, user: User, application: SubsidyApplication, reason: str
) -> SubsidyApplication:
    return _decide_without_grant(
        user=user,
        application=application,
        action="reject",
        reason=reason,
        required=ERR_REASON_REJECT,
        status=ApplicationStatus.REJECTED,
    )


# --------------------------------------------------------------------------- settlement


def settlement_create(
    *, user: User, period_from_on: dt.date, period_to_on: dt.date
) -> SettlementBatch:
    """Put every committed grant approved in the period into a new batch."""
    _check_reviewer(user)
    if period_to_on < period_from_on:
        raise ValidationError({"period_to_on": [ERR_PERIOD_ORDER]})
    with transaction.atomic():
        grants = list(
            Grant.objects.select_for_update()
            .filter(
                status=GrantStatus.COMMITTED,
                batch__isnull=True,
                approved_on__gte=period_from_on,
                approved_on__lte=period_to_on,
            )
            .order_by("id")
        )
        if not grants:
            raise ValidationError({"__all__": [ERR_EMPTY_PERIOD]})
        total = sum((g.amount for g in grants), Decimal("0.00"))
        batch = SettlementBatch.objects.create(
            period_from_on=period_from_on,
            period_to_on=period_to_on,
            total_amount=total,
            grant_count=len(grants),
            created_by=user,
        )
        Grant.objects.filter(pk__in=[g.pk for g in grants]).update(
            batch=batch, status=GrantStatus.IN_SETTLEMENT
        )
        batch.signoff_due_on = selectors.step_due(timezone.localdate(), SIGNOFF_WORKING_DAYS)
        batch.save(update_fields=["signoff_due_on"])
        notify(
            users=selectors.finance_reviewers(),
            kind="subsidy",
            title=f"结算批次 #{batch.pk}（{len(grants)} 笔，{total:,.2f} 元）待财政部门签核",
            body=f"签核时限：{batch.signoff_due_on.isoformat()}。",
            url=f"/subsidies/settlements/{batch.pk}/",
        )
        audit_record(
            actor=user,
            obj=batch,
            action="subsidy_settlement.create",
            after={
                "period_from_on": period_from_on,
                "period_to_on": period_to_on,
                "grants": [g.pk for g in grants],
                "total_amount": total,
            },
        )
    return batch


def _payment_ids(upload: UploadedFile) -> list[int]:
    """The 补助编号 of every sheet, read by the guarded reader (bounded rows and columns)."""
    ids: list[int] = []
    try:
        with xlsx.open_workbook(upload) as wb:
            for name in wb.sheetnames:
                column = None
                for row in wb.rows(name, max_rows=PAYMENT_MAX_ROWS, max_cols=PAYMENT_MAX_COLUMNS):
                    cells = ["" if c is None else str(c).strip() for c in row]
                    if column is None:
                        if "补助编号" in cells:
                            column = cells.index("补助编号")
                        continue
                    if cells[column]:
                        try:
                            ids.append(int(float(cells[column])))
                        except (ValueError, OverflowError):
                            continue
    except xlsx.WorkbookRefused as exc:
        message = ERR_PAYMENT_FILE if exc.code == "unreadable" else exc.message
        raise ValidationError({"file": [message]}) from None
    if not ids:
        raise ValidationError({"file": [ERR_PAYMENT_NO_IDS]})
    return sorted(set(ids))


def settlement_sign_off(
    *, user: User, batch: SettlementBatch, opinion: str = ""
) -> SettlementBatch:
    """The finance department signs the settlement list off: only then may it be paid."""
    if not selectors.is_finance(user):
        raise PermissionDenied(ERR_NOT_FINANCE)
    opinion = clean_text(opinion, "opinion", limit=REASON_MAX, multiline=True) or "同意拨付"
    with transaction.atomic():
        locked = SettlementBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status != BatchStatus.ISSUED:
            raise ValidationError({"__all__": [ERR_ALREADY_SIGNED]})
        before = {"status": locked.status}
        locked.status = BatchStatus.SIGNED_OFF
        locked.signed_off_by = user
        locked.signed_off_at = timezone.now()
        locked.signoff_opinion = opinion
        locked.save()
        audit_record(
            actor=user,
            obj=locked,
            action="subsidy_settlement.sign_off",
            before=before,
            after={"status": locked.status},
            detail={"opinion": opinion},
        )
        notify(
            users=[locked.created_by, *selectors.provincial_reviewers()],
            kind="subsidy",
            title=f"结算批次 #{locked.pk} 已经财政部门签核，可以拨付",
            body=opinion,
            url=f"/subsidies/settlements/{locked.pk}/",
        )
    return locked


def settlement_mark_paid(
    *, user: User, batch: SettlementBatch, upload: UploadedFile, paid_on: dt.date | None = None
) -> list[int]:
    """Mark the grants named in the returned payment file (.xlsx, a 补助编号 column) as paid —
    only once the finance department has signed the list off."""
    if not (selectors.is_reviewer(user) or selectors.is_finance(user)):
        raise PermissionDenied(ERR_NOT_SETTLER)
    if batch.status == BatchStatus.ISSUED:
        raise ValidationError({"__all__": [ERR_NOT_SIGNED_OFF]})
    try:
        check_upload(upload, XLSX_ONLY)
    except ValidationError as exc:
        if exc.code in ("type", "mismatch"):
            raise ValidationError({"file": [ERR_PAYMENT_FILE]}) from None
        raise ValidationError({"file": exc.messages}) from None
    ids = _payment_ids(upload)
    paid_on = paid_on or timezone.localdate()
    with transaction.atomic():
        locked = SettlementBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status == BatchStatus.PAID:
            raise ValidationError({"__all__": [ERR_BATCH_PAID]})
        if locked.status == BatchStatus.ISSUED:
            raise ValidationError({"__all__": [ERR_NOT_SIGNED_OFF]})
        mine = set(Grant.objects.filter(batch=locked).values_list("pk", flat=True))
        foreign = [i for i in ids if i not in mine]
        if foreign:
            raise ValidationError(
                {"file": [ERR_PAYMENT_FOREIGN.format(ids="、".join(str(i) for i in foreign))]}
            )
        newly = list(
            Grant.objects.select_for_update()
            .filter(batch=locked, pk__in=ids, status=GrantStatus.IN_SETTLEMENT)
            .values_list("pk", flat=True)
        )
        Grant.objects.filter(pk__in=newly).update(status=GrantStatus.PAID, paid_on=paid_on)
        before = {"status": locked.status}
        if not Grant.objects.filter(batch=locked).exclude(status=GrantStatus.PAID).exists():
            locked.status = BatchStatus.PAID
            locked.paid_at = timezone.now()
        else:
            locked.status = BatchStatus.PARTLY_PAID
        locked.save()
        audit_record(
            actor=user,
            obj=locked,
            action="subsidy_settlement.mark_paid",
            before=before,
            after={"status": locked.status},
            detail={"paid": sorted(newly), "paid_on": paid_on.isoformat()},
        )
    return sorted(newly)


# --------------------------------------------------------------------------- local measures
# 指引第七条（三）: prefectures and parks add their own measures to the catalogue.

ERR_NOT_LOCAL_AUTHOR = (
    "只有省科技厅审核员、州（市）科技局审核员或园区（聚集区）的机构管理员可以维护地方措施"
)
ERR_NOT_OWN_PARK = "州（市）科技局和园区只能维护本地区（本园区）的地方措施"
ERR_PREFECTURE = "请选择云南省内的州（市）"
ERR_PARK = "所选园区须为已通过审核的园区/聚集区机构"
ERR_PARK_PREFECTURE = "所选园区不在所选州（市）内（园区所在：{prefecture}）"
ERR_APPLICANT_TYPES = "申请主体类型无效"
ERR_AMOUNT_KIND = "请选择计算方式"
ERR_MONEY = "金额应为大于 0、最多两位小数的数字"
ERR_RATE = "比例应为大于 0、不超过 100 的百分数（最多两位小数）"
ERR_BASE = "按比例计算的措施须写明计算基数（如：实际到账额）"
ERR_LEVEL_CAPS = "按标准级别分级的措施须填写国际、国家、行业、地方标准四级上限"
ERR_NOT_FOR_KIND = "该计算方式不使用此项，请留空"
ERR_SCOPE_KIND = "限额范围类型无效"
ERR_SCOPE_AMOUNT = "累计上限和年度上限须填写金额"
ERR_SCOPE_NO_AMOUNT = "就高不就低和一次性范围不填写金额"
ERR_SCOPE_NO_KIND = "未选择限额范围类型，金额请留空"
ERR_HOLDING_YEARS = "持有年限应为 1–10 的整数"
ERR_DATES = "失效日期不能早于生效日期"
ERR_FIELDS_LOCKED = (
    "该措施已有 {count} 件奖补申请，不能改变其申请须填写的内容（计算方式、计算基数、"
    "限额范围的对象、条件）；可修改比例、金额、适用地区和有效期"
)
ERR_CATALOGUE = "措施数据不完整：{message}"
ERR_NOT_RESIDENT_MANAGER = "只有园区的机构管理员或主管部门审核员可以维护园区入驻单位"
ERR_RESIDENT_UNKNOWN = "未找到该统一社会信用代码的已审核机构"
ERR_RESIDENT_SELF = "园区本身无需登记为入驻单位"
ERR_RESIDENT_EXISTS = "该机构已登记为本园区入驻单位"
ERR_RESIDENT_MISSING = "该机构不是本园区的入驻单位"

LOCAL_TEXT_LIMITS = {"title": 100, "issuer": 200, "document": 300, "source_text": 5000, "base": 100}
LEVELS = ("international", "national", "industry", "local")
SCOPE_SLOTS = (1, 2)
MONEY_LIMIT = Decimal("1E12")


def is_park_admin(user: Visitor) -> bool:
    """The org_admin of an approved park_or_zone organisation (author of its park's measures)."""
    from zhuanhua.subsidies.choices import PARK_AUTHOR_ROLES, PARK_ORG_TYPE

    org = getattr(user, "organisation", None)
    return bool(
        user.is_authenticated
        and user.is_active
        and org is not None
        and org.org_type == PARK_ORG_TYPE
        and org.is_approved
        and user.has_role(*PARK_AUTHOR_ROLES)
    )


def can_author_local(user: Visitor) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and (
            selectors.is_reviewer(user)
            or selectors.is_prefecture_reviewer(user)
            or is_park_admin(user)
        )
    )


def can_edit_local(user: User, measure: Any) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if selectors.is_reviewer(user):
        return True
    if selectors.is_prefecture_reviewer(user):
        org = user.organisation
        return org is not None and measure.prefecture == org.prefecture
    return is_park_admin(user) and measure.park_id == user.organisation_id


def local_measure_state(lm: Any) -> dict[str, Any]:
    return {
        "code": lm.code,
        "title": lm.title,
        "issuer": lm.issuer,
        "document": lm.document,
        "prefecture": lm.prefecture,
        "park": lm.park_id,
        "applicant_types": list(lm.applicant_types),
        "amount_kind": lm.amount_kind,
        "base": lm.base,
        "rate": lm.rate,
        "item_cap_amount": lm.item_cap_amount,
        "fixed_amount": lm.fixed_amount,
        "level_caps": dict(lm.level_caps),
        "scopes": list(lm.scopes),
        "registered": lm.registered,
        "not_related_party": lm.not_related_party,
        "holding_period_years": lm.holding_period_years,
        "loss_confirmed": lm.loss_confirmed,
        "effective_from_on": lm.effective_from_on,
        "effective_to_on": lm.effective_to_on,
        "budget_per_year_amount": lm.budget_per_year_amount,
    }


def _positive_money(value: Any) -> Decimal | None:
    """A positive amount with at most two decimals, or None when it is not one."""
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        return None
    if (
        not amount.is_finite()
        or amount <= 0
        or amount >= MONEY_LIMIT
        or amount != amount.quantize(CENT)
    ):
        return None
    return amount.quantize(CENT)


def _clean_local(user: User, data: dict[str, Any]) -> dict[str, Any]:
    """Check a local measure's fields; raise one ValidationError naming every bad field."""
    from zhuanhua.subsidies.choices import (
        APPLICANT_TYPE_LABELS,
        PARK_ORG_TYPE,
        AmountKind,
        LocalScopeKind,
    )

    errors: dict[str, list[str]] = {}

    def fail(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    def blank(value: Any) -> bool:
        return value is None or str(value).strip() == ""

    def money(field: str, required: bool) -> Decimal | None:
        value = data.get(field)
        if blank(value):
            if required:
                fail(field, ERR_REQUIRED)
            return None
        amount = _positive_money(value)
        if amount is None:
            fail(field, ERR_MONEY)
        return amount

    clean: dict[str, Any] = {}
    for field, limit in LOCAL_TEXT_LIMITS.items():
        text = str(data.get(field) or "").strip()
        if field != "base" and not text:
            fail(field, ERR_REQUIRED)
        elif len(text) > limit:
            fail(field, ERR_TOO_LONG.format(limit=limit))
        clean[field] = text

    # The area: a park admin's measures are its own park's; a reviewer picks a prefecture and,
    # optionally, a park in it.
    park = None
    if is_park_admin(user) and not selectors.is_reviewer(user):
        park = user.organisation
        prefecture = park.prefecture if park is not None else ""
        if prefecture not in PREFECTURES:
            fail("prefecture", ERR_PREFECTURE)
    else:
        prefecture = str(data.get("prefecture") or "")
        bureau = user.organisation if selectors.is_prefecture_reviewer(user) else None
        if bureau is not None:
            # A prefecture bureau enters and manages its own prefecture's measures.
            prefecture = bureau.prefecture
            if not clean["issuer"]:
                clean["issuer"] = bureau.name
                errors.pop("issuer", None)
        if prefecture not in PREFECTURES:
            fail("prefecture", ERR_PREFECTURE)
        park_value = data.get("park")
        if not blank(park_value):
            park_id = getattr(park_value, "pk", park_value)
            park = (
                Organisation.objects.filter(pk=int(str(park_id))).first()
                if str(park_id).isdigit()
                else None
            )
            if park is None or park.org_type != PARK_ORG_TYPE or not park.is_approved:
                fail("park", ERR_PARK)
                park = None
            elif prefecture in PREFECTURES and park.prefecture != prefecture:
                fail("park", ERR_PARK_PREFECTURE.format(prefecture=park.prefecture_name))
    clean["prefecture"] = prefecture
    clean["park"] = park

    types = list(data.get("applicant_types") or [])
    if any(t not in APPLICANT_TYPE_LABELS for t in types):
        fail("applicant_types", ERR_APPLICANT_TYPES)
    clean["applicant_types"] = sorted(set(types))

    kind = data.get("amount_kind")
    if kind not in AmountKind.values:
        fail("amount_kind", ERR_AMOUNT_KIND)
    clean["amount_kind"] = kind
    uses = {
        "base": kind == AmountKind.RATED,
        "rate_percent": kind == AmountKind.RATED,
        "item_cap_amount": kind in (AmountKind.RATED, AmountKind.CAP),
        "fixed_amount": kind == AmountKind.FIXED,
    }
    for field, used in uses.items():
        if not used and not blank(data.get(field)):
            fail(field, ERR_NOT_FOR_KIND)
    clean["rate"] = None
    if kind == AmountKind.RATED:
        if not clean["base"]:
            fail("base", ERR_BASE)
        pct = data.get("rate_percent")
        try:
            rate = (Decimal(str(pct).strip()) / 100) if not blank(pct) else None
        except (InvalidOperation, ValueError):
            rate = None
        if (
            rate is None
            or not rate.is_finite()
            or not 0 < rate <= 1
            or rate != rate.quantize(Decimal("0.0001"))
        ):
            fail("rate_percent", ERR_RATE)
        else:
            clean["rate"] = rate.quantize(Decimal("0.0001"))
    else:
        clean["base"] = ""
    clean["item_cap_amount"] = (
        money("item_cap_amount", kind == AmountKind.CAP) if uses["item_cap_amount"] else None
    )
    clean["fixed_amount"] = money("fixed_amount", True) if uses["fixed_amount"] else None
    level_caps: dict[str, str] = {}
    for level in LEVELS:
        field = f"level_cap_{level}"
        if kind == AmountKind.BY_LEVEL:
            amount = money(field, False)
            if amount is not None:
                level_caps[level] = f"{amount:.2f}"
        elif not blank(data.get(field)):
            fail(field, ERR_NOT_FOR_KIND)
    if (
        kind == AmountKind.BY_LEVEL
        and len(level_caps) != len(LEVELS)
        and not any(f"level_cap_{lv}" in errors for lv in LEVELS)
    ):
        fail("level_cap_international", ERR_LEVEL_CAPS)
    clean["level_caps"] = level_caps

    scopes = []
    for slot in SCOPE_SLOTS:
        scope_kind = data.get(f"scope{slot}_kind") or ""
        amount_field = f"scope{slot}_amount"
        if not scope_kind:
            if not blank(data.get(amount_field)):
                fail(amount_field, ERR_SCOPE_NO_KIND)
            continue
        if scope_kind not in LocalScopeKind.values:
            fail(f"scope{slot}_kind", ERR_SCOPE_KIND)
            continue
        keys = ["applicant"]
        if data.get(f"scope{slot}_counterparty"):
            keys.append("counterparty")
        if data.get(f"scope{slot}_subject"):
            keys.append("subject")
        scope: dict[str, Any] = {"kind": scope_kind, "keys": keys}
        if scope_kind in (LocalScopeKind.CUMULATIVE, LocalScopeKind.ANNUAL):
            amount = money(amount_field, False)
            if blank(data.get(amount_field)):
                fail(amount_field, ERR_SCOPE_AMOUNT)
            elif amount is not None:
                scope["amount"] = f"{amount:.2f}"
        elif not blank(data.get(amount_field)):
            fail(amount_field, ERR_SCOPE_NO_AMOUNT)
        scopes.append(scope)
    clean["scopes"] = scopes

    for flag in ("registered", "not_related_party", "loss_confirmed"):
        clean[flag] = bool(data.get(flag))
    years = data.get("holding_period_years")
    clean["holding_period_years"] = None
    if not blank(years):
        try:
            number = int(str(years).strip())
        except ValueError:
            number = 0
        if not 1 <= number <= 10:
            fail("holding_period_years", ERR_HOLDING_YEARS)
        else:
            clean["holding_period_years"] = number

    start = data.get("effective_from_on")
    end = data.get("effective_to_on")
    for field, value in (("effective_from_on", start), ("effective_to_on", end)):
        if not blank(value) and not isinstance(value, dt.date):
            try:
                data[field] = dt.date.fromisoformat(str(value))
            except ValueError:
                fail(field, ERR_INPUT.format(message="日期格式应为 YYYY-MM-DD"))
    start, end = data.get("effective_from_on"), data.get("effective_to_on")
    if blank(start):
        fail("effective_from_on", ERR_REQUIRED)
    if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
        fail("effective_to_on", ERR_DATES)
    clean["effective_from_on"] = start if isinstance(start, dt.date) else None
    clean["effective_to_on"] = end if isinstance(end, dt.date) else None
    clean["budget_per_year_amount"] = money("budget_per_year_amount", False)
    if errors:
        raise ValidationError(errors)
    return clean


def local_measure_save(
    *,
    user: User,
    data: dict[str, Any],
    measure: Any = None,
) -> Any:
    """Add (``measure`` None) or edit a local measure. A department reviewer may write any
    prefecture's or park's measure; a park's org_admin only its own park's. The entry is checked
    by the engine's catalogue parser before it is saved, so the catalogue never breaks. Once
    applications exist under a measure, the fields its claims carry cannot change (their
    evaluation at approval must stay valid). Audited; the row is locked while edited."""
    import uuid

    from zhuanhua.subsidies import local
    from zhuanhua.subsidies.models import LocalMeasure

    if not can_author_local(user):
        raise PermissionDenied(ERR_NOT_LOCAL_AUTHOR)
    if measure is not None and not can_edit_local(user, measure):
        raise PermissionDenied(ERR_NOT_OWN_PARK)
    clean = _clean_local(user, dict(data))
    with transaction.atomic():
        if measure is None:
            lm = LocalMeasure(created_by=user, code=f"tmp-{uuid.uuid4().hex[:11]}")
            before = None
        else:
            lm = LocalMeasure.objects.select_for_update().get(pk=measure.pk)
            before = local_measure_state(lm)
            old_fields = selectors.measure_fields(local.parse_local(lm))
        for key, value in clean.items():
            setattr(lm, key, value)
        try:
            parsed = local.parse_local(lm, code=lm.code)
        except CatalogueError as exc:
            raise ValidationError({"__all__": [ERR_CATALOGUE.format(message=exc)]}) from None
        if measure is not None:
            count = SubsidyApplication.objects.filter(measure=lm.code).count()
            if count and selectors.measure_fields(parsed) != old_fields:
                raise ValidationError({"__all__": [ERR_FIELDS_LOCKED.format(count=count)]})
            lm.revision += 1
        lm.updated_by = user
        lm.save()
        if measure is None:
            lm.code = f"L{lm.prefecture[:4]}-{lm.pk:03d}"
            lm.save(update_fields=["code"])
        audit_record(
            actor=user,
            obj=lm,
            action="subsidy_local_measure.create"
            if measure is None
            else "subsidy_local_measure.update",
            before=before,
            after=local_measure_state(lm),
        )
    local.forget()
    return lm


def _check_resident_manager(user: User, park: Any) -> None:
    from zhuanhua.subsidies.choices import PARK_ORG_TYPE

    allowed = selectors.is_reviewer(user) or (
        is_park_admin(user) and user.organisation_id == park.pk
    )
    if not getattr(user, "is_authenticated", False) or not user.is_active or not allowed:
        raise PermissionDenied(ERR_NOT_RESIDENT_MANAGER)
    if park.org_type != PARK_ORG_TYPE or not park.is_approved:
        raise ValidationError({"park": [ERR_PARK]})


def park_resident_add(*, user: User, park: Any, uscc: str) -> Any:
    """The park (or a reviewer) registers an organisation as located in the park: its claims
    under the park's local measures are then in the area."""
    from zhuanhua.subsidies.models import ParkResident

    _check_resident_manager(user, park)
    code = str(uscc or "").strip().upper()
    org = Organisation.objects.filter(uscc=code, status="approved").first() if code else None
    if org is None:
        raise ValidationError({"uscc": [ERR_RESIDENT_UNKNOWN]})
    if org.pk == park.pk:
        raise ValidationError({"uscc": [ERR_RESIDENT_SELF]})
    with transaction.atomic():
        Organisation.objects.select_for_update().get(pk=park.pk)
        if ParkResident.objects.filter(park=park, organisation=org).exists():
            raise ValidationError({"uscc": [ERR_RESIDENT_EXISTS]})
        row = ParkResident.objects.create(park=park, organisation=org, added_by=user)
        audit_record(
            actor=user,
            obj=row,
            action="subsidy_park_resident.add",
            after={"park": park.pk, "organisation": org.pk, "uscc": org.uscc},
        )
    return row


def park_resident_remove(*, user: User, park: Any, organisation_id: int) -> None:
    from zhuanhua.subsidies.models import ParkResident

    _check_resident_manager(user, park)
    with transaction.atomic():
        row = (
            ParkResident.objects.select_for_update()
            .filter(park=park, organisation_id=organisation_id)
            .first()
        )
        if row is None:
            raise ValidationError({"organisation": [ERR_RESIDENT_MISSING]})
        audit_record(
            actor=user,
            obj=row,
            action="subsidy_park_resident.remove",
            before={"park": park.pk, "organisation": organisation_id},
        )
        row.delete()


# --------------------------------------------------------------------------- venture investments
# The VC firm's register (投资台账): measures 13-1 and 13-2 read their facts from it.

ERR_NOT_VC = "只有已通过审核的创业投资机构的经办人可以维护投资台账"
ERR_NOT_OWN_INVESTMENT = "只能修改本机构的投资台账"
ERR_USCC = "统一社会信用代码应为 18 位"
ERR_LOSS_BOTH = "投资损失额和确认日期须同时填写"
ERR_LOSS_ABOVE = "投资损失额不能超过实缴投资额"
ERR_FUTURE = "日期不能晚于今天"


def can_keep_investments(user: Visitor) -> bool:
    return (
        selectors.can_apply(user)
        and getattr(getattr(user, "organisation", None), "org_type", "") == "venture_capital"
    )


def investment_save(
    *, user: User, data: dict[str, Any], investment: VentureInvestment | None = None
) -> VentureInvestment:
    """Add or correct an investment of the user's VC firm; audited with before and after."""
    if not can_keep_investments(user):
        raise PermissionDenied(ERR_NOT_VC)
    if investment is not None and investment.investor_id != user.organisation_id:
        raise PermissionDenied(ERR_NOT_OWN_INVESTMENT)
    errors: dict[str, list[str]] = {}
    name = clean_text(data.get("investee_name"), "investee_name", limit=200)
    uscc = str(data.get("investee_uscc") or "").strip().upper()
    if not name:
        errors["investee_name"] = [ERR_REQUIRED]
    if len(uscc) != 18:
        errors["investee_uscc"] = [ERR_USCC]
    amount = _positive_money(data.get("invested_amount"))
    if amount is None:
        errors["invested_amount"] = [ERR_MONEY]
    paid_in = data.get("paid_in_on")
    today = timezone.localdate()
    if not isinstance(paid_in, dt.date):
        errors["paid_in_on"] = [ERR_REQUIRED]
    elif paid_in > today:
        errors["paid_in_on"] = [ERR_FUTURE]
    loss_raw, loss_on = data.get("loss_amount"), data.get("loss_confirmed_on")
    loss = None if loss_raw in (None, "") else _positive_money(loss_raw)
    if loss_raw not in (None, "") and loss is None:
        errors["loss_amount"] = [ERR_MONEY]
    if (loss is None) != (loss_on in (None, "")) and "loss_amount" not in errors:
        errors["loss_confirmed_on"] = [ERR_LOSS_BOTH]
    if loss is not None and amount is not None and loss > amount:
        errors["loss_amount"] = [ERR_LOSS_ABOVE]
    if isinstance(loss_on, dt.date) and loss_on > today:
        errors["loss_confirmed_on"] = [ERR_FUTURE]
    basis = clean_text(data.get("loss_basis"), "loss_basis", limit=300)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if investment is None:
            row = VentureInvestment(investor=user.organisation, recorded_by=user)
            before = None
        else:
            row = VentureInvestment.objects.select_for_update().get(pk=investment.pk)
            before = _investment_state(row)
        row.investee_name = name
        row.investee_uscc = uscc
        row.investee = Organisation.objects.filter(uscc=uscc).first()
        row.invested_amount = amount  # type: ignore[assignment]
        row.paid_in_on = paid_in  # type: ignore[assignment]
        row.loss_amount = loss
        row.loss_confirmed_on = loss_on or None
        row.loss_basis = basis
        row.save()
        audit_record(
            actor=user,
            obj=row,
            action="subsidy_investment.create" if before is None else "subsidy_investment.update",
            before=before,
            after=_investment_state(row),
        )
    return row


def _investment_state(row: VentureInvestment) -> dict[str, Any]:
    return {
        "investee_name": row.investee_name,
        "investee_uscc": row.investee_uscc,
        "invested_amount": row.invested_amount,
        "paid_in_on": row.paid_in_on,
        "loss_amount": row.loss_amount,
        "loss_confirmed_on": row.loss_confirmed_on,
        "loss_basis": row.loss_basis,
    }
