"""Writes for subsidies: submit and resubmit applications, review decisions, settlement.

Every write checks the user's role and the record's state, locks, saves and audits in one
transaction. An approval locks the applicant's organisation row first: every scope of every
measure is keyed on the applicant, so holding that lock while the engine re-runs against all of
the applicant's grants means no two approvals can both consume the same cap.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from zhuanhua.audit.services import audit_record
from zhuanhua.core.uploads import check_upload
from zhuanhua.engines.common import CENT, InputError, money_str
from zhuanhua.engines.subsidy import REASON_LABELS
from zhuanhua.organisations.models import Organisation
from zhuanhua.subsidies import selectors
from zhuanhua.subsidies.choices import (
    TRANSITIONS,
    ApplicationStatus,
    BatchStatus,
    EvidenceKind,
    GrantStatus,
)
from zhuanhua.subsidies.models import Grant, SettlementBatch, SubsidyApplication, SubsidyEvidence

ERR_NOT_APPLICANT = "只有已通过审核的申请单位经办人可以提交奖补申请"
ERR_NOT_OWN = "只能修改本单位的奖补申请"
ERR_NOT_REVIEWER = "只有主管部门审核员可以审核奖补申请"
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
ERR_TOO_LONG = "不能超过 {limit} 个字"
ERR_PERIOD_ORDER = "结束日期不能早于开始日期"
ERR_EMPTY_PERIOD = "该期间内没有待结算的已批准补助"
ERR_PAYMENT_FILE = "无法读取拨付回执，请上传 .xlsx 文件"
ERR_PAYMENT_NO_IDS = "拨付回执中没有找到“补助编号”列或补助编号"
ERR_PAYMENT_FOREIGN = "以下补助编号不属于本批次：{ids}"
ERR_BATCH_PAID = "该批次已全部拨付"

REASON_MAX = 1000
DESCRIPTION_MAX = 5000
XLSX_ONLY = {".xlsx": {"application/zip",
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}}

# Fields an application must carry when its measure uses them.
REQUIRED_WHEN_USED = ("counterparty", "subject", "level", "base_amount", "paid_in_on")
CLAIM_FIELDS = ("base_amount", "requested_amount", "counterparty", "subject", "level",
                "registered", "related_party", "paid_in_on", "loss_confirmed")
ENGINE_FIELD = {"base": "base_amount", "requested": "requested_amount",
                "paid_in_date": "paid_in_on", "counterparty": "counterparty",
                "subject": "subject", "level": "level"}


def _bad_transition(app: SubsidyApplication) -> ValidationError:
    return ValidationError({"status": [ERR_BAD_TRANSITION.format(status=app.get_status_display())]})


def application_state(app: SubsidyApplication) -> dict[str, Any]:
    return {
        "measure": app.measure, "status": app.status, "applicant": app.applicant_id,
        "claim_on": app.claim_on,
        **{f: getattr(app, f) for f in CLAIM_FIELDS},
        "engine_amount": app.engine_amount, "approved_amount": app.approved_amount,
        "decision_reason": app.decision_reason,
    }


def _text(value: Any, limit: int) -> str:
    text = str(value or "").strip()
    if len(text) > limit:
        raise ValidationError({"reason": [ERR_TOO_LONG.format(limit=limit)]})
    return text


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
    *, org: Any, measure: str, data: dict[str, Any], today: dt.date,
    applicant_type: str | None = None,
) -> Any:
    """The engine's result for the claim an organisation (or an anonymous visitor, org None,
    with an applicant_type) would make today, against the organisation's earlier grants."""
    claim = selectors.build_claim(
        measure=measure, applicant_key=str(org.pk) if org is not None else "visitor",
        applicant_type=applicant_type or selectors.applicant_type_of(org), claim_on=today,
        data=data, region=(getattr(org, "prefecture", "") or "")[:4],
    )
    try:
        return selectors.evaluate_one(claim, selectors.prior_grants_of(org))
    except InputError as exc:
        field = ENGINE_FIELD.get(exc.path.rsplit(".", 1)[-1], "__all__")
        raise ValidationError({field: [ERR_INPUT.format(message=exc.message)]}) from None


def _check_eligible(result: Any) -> None:
    reasons = [r for r in result.reasons if r != "case_by_case"]
    if not result.eligible or reasons:
        raise ValidationError({"__all__": [ERR_INELIGIBLE.format(
            reasons="；".join(REASON_LABELS.get(r, r) for r in reasons))]})
    if "case_by_case" not in result.reasons and result.granted <= 0:
        raise ValidationError({"__all__": [ERR_NOTHING_LEFT]})


def _check_uploads(uploads: list[tuple[str, UploadedFile]]) -> list[str]:
    shas = []
    for _kind, upload in uploads:
        try:
            shas.append(check_upload(upload))
        except ValidationError as exc:
            raise ValidationError({"evidence": exc.messages}) from None
    return shas


def _store_evidence(user: Any, app: SubsidyApplication, uploads: list[tuple[str, UploadedFile]],
                    shas: list[str]) -> None:
    for (kind, upload), sha in zip(uploads, shas, strict=True):
        ev = SubsidyEvidence(
            application=app, kind=kind if kind in EvidenceKind.values else EvidenceKind.OTHER,
            original_name=(upload.name or "file")[:200], size=upload.size or 0,
            content_type=getattr(upload, "content_type", "") or "", sha256=sha, uploaded_by=user,
        )
        ev.file.save(upload.name or "file", upload, save=False)
        ev.save()
        audit_record(actor=user, obj=ev, action="subsidy_evidence.upload",
                     after={"application": app.pk, "name": ev.original_name, "sha256": sha})


def _apply_result(app: SubsidyApplication, result: Any) -> None:
    app.engine_amount = result.granted
    app.engine_entitlement_amount = result.entitlement
    app.engine_binding = list(result.binding)
    app.engine_reasons = list(result.reasons)
    app.engine_explanation = list(result.explanation)
    app.case_by_case = "case_by_case" in result.reasons
    app.catalogue_version = selectors.catalogue().version


def application_submit(
    *, user: Any, measure: str, data: dict[str, Any],
    uploads: list[tuple[str, UploadedFile]] | None = None, today: dt.date | None = None,
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
            applicant=org, measure=measure, applicant_type=selectors.applicant_type_of(org),
            claim_on=today, description=description,
            contract_ref=str(data.get("contract_ref") or "").strip()[:100],
            submitted_by=user, submitted_at=timezone.now(), **claim_data,
        )
        _apply_result(app, result)
        app.save()
        audit_record(actor=user, obj=app, action="subsidy_application.submit",
                     after=application_state(app),
                     detail={"engine_amount": money_str(result.granted),
                             "binding": list(result.binding)})
        _store_evidence(user, app, uploads, shas)
    return app


def application_resubmit(
    *, user: Any, application: SubsidyApplication, data: dict[str, Any],
    uploads: list[tuple[str, UploadedFile]] | None = None, today: dt.date | None = None,
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
        locked.status = ApplicationStatus.SUBMITTED
        locked.submitted_at = timezone.now()
        _apply_result(locked, result)
        locked.save()
        audit_record(actor=user, obj=locked, action="subsidy_application.resubmit",
                     before=before, after=application_state(locked))
        _store_evidence(user, locked, uploads, shas)
    return locked


# --------------------------------------------------------------------------- review

def _check_reviewer(user: Any) -> None:
    if not selectors.is_reviewer(user):
        raise PermissionDenied(ERR_NOT_REVIEWER)


def application_approve(
    *, user: Any, application: SubsidyApplication, amount: Decimal | None = None,
    reason: str = "", today: dt.date | None = None,
) -> Grant:
    """Approve at most the engine's amount, re-computed under the applicant's lock against all
    of its grants; less than that needs a reason. M7-4 (一事一议) takes the reviewer's amount and
    a reason. Records the grant in the same transaction."""
    _check_reviewer(user)
    reason = _text(reason, REASON_MAX)
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
        if selectors.credit_active(org):
            raise ValidationError({"__all__": [ERR_CREDIT_APPROVE]})
        result = selectors.evaluate_application(locked)
        if locked.case_by_case:
            if amount is None:
                raise ValidationError({"amount": [ERR_AMOUNT_REQUIRED]})
            if not reason:
                raise ValidationError({"reason": [ERR_REASON_CASE]})
            ceiling = None
        else:
            ceiling = result.granted
            if ceiling <= 0:
                raise ValidationError({"amount": [ERR_NOTHING_LEFT_APPROVE]})
            if amount is None:
                amount = ceiling
            if amount > ceiling:
                raise ValidationError({"amount": [ERR_ABOVE_ENGINE.format(max=f"{ceiling:,.2f}")]})
            if amount < ceiling and not reason:
                raise ValidationError({"reason": [ERR_REASON_LESS]})
        before = application_state(locked)
        locked.status = ApplicationStatus.APPROVED
        locked.approved_amount = amount
        locked.decision_reason = reason
        locked.decided_by = user
        locked.decided_at = timezone.now()
        locked.save()
        grant = Grant.objects.create(
            application=locked, applicant=org, measure=locked.measure,
            counterparty=locked.counterparty, subject=locked.subject,
            granted_on=locked.claim_on, approved_on=today, amount=amount,
        )
        less = ceiling is not None and amount < ceiling
        audit_record(
            actor=user, obj=locked,
            action="subsidy_application.approve_less" if less else "subsidy_application.approve",
            before=before, after=application_state(locked),
            detail={"grant": grant.pk, "amount": money_str(amount),
                    "engine_amount": money_str(ceiling) if ceiling is not None else None,
                    "binding": list(result.binding), "reason": reason},
        )
    return grant


def _decide_without_grant(
    *, user: Any, application: SubsidyApplication, action: str, reason: str, required: str,
    status: str,
) -> SubsidyApplication:
    _check_reviewer(user)
    reason = _text(reason, REASON_MAX)
    if not reason:
        raise ValidationError({"reason": [required]})
    with transaction.atomic():
        locked = SubsidyApplication.objects.select_for_update().get(pk=application.pk)
        if (locked.status, action) not in TRANSITIONS:
            raise _bad_transition(locked)
        before = application_state(locked)
        locked.status = status
        locked.decision_reason = reason
        locked.decided_by = user
        locked.decided_at = timezone.now()
        locked.save()
        audit_record(actor=user, obj=locked, action=f"subsidy_application.{action}",
                     before=before, after=application_state(locked), detail={"reason": reason})
    return locked


def application_return(*, user: Any, application: SubsidyApplication, reason: str
                       ) -> SubsidyApplication:
    """Send back for more material; the applicant corrects and resubmits."""
    return _decide_without_grant(user=user, application=application, action="return",
                                 reason=reason, required=ERR_REASON_RETURN,
                                 status=ApplicationStatus.RETURNED)


def application_reject(*, user: Any, application: SubsidyApplication, reason: str
                       ) -> SubsidyApplication:
    return _decide_without_grant(user=user, application=application, action="reject",
                                 reason=reason, required=ERR_REASON_REJECT,
                                 status=ApplicationStatus.REJECTED)


# --------------------------------------------------------------------------- settlement

def settlement_create(
    *, user: Any, period_from_on: dt.date, period_to_on: dt.date
) -> SettlementBatch:
    """Put every committed grant approved in the period into a new batch."""
    _check_reviewer(user)
    if period_to_on < period_from_on:
        raise ValidationError({"period_to_on": [ERR_PERIOD_ORDER]})
    with transaction.atomic():
        grants = list(
            Grant.objects.select_for_update().filter(
                status=GrantStatus.COMMITTED, batch__isnull=True,
                approved_on__gte=period_from_on, approved_on__lte=period_to_on,
            ).order_by("id")
        )
        if not grants:
            raise ValidationError({"__all__": [ERR_EMPTY_PERIOD]})
        total = sum((g.amount for g in grants), Decimal("0.00"))
        batch = SettlementBatch.objects.create(
            period_from_on=period_from_on, period_to_on=period_to_on, total_amount=total,
            grant_count=len(grants), created_by=user,
        )
        Grant.objects.filter(pk__in=[g.pk for g in grants]).update(
            batch=batch, status=GrantStatus.IN_SETTLEMENT)
        audit_record(actor=user, obj=batch, action="subsidy_settlement.create",
                     after={"period_from_on": period_from_on, "period_to_on": period_to_on,
                            "grants": [g.pk for g in grants], "total_amount": total})
    return batch


def _payment_ids(upload: UploadedFile) -> list[int]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(upload, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 – any unreadable workbook is the same answer to the user
        raise ValidationError({"file": [ERR_PAYMENT_FILE]}) from None
    ids: list[int] = []
    try:
        for ws in wb.worksheets:
            column = None
            for row in ws.iter_rows(values_only=True):
                cells = ["" if c is None else str(c).strip() for c in row]
                if column is None:
                    if "补助编号" in cells:
                        column = cells.index("补助编号")
                    continue
                if column < len(cells) and cells[column]:
                    try:
                        ids.append(int(float(cells[column])))
                    except ValueError:
                        continue
    finally:
        wb.close()
    if not ids:
        raise ValidationError({"file": [ERR_PAYMENT_NO_IDS]})
    return sorted(set(ids))


def settlement_mark_paid(
    *, user: Any, batch: SettlementBatch, upload: UploadedFile, paid_on: dt.date | None = None
) -> list[int]:
    """Mark the grants named in the returned payment file (.xlsx, a 补助编号 column) as paid."""
    _check_reviewer(user)
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
        mine = set(Grant.objects.filter(batch=locked).values_list("pk", flat=True))
        foreign = [i for i in ids if i not in mine]
        if foreign:
            raise ValidationError({"file": [ERR_PAYMENT_FOREIGN.format(
                ids="、".join(str(i) for i in foreign))]})
        newly = list(Grant.objects.select_for_update().filter(
            batch=locked, pk__in=ids, status=GrantStatus.IN_SETTLEMENT).values_list("pk", flat=True))
        Grant.objects.filter(pk__in=newly).update(status=GrantStatus.PAID, paid_on=paid_on)
        before = {"status": locked.status}
        if not Grant.objects.filter(batch=locked).exclude(status=GrantStatus.PAID).exists():
            locked.status = BatchStatus.PAID
            locked.paid_at = timezone.now()
        else:
            locked.status = BatchStatus.PARTLY_PAID
        locked.save()
        audit_record(actor=user, obj=locked, action="subsidy_settlement.mark_paid",
                     before=before, after={"status": locked.status},
                     detail={"paid": sorted(newly), "paid_on": paid_on.isoformat()})
    return sorted(newly)
