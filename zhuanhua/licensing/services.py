"""Writes of the licensing app: offers, inquiries, messages, term versions, acceptance,
revenue reports, payments, the idempotent API replay. Each write checks who acts, locks what it
changes, saves and audits in one transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, TypeGuard

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from zhuanhua.accounts.choices import ACHIEVEMENT_EDITOR_ROLES, Role
from zhuanhua.accounts.http import Visitor
from zhuanhua.accounts.models import User
from zhuanhua.achievements.choices import AchievementStatus, TransferStatus
from zhuanhua.achievements.consent import consent_check_for_publish
from zhuanhua.achievements.models import Achievement
from zhuanhua.achievements.services import (
    achievement_lock,
    achievement_log_search,
    achievement_mark_transferred,
)
from zhuanhua.audit.services import audit_record
from zhuanhua.core.inputs import clean_date, clean_money
from zhuanhua.core.labels import yuan
from zhuanhua.core.uploads import check_upload
from zhuanhua.engines import distribution
from zhuanhua.engines import licensing as engine
from zhuanhua.licensing import deals, modes, notices, pricing
from zhuanhua.licensing import terms as terms_mod
from zhuanhua.licensing.choices import (
    LICENSEE_ROLES,
    SIGNED_LICENCE_STATES,
    ClaimStatus,
    ContractType,
    CoverKind,
    DealKind,
    FeeModel,
    InquiryStatus,
    LicenceStatus,
    LicenseMode,
    PricingMethod,
    ShareRole,
    Side,
)
from zhuanhua.licensing.imports import PaymentRow, ReportRow
from zhuanhua.licensing.models import (
    ContractRegistration,
    DistributionPlan,
    EvaluationReport,
    IdempotencyKey,
    Inquiry,
    Licence,
    LicenceAlert,
    LicenceOffer,
    Message,
    MilestoneAchievement,
    Payment,
    RevenueReport,
    RiskClaim,
    RiskCover,
    ShareRegistration,
    SignedContract,
    TermVersion,
)
from zhuanhua.notifications.choices import NotificationKind
from zhuanhua.notifications.services import notify
from zhuanhua.organisations.choices import OrganisationType
from zhuanhua.publicity import selectors as publicity_selectors
from zhuanhua.vouchers.services import voucher_spend

ERR_NOT_OWNER_EDITOR = "只有成果所属单位的成果管理员或机构管理员可以发布许可报价"
ERR_NOT_PUBLISHED = "只有已发布的成果可以发布先使用后付费许可报价"
ERR_NOT_LICENSEE = "只有已通过审核的企业（或其他经营主体）的被许可方经办人或机构管理员可以承接成果"
ERR_OWN_ACHIEVEMENT = "不能承接本单位的成果"
ERR_OFFER_INACTIVE = "该许可报价已失效"
ERR_INQUIRY_EXISTS = "本单位已就该成果发起承接意向，请在原商洽中继续"
ERR_NOT_PARTY = "只有商洽双方的经办人员可以执行该操作"
ERR_INQUIRY_CLOSED = "商洽已结束（{status}），不能再执行该操作"
ERR_NO_VERSION = "尚无可接受的条款版本"
ERR_NOT_LATEST = "只能接受最新的条款版本（当前为第 {number} 版）"
ERR_OWN_VERSION = "不能接受本方提出的条款版本，须由对方接受"
ERR_REQUIRED = "此项为必填项"
ERR_CHOICE = "无效的选项"
ERR_TERM_MONTHS = "许可期限应为 1–600 个月"
ERR_MESSAGE_EMPTY = "消息内容不能为空"
ERR_NOT_LICENSEE_PARTY = "只有被许可方的经办人员可以报送收入"
ERR_NOT_LICENSOR_PARTY = "只有许可方的成果管理员或机构管理员可以登记付款"
ERR_LICENCE_CLOSED = "许可已终止，不能再登记"
ERR_NO_ROYALTY = "该许可的费用模式不含收入提成，无需报送收入"
ERR_BAD_PERIOD = "报告期间必须是许可的提成期间之一"
ERR_PERIOD_NOT_ENDED = "该期间尚未结束（{end}），期间结束后方可报送"
ERR_DUPLICATE_REPORT = "该期间已报送过收入"
ERR_FUTURE_DATE = "日期不能晚于今天"
ERR_BEFORE_LICENCE_START = "日期不能早于许可起始日（{start}）"
ERR_PAYMENT_POSITIVE = "付款金额必须大于 0"
ERR_IDEMPOTENCY_CONFLICT = "该 Idempotency-Key 已用于另一内容不同的请求"
ERR_UNKNOWN_MILESTONE = "条款中没有名为“{key}”的里程碑"
ERR_MILESTONE_RECORDED = "该里程碑已登记达成"
ERR_MILESTONE_AFTER_END = "里程碑达成日期不能晚于许可提前终止日（{date}）"
ERR_NOT_LICENCE_PARTY = "只有许可双方的经办人员可以登记里程碑"
ERR_NOT_ACTIVATOR = "只有许可方的成果管理员或机构管理员可以登记合同签订"
ERR_BAD_LICENCE_STATUS = "当前状态（{status}）不能执行该操作"
ERR_SIGNED_PDF_REQUIRED = "请上传双方已签字盖章的合同扫描件（PDF）"
ERR_SIGNED_PDF_TYPE = "已签合同须为 PDF 文件"
ERR_AGREEMENT_NOT_PUBLICISED = (
    "协议定价的许可须先在平台公示成果名称和拟交易价格（促进科技成果转化法第十八条），"
    "公示期满且异议均已答复后方可登记合同签订"
)
ERR_NOT_PRICER = "只有许可方的成果管理员或机构管理员可以设置定价方式"
ERR_PRICING_LOCKED = "合同已签订，定价方式不能再修改"
ERR_NOT_REGISTRAR = "只有许可方的成果管理员或机构管理员可以登记技术合同认定登记"
ERR_NOT_SIGNED = "须先登记合同签订，方可登记技术合同认定登记"
ERR_ALREADY_REGISTERED = "该合同已办理技术合同认定登记"
ERR_REG_NUMBER_TAKEN = "该登记编号已被使用"
ERR_TECH_INCOME_GT = "技术性收入不能大于成交额"
ERR_REG_BEFORE_SIGN = "登记日期不能早于合同签订日期"
ERR_NOT_PROVIDER = "只有已通过审核的担保机构或保险机构的机构管理员可以提供风险分担保障"
ERR_COVER_EXISTS = "本机构已为该许可提供保障"
ERR_SHARE = "分担比例应大于 0 且不超过 100%"
ERR_LIMIT_POSITIVE = "保障限额必须大于 0"
ERR_COVER_DATES = "保障终止日不能早于起始日"
ERR_NOT_CLAIM_HANDLER = "只有提供该保障的机构管理员可以处理理赔"
ERR_CLAIM_HANDLED = "该理赔已处理"
ERR_RESOLUTION_EMPTY = "请填写处理结果"
ERR_NOT_DISTRIBUTOR = "只有许可方的成果管理员或机构管理员可以登记收益分配方案"
ERR_NO_SHARES = "请至少填写一项分配"
ERR_SHARE_NAME = "第 {n} 项分配：请填写姓名或名称"
ERR_SHARE_ROLE = "第 {n} 项分配：无效的分配对象类型"
ERR_INCOME_EXCEEDS = "分配的收入（{income} 元）超过尚未分配的到账金额（{left} 元）"
ERR_INCOME_POSITIVE = "收入金额必须大于 0"
ERR_COVER_LICENCE_NOT_FOUND = "未找到该许可：请核对许可编号与被许可方统一社会信用代码"
ERR_DISTRIBUTIONS_HIDDEN = "收益分配方案仅许可方和主管部门可见"
ERR_VOUCHER_OVER_PAYMENT = "其中以创新券支付的金额不能大于本次到账金额"
ERR_VOUCHER_NOT_REGISTERED = (
    "以创新券支付许可使用费须先办理技术合同认定登记：创新券不超过登记成交额的 50%，"
    "且不超过被许可方本年度剩余的创新券额度"
)
# The spend subject type of a licence in the vouchers app (licensing/voucher_subjects.py).
LICENCE_SUBJECT = "licensing.licence"

LICENSEE_ORG_TYPES = {
    OrganisationType.ENTERPRISE,
    OrganisationType.STATE_ENTERPRISE,
    OrganisationType.OTHER,
}
LIVE_LICENCE_STATES = {LicenceStatus.DRAFT_CONTRACT, LicenceStatus.ACTIVE}
# Reports, payments and reversals go on after a licence ended: what was earned stays owed.
MONEY_LICENCE_STATES = LIVE_LICENCE_STATES | {LicenceStatus.TERMINATED, LicenceStatus.EXPIRED}


class IdempotencyConflict(Exception):
    """The key was used before with another request body (HTTP 409)."""


# --------------------------------------------------------------------------------------------
# Who acts for whom


def _authenticated(user: Visitor) -> TypeGuard[User]:
    return user.is_authenticated and user.is_active


def is_licensor_editor(user: Visitor, org_id: int) -> bool:
    return _authenticated(user) and user.organisation_id == org_id and user.can_edit_achievements


def is_licensee_agent(user: Visitor, org_id: int | None = None) -> TypeGuard[User]:
    """A person who may act for an approved enterprise taking a licence."""
    if not _authenticated(user) or user.organisation is None:
        return False
    org = user.organisation
    if org_id is not None and org.pk != org_id:
        return False
    return org.is_approved and org.org_type in LICENSEE_ORG_TYPES and user.has_role(*LICENSEE_ROLES)


def side_of(user: Visitor, inquiry: Inquiry) -> str | None:
    """The side ``user`` may act for in ``inquiry`` (None: an onlooker or nobody)."""
    if is_licensor_editor(user, inquiry.licensor_id):
        return Side.LICENSOR
    if is_licensee_agent(user, inquiry.licensee_id):
        return Side.LICENSEE
    return None


def _require_side(user: User, inquiry: Inquiry) -> str:
    side = side_of(user, inquiry)
    if side is None:
        raise PermissionDenied(ERR_NOT_PARTY)
    return side


# --------------------------------------------------------------------------------------------
# Offers


def offer_state(offer: LicenceOffer) -> dict[str, Any]:
    return {
        "achievement": offer.achievement_id,
        "deal_kind": offer.deal_kind,
        "summary": offer.summary,
        "fee_standard": offer.fee_standard,
        "fee_model": offer.fee_model,
        "terms": offer.terms,
        "license_mode": offer.license_mode,
        "term_months": offer.term_months,
        "field_of_use": offer.field_of_use,
        "territory": offer.territory,
        "is_active": offer.is_active,
    }


def _clean_offer(data: dict[str, Any], today: dt.date) -> dict[str, Any]:
    kind = str(data.get("deal_kind") or DealKind.LICENSE)
    if kind not in DealKind.values:
        raise ValidationError({"deal_kind": [ERR_CHOICE]})
    if kind == DealKind.EQUITY_CONTRIBUTION:
        return _clean_equity_offer(data, today)
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {"deal_kind": kind}
    for name in ("summary", "fee_standard"):
        value = str(data.get(name) or "").strip()
        if not value:
            errors.setdefault(name, []).append(ERR_REQUIRED)
        cleaned[name] = value
    for name in ("field_of_use", "territory"):
        cleaned[name] = str(data.get(name) or "").strip()[:200]
    fee_model = str(data.get("fee_model") or "")
    if fee_model not in FeeModel.values:
        errors.setdefault("fee_model", []).append(ERR_CHOICE if fee_model else ERR_REQUIRED)
    license_mode = data.get("license_mode") or ""
    if kind == DealKind.ASSIGNMENT:
        license_mode = ""  # the right itself changes hands
        if fee_model in FeeModel.values:
            try:
                deals.check_assignment_fee_model(fee_model)
            except ValidationError as exc:
                errors.setdefault("fee_model", []).extend(exc.messages)
    elif license_mode not in LicenseMode.values:
        errors.setdefault("license_mode", []).append(ERR_CHOICE if license_mode else ERR_REQUIRED)
    try:
        term_months = int(data.get("term_months"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        term_months = 0
    if not 1 <= term_months <= 600:
        errors.setdefault("term_months", []).append(ERR_TERM_MONTHS)
    if errors:
        raise ValidationError(errors)
    cleaned.update(fee_model=fee_model, license_mode=license_mode, term_months=term_months)
    cleaned["terms"] = terms_mod.clean_offer_terms(
        data.get("terms"), fee_model=fee_model, term_months=term_months, today=today
    )
    return cleaned


def _clean_equity_offer(data: dict[str, Any], today: dt.date) -> dict[str, Any]:
    """An equity listing: its summary and the valuation terms (deals.clean_equity_terms); no
    fee model, licence mode or term."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {"deal_kind": DealKind.EQUITY_CONTRIBUTION}
    for name in ("summary", "fee_standard"):
        value = str(data.get(name) or "").strip()
        if not value:
            errors.setdefault(name, []).append(ERR_REQUIRED)
        cleaned[name] = value
    try:
        cleaned["terms"] = deals.clean_equity_terms(
            data.get("terms"), with_start=False, today=today
        )
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    cleaned.update(fee_model="", license_mode="", term_months=0, field_of_use="", territory="")
    return cleaned


def offer_publish(
    *,
    user: User,
    achievement: Achievement,
    data: dict[str, Any],
    evaluation_report: UploadedFile | None = None,
) -> LicenceOffer:
    """Publish the listing of an achievement (``data["deal_kind"]``: a 先使用后付费 licence by
    default, an assignment or an equity contribution, deals.py); it replaces the active one, if
    any. An equity listing needs its 资产评估报告 (PDF)."""
    if not is_licensor_editor(user, achievement.owner_id):
        raise PermissionDenied(ERR_NOT_OWNER_EDITOR)
    cleaned = _clean_offer(data, timezone.localdate())
    report_sha = ""
    if cleaned["deal_kind"] == DealKind.EQUITY_CONTRIBUTION:
        if evaluation_report is None:
            raise ValidationError({"evaluation_report": [deals.ERR_EVALUATION_PDF]})
        try:
            report_sha = check_upload(evaluation_report, PDF_ONLY)
        except ValidationError as exc:
            message = deals.ERR_EVALUATION_PDF if exc.code == "type" else exc.messages[0]
            raise ValidationError({"evaluation_report": [message]}) from None
    with transaction.atomic():
        locked = achievement_lock(achievement.pk)
        if locked.status != AchievementStatus.PUBLISHED:
            raise ValidationError({"achievement": [ERR_NOT_PUBLISHED]})
        # Guide 7(1): the completers were asked; all agreed or the unit gave its reason.
        consent_check_for_publish(
            user=user,
            achievement=locked,
            purpose=str(data.get("deal_kind") or "license"),
            override_reason=str(data.get("consent_override_reason") or ""),
        )
        previous = list(
            LicenceOffer.objects.select_for_update().filter(achievement=locked, is_active=True)
        )
        for old in previous:
            old.is_active = False
            old.save(update_fields=["is_active"])
            audit_record(
                actor=user,
                obj=old,
                action="licence_offer.supersede",
                before={"is_active": True},
                after={"is_active": False},
            )
        offer = LicenceOffer.objects.create(achievement=locked, created_by=user, **cleaned)
        if evaluation_report is not None and report_sha:
            stored = EvaluationReport(
                offer=offer,
                original_name=(evaluation_report.name or "evaluation.pdf")[:200],
                content_type="application/pdf",
                size=evaluation_report.size or 0,
                sha256=report_sha,
                uploaded_by=user,
            )
            stored.file.save(f"evaluation-{offer.pk}.pdf", evaluation_report, save=False)
            stored.save()
        audit_record(
            actor=user,
            obj=offer,
            action="licence_offer.publish",
            after={**offer_state(offer), "evaluation_report_sha256": report_sha or None},
        )
        if offer.deal_kind == DealKind.LICENSE:
            _mark_use_first_terms(user=user, achievement=locked)
        # The offer's fee model is part of the achievement's search document (matching reasons).
        achievement_log_search(locked)
    return offer


# Called in offer_publish's transaction once the offer is saved, with the user and the locked
# achievement. Transfer registers its 先用后转 mark here (TransferConfig.ready()): transfer reads
# licences, so licensing importing transfer would close a cycle.
OFFER_PUBLISHED_HOOKS: list[Callable[..., Any]] = []


def _mark_use_first_terms(*, user: User, achievement: Achievement) -> None:
    """An achievement on the 先用后转 list now carries use-first-pay-later terms: tell the
    transfer app (its service is idempotent and audits the first time only)."""
    for hook in OFFER_PUBLISHED_HOOKS:
        hook(user=user, achievement=achievement)


# --------------------------------------------------------------------------------------------
# Inquiries, messages, versions, acceptance


def inquiry_open(*, user: User, offer: LicenceOffer, message: str = "") -> Inquiry:
    """ "我要承接": an enterprise opens the negotiation on an active offer."""
    if not is_licensee_agent(user) or user.organisation_id is None:
        raise PermissionDenied(ERR_NOT_LICENSEE)
    if user.organisation_id == offer.achievement.owner_id:
        raise PermissionDenied(ERR_OWN_ACHIEVEMENT)
    with transaction.atomic():
        offer = (
            LicenceOffer.objects.select_for_update().select_related("achievement").get(pk=offer.pk)
        )
        if not offer.is_active or offer.achievement.status != AchievementStatus.PUBLISHED:
            raise ValidationError({"offer": [ERR_OFFER_INACTIVE]})
        if Inquiry.objects.filter(
            offer=offer, licensee_id=user.organisation_id, status=InquiryStatus.OPEN
        ).exists():
            raise ValidationError({"offer": [ERR_INQUIRY_EXISTS]})
        inquiry = Inquiry.objects.create(
            offer=offer,
            licensor_id=offer.achievement.owner_id,
            licensee_id=user.organisation_id,
            opened_by=user,
        )
        if message.strip():
            Message.objects.create(
                inquiry=inquiry, side=Side.LICENSEE, author=user, body=message.strip()
            )
        audit_record(
            actor=user,
            obj=inquiry,
            action="inquiry.open",
            after={"offer": offer.pk, "licensee": inquiry.licensee_id},
        )
        notices.inquiry_opened(inquiry=inquiry, actor=user, message=message)
    return inquiry


def _lock_open(inquiry: Inquiry) -> Inquiry:
    locked = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
    if locked.status != InquiryStatus.OPEN:
        raise ValidationError(
            {"status": [ERR_INQUIRY_CLOSED.format(status=locked.get_status_display())]}
        )
    return locked


def message_post(*, user: User, inquiry: Inquiry, body: str) -> Message:
    side = _require_side(user, inquiry)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": [ERR_MESSAGE_EMPTY]})
    with transaction.atomic():
        locked = _lock_open(inquiry)
        message = Message.objects.create(inquiry=locked, side=side, author=user, body=body[:5000])
        locked.save(update_fields=["updated_at"])
        audit_record(
            actor=user,
            obj=message,
            action="inquiry.message",
            detail={"inquiry": locked.pk, "side": side},
        )
        notices.message_posted(message=message)
    return message


def version_propose(*, user: User, inquiry: Inquiry, terms: Any, note: str = "") -> TermVersion:
    """A new full version of the terms, validated by the engine, numbered after the last."""
    side = _require_side(user, inquiry)
    cleaned = clean_version_terms(inquiry.offer.deal_kind, terms)
    with transaction.atomic():
        locked = _lock_open(inquiry)
        last = locked.versions.order_by("-number").first()
        version = TermVersion.objects.create(
            inquiry=locked,
            number=(last.number + 1) if last else 1,
            side=side,
            proposed_by=user,
            terms=cleaned,
            note=(note or "").strip()[:500],
        )
        locked.save(update_fields=["updated_at"])
        audit_record(
            actor=user,
            obj=version,
            action="inquiry.propose",
            before=last.terms if last else None,
            after=cleaned,
            detail={"inquiry": locked.pk, "number": version.number, "side": side},
        )
        notices.version_proposed(version=version)
    return version


def clean_version_terms(kind: str, terms: Any) -> dict[str, Any]:
    """A version's terms by the deal's kind: the engine's (an assignment's fee model staged) or
    an equity deal's valuation terms (deals.py)."""
    if kind == DealKind.EQUITY_CONTRIBUTION:
        return deals.clean_equity_terms(terms, with_start=True, today=timezone.localdate())
    cleaned = terms_mod.clean_version_terms(terms)
    if kind == DealKind.ASSIGNMENT:
        deals.check_assignment_fee_model(cleaned["fee_model"])
    return cleaned


def inquiry_withdraw(*, user: User, inquiry: Inquiry, reason: str = "") -> Inquiry:
    """Either side ends an open negotiation: the versions not accepted fall with it, and the
    other side is told. The enterprise may open a new inquiry on the offer later."""
    side = _require_side(user, inquiry)
    reason = (reason or "").strip()[:500]
    with transaction.atomic():
        locked = _lock_open(inquiry)
        locked.status = InquiryStatus.WITHDRAWN
        locked.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=user,
            obj=locked,
            action="inquiry.withdraw",
            before={"status": InquiryStatus.OPEN},
            after={"status": InquiryStatus.WITHDRAWN},
            detail={"side": side, "reason": reason},
        )
        notices.inquiry_withdrawn(inquiry=locked, actor=user, side=side, reason=reason)
    return locked


def version_accept(*, user: User, inquiry: Inquiry, number: int) -> Licence:
    """Accept the other side's latest version: the inquiry closes and the licence is drafted."""
    side = _require_side(user, inquiry)
    with transaction.atomic():
        locked = _lock_open(inquiry)
        latest = locked.versions.order_by("-number").first()
        if latest is None:
            raise ValidationError({"version": [ERR_NO_VERSION]})
        if latest.number != number:
            raise ValidationError({"version": [ERR_NOT_LATEST.format(number=latest.number)]})
        if latest.side == side:
            raise PermissionDenied(ERR_OWN_VERSION)
        offer = locked.offer
        locked.status = InquiryStatus.ACCEPTED
        locked.save(update_fields=["status", "updated_at"])
        start = dt.date.fromisoformat(latest.terms["start"])
        licence = Licence.objects.create(
            inquiry=locked,
            accepted_version=latest,
            achievement_id=offer.achievement_id,
            deal_kind=offer.deal_kind,
            licensor_id=locked.licensor_id,
            licensee_id=locked.licensee_id,
            fee_model=latest.terms.get("fee_model", ""),
            license_mode=offer.license_mode,
            terms=latest.terms,
            start=start,
            # An equity agreement has no term: it takes effect on ``start`` (deals.py).
            end=dt.date.fromisoformat(latest.terms["end"]) if "end" in latest.terms else start,
        )
        # Issue 20.6–7: no room beside an exclusive licence; a negotiated price is 协议定价.
        achievement_lock(offer.achievement_id)
        check_deal_room(licence)
        if pricing.is_negotiated(licence):
            licence.pricing_method = PricingMethod.AGREEMENT
            licence.save(update_fields=["pricing_method"])
        audit_record(
            actor=user,
            obj=locked,
            action="inquiry.accept",
            before={"status": InquiryStatus.OPEN},
            after={"status": InquiryStatus.ACCEPTED},
            detail={"version": latest.number, "side": side},
        )
        audit_record(actor=user, obj=licence, action="licence.create", after=licence_state(licence))
        notices.version_accepted(licence=licence, actor=user, side=side)
    return licence


# --------------------------------------------------------------------------------------------
# The licence


def check_deal_room(licence: Licence) -> None:
    """A licence's mode against signed licences (modes.py); an assignment or equity deal
    against a signed one (deals.py). The caller holds the achievement's lock."""
    if licence.deal_kind == DealKind.LICENSE:
        modes.licence_check_mode(licence)
    else:
        deals.check_no_transfer_signed(licence)


def licence_state(licence: Licence) -> dict[str, Any]:
    return {
        "deal_kind": licence.deal_kind,
        "licensor": licence.licensor_id,
        "licensee": licence.licensee_id,
        "achievement": licence.achievement_id,
        "terms": licence.terms,
        "license_mode": licence.license_mode,
        "status": licence.status,
        "signed_on": licence.signed_on.isoformat() if licence.signed_on else None,
    }


def licence_set_pricing_method(*, user: User, licence: Licence, pricing_method: str) -> Licence:
    """The licensor states how the price was set (agreement / listing / auction) before signing."""
    if not is_licensor_editor(user, licence.licensor_id):
        raise PermissionDenied(ERR_NOT_PRICER)
    if pricing_method not in PricingMethod.values:
        raise ValidationError({"pricing_method": [ERR_CHOICE]})
    with transaction.atomic():
        locked = Licence.objects.select_for_update().get(pk=licence.pk)
        if locked.status != LicenceStatus.DRAFT_CONTRACT:
            raise ValidationError({"pricing_method": [ERR_PRICING_LOCKED]})
        changes = pricing.negotiated_changes(locked)
        if changes and pricing_method != PricingMethod.AGREEMENT:
            raise ValidationError(
                {
                    "pricing_method": [
                        pricing.ERR_PRICING_NEGOTIATED.format(fields="、".join(changes))
                    ]
                }
            )
        before = locked.pricing_method
        if before != pricing_method:
            locked.pricing_method = pricing_method
            locked.save(update_fields=["pricing_method"])
            audit_record(
                actor=user,
                obj=locked,
                action="licence.pricing_method",
                before={"pricing_method": before},
                after={"pricing_method": pricing_method},
            )
    return locked


def agreement_price_ok(licence: Licence) -> bool:
    """An agreement-priced deal needs its publicity notice closed without open objections."""
    if licence.pricing_method != PricingMethod.AGREEMENT:
        return True

    return publicity_selectors.agreement_price_cleared(
        achievement=licence.achievement, licensee=licence.licensee
    )


PDF_ONLY = {".pdf": {"application/pdf"}}


def _mark_achievement_licensed(*, user: User, licence: Licence) -> None:
    """Keep the achievement's 转化状态 in step with a signed deal through the registry's own
    service: a licence moves an untransferred or self-implemented record to ``licensed``; an
    assignment to ``transferred``, an equity deal to ``equity_contributed`` (from licensed
    too). No delisting: the record stays published with its new status, and the 先用后转 job
    takes it off the list (it only keeps untransferred results)."""
    kind = licence.deal_kind
    achievement_mark_transferred(
        user=user,
        achievement_id=licence.achievement_id,
        status=deals.SIGNED_TRANSFER_STATUS.get(kind, TransferStatus.LICENSED),
        on=licence.signed_on,
        replaces=deals.REPLACES.get(kind, deals.REPLACES[DealKind.LICENSE]),
        detail={"licence": licence.pk, "deal_kind": kind},
    )


def licence_activate(
    *, user: User, licence: Licence, signed_on: dt.date | str, signed_pdf: UploadedFile | None
) -> Licence:
    """The licensor records the signed contract (article 6(3)): date and the signed PDF.

    An agreement-priced deal is refused until its publicity notice has cleared.
    """
    if not is_licensor_editor(user, licence.licensor_id):
        raise PermissionDenied(ERR_NOT_ACTIVATOR)
    signed_on = _past_date(signed_on, "signed_on")
    if signed_pdf is None:
        raise ValidationError({"signed_pdf": [ERR_SIGNED_PDF_REQUIRED]})
    try:
        sha = check_upload(signed_pdf, PDF_ONLY)
    except ValidationError as exc:
        message = ERR_SIGNED_PDF_TYPE if exc.code == "type" else exc.messages[0]
        raise ValidationError({"signed_pdf": [message]}) from None
    with transaction.atomic():
        locked = (
            Licence.objects.select_for_update()
            .select_related("achievement", "licensee")
            .get(pk=licence.pk)
        )
        if locked.status != LicenceStatus.DRAFT_CONTRACT:
            raise ValidationError(
                {"status": [ERR_BAD_LICENCE_STATUS.format(status=locked.get_status_display())]}
            )
        # The terms decide 协议定价 (pricing.py), whatever was stated; then the publicity gate.
        locked.pricing_method = pricing.pricing_method_for(locked)
        if not agreement_price_ok(locked):
            raise ValidationError({"pricing_method": [ERR_AGREEMENT_NOT_PUBLICISED]})
        achievement_lock(locked.achievement_id)
        check_deal_room(locked)
        before = licence_state(locked)
        locked.status = LicenceStatus.ACTIVE
        locked.signed_on = signed_on
        locked.save(update_fields=["status", "signed_on", "pricing_method"])
        stored = SignedContract(
            licence=locked,
            original_name=(signed_pdf.name or "contract.pdf")[:200],
            content_type="application/pdf",
            size=signed_pdf.size or 0,
            sha256=sha,
            uploaded_by=user,
        )
        stored.file.save(f"signed-{locked.pk}.pdf", signed_pdf, save=False)
        stored.save()
        audit_record(
            actor=user,
            obj=locked,
            action="licence.activate",
            before=before,
            after={**licence_state(locked), "signed_pdf_sha256": sha},
        )
        _mark_achievement_licensed(user=user, licence=locked)
        if locked.deal_kind == DealKind.LICENSE:
            modes.offer_close_after_exclusive(user=user, licence=locked)
        else:
            _offer_close_after_transfer(user=user, licence=locked)
        notices.licence_signed(licence=locked, actor=user)
    return locked


def _offer_close_after_transfer(*, user: User, licence: Licence) -> None:
    """An assignment or equity deal signed: the right has left the unit, so the achievement's
    active listing (of any kind) leaves the hall. Called in the signing transaction."""
    for offer in LicenceOffer.objects.select_for_update().filter(
        achievement_id=licence.achievement_id, is_active=True
    ):
        offer.is_active = False
        offer.save(update_fields=["is_active"])
        audit_record(
            actor=user,
            obj=offer,
            action="licence_offer.close_transferred",
            before={"is_active": True},
            after={"is_active": False},
            detail={"licence": licence.pk, "deal_kind": licence.deal_kind},
        )


# --------------------------------------------------------------------------------------------
# Shares of an equity deal (作价投资)

ERR_NOT_EQUITY = "只有作价投资可以登记股权"
ERR_NOT_SHARE_RECORDER = "只有出资方的成果管理员或机构管理员可以登记股权"
ERR_SHARES_NOT_SIGNED = "须先登记协议签订，方可登记股权"
ERR_SHARES_RECORDED = "该作价投资已登记股权"
ERR_EQUITY_NO_PAYMENTS = "作价投资以股权作价，不登记付款，请登记股权（工商变更登记）"


def share_state(reg: ShareRegistration) -> dict[str, Any]:
    return {
        "licence": reg.licence_id,
        "company_name": reg.company_name,
        "company_uscc": reg.company_uscc,
        "shares": str(reg.shares),
        "share_percent": str(reg.share_percent),
        "value_amount": str(reg.value_amount),
        "registered_on": reg.registered_on.isoformat(),
    }


def share_register(
    *,
    user: User,
    licence: Licence,
    shares: Any = None,
    share_percent: Any = None,
    registered_on: Any,
) -> ShareRegistration:
    """The unit records the shares an equity deal gave it, once the company's 工商变更登记 is
    done: the shares and percentage (the agreed ones unless given), the registration date (not
    before signing, not in the future). The company's other party is told."""
    if not is_licensor_editor(user, licence.licensor_id):
        raise PermissionDenied(ERR_NOT_SHARE_RECORDER)
    if licence.deal_kind != DealKind.EQUITY_CONTRIBUTION:
        raise ValidationError({"licence": [ERR_NOT_EQUITY]})
    terms = licence.terms
    count = _money(terms["shares"] if shares in (None, "") else shares, "shares")
    if not count:
        raise ValidationError({"shares": [deals.ERR_SHARES_POSITIVE]})
    raw_percent = terms["share_percent"] if share_percent in (None, "") else share_percent
    try:
        fraction = deals._percent_fraction(raw_percent)
    except ValidationError:
        raise ValidationError({"share_percent": [deals.ERR_SHARE_PERCENT]}) from None
    with transaction.atomic():
        locked = Licence.objects.select_for_update().get(pk=licence.pk)
        if locked.status not in SIGNED_LICENCE_STATES or locked.signed_on is None:
            raise ValidationError({"status": [ERR_SHARES_NOT_SIGNED]})
        day = clean_date(
            registered_on,
            "registered_on",
            past=True,
            not_before=locked.signed_on,
            not_before_what="协议签订日期",
        )
        assert day is not None
        if ShareRegistration.objects.filter(licence=locked).exists():
            raise ValidationError({"licence": [ERR_SHARES_RECORDED]})
        reg = ShareRegistration.objects.create(
            licence=locked,
            company_name=terms["company_name"],
            company_uscc=terms["company_uscc"],
            shares=count,
            share_percent=fraction,
            value_amount=Decimal(str(terms["valuation_amount"])),
            registered_on=day,
            recorded_by=user,
        )
        audit_record(actor=user, obj=reg, action="licence.shares", after=share_state(reg))
        notices.shares_registered(registration=reg, actor=user)
    return reg


# --------------------------------------------------------------------------------------------
# 技术合同认定登记


def registration_state(reg: ContractRegistration) -> dict[str, Any]:
    return {
        "licence": reg.licence_id,
        "contract_type": reg.contract_type,
        "registration_number": reg.registration_number,
        "registry": reg.registry,
        "registered_on": reg.registered_on.isoformat(),
        "transaction_amount": str(reg.transaction_amount),
        "technical_income_amount": str(reg.technical_income_amount),
    }


def registration_record(
    *, user: User, licence: Licence, data: dict[str, Any]
) -> ContractRegistration:
    """The licensor records the contract's 认定登记 (once per signed contract)."""
    if not is_licensor_editor(user, licence.licensor_id):
        raise PermissionDenied(ERR_NOT_REGISTRAR)
    errors: dict[str, list[str]] = {}
    contract_type = data.get("contract_type") or ""
    if contract_type not in ContractType.values:
        errors["contract_type"] = [ERR_CHOICE if contract_type else ERR_REQUIRED]
    number = str(data.get("registration_number") or "").strip()[:64]
    registry = str(data.get("registry") or "").strip()[:200]
    if not number:
        errors["registration_number"] = [ERR_REQUIRED]
    if not registry:
        errors["registry"] = [ERR_REQUIRED]
    cleaned: dict[str, Any] = {}
    for name, check in (
        ("registered_on", _past_date),
        ("transaction_amount", _money),
        ("technical_income_amount", _money),
    ):
        try:
            cleaned[name] = check(data.get(name), name)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    if cleaned["technical_income_amount"] > cleaned["transaction_amount"]:
        raise ValidationError({"technical_income_amount": [ERR_TECH_INCOME_GT]})
    with transaction.atomic():
        locked = Licence.objects.select_for_update().get(pk=licence.pk)
        if locked.status != LicenceStatus.ACTIVE or locked.signed_on is None:
            raise ValidationError({"status": [ERR_NOT_SIGNED]})
        if cleaned["registered_on"] < locked.signed_on:
            raise ValidationError({"registered_on": [ERR_REG_BEFORE_SIGN]})
        if ContractRegistration.objects.filter(licence=locked).exists():
            raise ValidationError({"status": [ERR_ALREADY_REGISTERED]})
        if ContractRegistration.objects.filter(registration_number=number).exists():
            raise ValidationError({"registration_number": [ERR_REG_NUMBER_TAKEN]})
        try:
            with transaction.atomic():
                reg = ContractRegistration.objects.create(
                    licence=locked,
                    contract_type=contract_type,
                    registration_number=number,
                    registry=registry,
                    recorded_by=user,
                    **cleaned,
                )
        except IntegrityError:
            raise ValidationError({"registration_number": [ERR_REG_NUMBER_TAKEN]}) from None
        audit_record(
            actor=user, obj=reg, action="licence.registration", after=registration_state(reg)
        )
        notices.licence_registered(registration=reg, actor=user)
    return reg


# --------------------------------------------------------------------------------------------
# Risk sharing (article 7(2))

PROVIDER_KINDS: dict[str, CoverKind] = {
    OrganisationType.GUARANTOR: CoverKind.GUARANTEE,
    OrganisationType.INSURER: CoverKind.INSURANCE,
}


def is_cover_provider(user: Visitor, org_id: int | None = None) -> bool:
    if not _authenticated(user) or user.organisation is None:
        return False
    org = user.organisation
    if org_id is not None and org.pk != org_id:
        return False
    return org.is_approved and org.org_type in PROVIDER_KINDS and user.has_role(Role.ORG_ADMIN)


def _share(value: Any) -> Decimal:
    try:
        share = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({"share": [ERR_SHARE]}) from None
    if (
        not share.is_finite()
        or not Decimal(0) < share <= Decimal(1)
        or share != share.quantize(Decimal("0.0001"))
    ):
        raise ValidationError({"share": [ERR_SHARE]})
    return share


def cover_attach(
    *, user: User, licence: Licence, share: Any, limit_amount: Any, starts_on: Any, ends_on: Any
) -> RiskCover:
    """A guarantor or insurer attaches cover (share of the loss, limit, term) to a licence."""
    provider = user.organisation
    if provider is None or not is_cover_provider(user):
        raise PermissionDenied(ERR_NOT_PROVIDER)
    value = _share(share)
    limit = _money(limit_amount, "limit_amount")
    if not limit:
        raise ValidationError({"limit_amount": [ERR_LIMIT_POSITIVE]})
    dates = {}
    for name, raw in (("starts_on", starts_on), ("ends_on", ends_on)):
        if isinstance(raw, str):
            try:
                raw = dt.date.fromisoformat(raw)
            except ValueError:
                raise ValidationError({name: ["日期格式应为 YYYY-MM-DD"]}) from None
        if not isinstance(raw, dt.date):
            raise ValidationError({name: [ERR_REQUIRED]})
        dates[name] = raw
    if dates["ends_on"] < dates["starts_on"]:
        raise ValidationError({"ends_on": [ERR_COVER_DATES]})
    with transaction.atomic():
        locked = _lock_live(licence)
        if RiskCover.objects.filter(licence=locked, provider=provider).exists():
            raise ValidationError({"licence": [ERR_COVER_EXISTS]})
        cover = RiskCover.objects.create(
            licence=locked,
            provider=provider,
            kind=PROVIDER_KINDS[provider.org_type],
            share=value,
            limit_amount=limit,
            created_by=user,
            **dates,
        )
        audit_record(
            actor=user,
            obj=cover,
            action="licence.cover",
            after={
                "licence": locked.pk,
                "provider": cover.provider_id,
                "kind": cover.kind,
                "share": str(value),
                "limit_amount": str(limit),
                "starts_on": dates["starts_on"].isoformat(),
                "ends_on": dates["ends_on"].isoformat(),
            },
        )
    return cover


def claims_open_for_alert(*, alert: LicenceAlert, today: dt.date) -> list[RiskClaim]:
    """A default-risk alert opens one claim per cover in force on ``today`` (the job calls
    this inside the alert's transaction; the system actor)."""
    if alert.code != engine.ALERT_DEFAULT_RISK:
        return []
    claims = []
    covers = RiskCover.objects.filter(
        licence_id=alert.licence_id, starts_on__lte=today, ends_on__gte=today
    )
    for cover in covers:
        claim, created = RiskClaim.objects.get_or_create(
            cover=cover, alert=alert, defaults={"opened_on": today, "obligation_ref": alert.ref}
        )
        if created:
            audit_record(
                actor=None,
                obj=claim,
                action="licence.claim_open",
                after={"cover": cover.pk, "alert": alert.pk, "opened_on": today.isoformat()},
            )
            claims.append(claim)
    return claims


def claim_handle(*, user: User, claim: RiskClaim, resolution: str) -> RiskClaim:
    """The provider closes a claim (open → handled) with what it did."""
    if not is_cover_provider(user, claim.cover.provider_id):
        raise PermissionDenied(ERR_NOT_CLAIM_HANDLER)
    resolution = (resolution or "").strip()
    if not resolution:
        raise ValidationError({"resolution": [ERR_RESOLUTION_EMPTY]})
    with transaction.atomic():
        locked = RiskClaim.objects.select_for_update().get(pk=claim.pk)
        if locked.status != ClaimStatus.OPEN:
            raise ValidationError({"status": [ERR_CLAIM_HANDLED]})
        locked.status = ClaimStatus.HANDLED
        locked.handled_on = timezone.localdate()
        locked.handled_by = user
        locked.resolution = resolution[:5000]
        locked.save(update_fields=["status", "handled_on", "handled_by", "resolution"])
        audit_record(
            actor=user,
            obj=locked,
            action="licence.claim_handle",
            before={"status": ClaimStatus.OPEN},
            after={"status": ClaimStatus.HANDLED, "resolution": locked.resolution},
        )
    return locked


# --------------------------------------------------------------------------------------------
# Income distribution (measure 6)


def distribution_record(
    *,
    user: User,
    licence: Licence,
    income_amount: Any,
    costs: list[dict[str, Any]],
    shares: list[dict[str, Any]],
    staff_reward_chosen: bool = False,
) -> DistributionPlan:
    """The unit's plan for licence income received: net income split among researchers,
    transfer staff and the unit. Amounts must add up; floors only warn (saved with the plan)."""
    if not is_licensor_editor(user, licence.licensor_id):
        raise PermissionDenied(ERR_NOT_DISTRIBUTOR)
    income = _money(income_amount, "income_amount")
    if not income:
        raise ValidationError({"income_amount": [ERR_INCOME_POSITIVE]})
    clean_costs: list[dict[str, Any]] = []
    for i, row in enumerate(costs or []):
        label = str(row.get("label") or "").strip()[:200]
        if not label and row.get("amount") in (None, ""):
            continue
        if not label:
            raise ValidationError({"costs": [f"第 {i + 1} 项成本：请填写名称"]})
        clean_costs.append({"label": label, "amount": _money(row.get("amount"), "costs")})
    net = distribution.net_income(income, [c["amount"] for c in clean_costs])
    if net < 0:
        raise ValidationError({"costs": [distribution.ERR_NEGATIVE_NET]})
    clean_shares = []
    for i, row in enumerate(shares or []):
        name = str(row.get("name") or "").strip()[:100]
        if not name and row.get("amount") in (None, ""):
            continue
        if not name:
            raise ValidationError({"shares": [ERR_SHARE_NAME.format(n=i + 1)]})
        if row.get("role") not in ShareRole.values:
            raise ValidationError({"shares": [ERR_SHARE_ROLE.format(n=i + 1)]})
        clean_shares.append(
            {"name": name, "role": row["role"], "amount": _money(row.get("amount"), "shares")}
        )
    if not clean_shares:
        raise ValidationError({"shares": [ERR_NO_SHARES]})
    totals = {
        role: sum((s["amount"] for s in clean_shares if s["role"] == role), Decimal(0))
        for role in ShareRole.values
    }
    total = sum(totals.values(), Decimal(0))
    if total != net:
        raise ValidationError({"shares": [distribution.ERR_SUM.format(total=total, net=net)]})
    with transaction.atomic():
        locked = Licence.objects.select_for_update().get(pk=licence.pk)
        received = distributable_amount(locked)
        distributed = sum((d.income_amount for d in locked.distributions.all()), Decimal(0))
        left = received - distributed
        if income > left:
            raise ValidationError(
                {"income_amount": [ERR_INCOME_EXCEEDS.format(income=income, left=left)]}
            )
        reg = ContractRegistration.objects.filter(licence=locked).first()
        findings = distribution.check_distribution(
            net=net,
            researcher=totals[ShareRole.RESEARCHER],
            transfer_staff=totals[ShareRole.TRANSFER_STAFF],
            unit=totals[ShareRole.UNIT],
            contract_type=reg.contract_type if reg else None,
            registered=reg is not None,
            staff_reward_chosen=bool(staff_reward_chosen),
        )
        plan = DistributionPlan.objects.create(
            licence=locked,
            income_amount=income,
            costs=[{"label": c["label"], "amount": str(c["amount"])} for c in clean_costs],
            net_income_amount=net,
            shares=[{**s, "amount": str(s["amount"])} for s in clean_shares],
            staff_reward_chosen=bool(staff_reward_chosen),
            warnings=[{"code": f.code, "message": f.message} for f in findings],
            recorded_on=timezone.localdate(),
            recorded_by=user,
        )
        audit_record(
            actor=user,
            obj=plan,
            action="licence.distribution",
            after={
                "licence": locked.pk,
                "income_amount": str(income),
                "net_income_amount": str(net),
                "costs": plan.costs,
                "shares": plan.shares,
                "warnings": plan.warnings,
            },
        )
    return plan


def distributable_amount(licence: Licence) -> Decimal:
    """The income a distribution plan may split: money received (not reversed) under a licence
    or an assignment; under an equity deal, the value of the shares once registered (作价投资的
    股权收益, measure 6)."""
    if licence.deal_kind == DealKind.EQUITY_CONTRIBUTION:
        reg = ShareRegistration.objects.filter(licence=licence).first()
        return reg.value_amount if reg else Decimal(0)
    return sum((p.amount for p in licence.payments.all() if p.reversed_on is None), Decimal(0))


def _money(value: Any, field: str) -> Decimal:
    """Non-negative yuan (core.inputs: finite, two decimals, within the 17-digit columns)."""
    amount = clean_money(value, field)
    assert amount is not None  # required
    return amount


def _past_date(value: Any, field: str) -> dt.date:
    date = clean_date(value, field, past=True)
    assert date is not None  # required
    return date


def _licence_date(value: Any, field: str, licence: Licence) -> dt.date:
    """A past date on or after the licence's start: a payment, report or milestone of the
    licence cannot precede it."""
    date = _past_date(value, field)
    if date < licence.start:
        raise ValidationError({field: [ERR_BEFORE_LICENCE_START.format(start=licence.start)]})
    return date


def royalty_periods(licence: Licence) -> list[tuple[dt.date, dt.date]]:
    """The licence's reporting periods, from the engine (empty without royalties)."""
    royalty = licence.terms.get("royalty")
    if not royalty:
        return []
    # Ended early, the periods stop at terminated_on (the last one clipped there).
    last = licence.terminated_on or licence.end
    return engine.royalty_periods(licence.start, last, royalty["period"])


def _lock_live(licence: Licence, states: set[LicenceStatus] = LIVE_LICENCE_STATES) -> Licence:
    locked = Licence.objects.select_for_update().get(pk=licence.pk)
    if locked.status not in states:
        raise ValidationError({"status": [ERR_LICENCE_CLOSED]})
    return locked


def revenue_report_file(
    *,
    user: User,
    licence: Licence,
    period_start: Any,
    revenue_amount: Any,
    reported_on: Any = None,
) -> RevenueReport:
    """The licensee reports its revenue of one ended royalty period (once per period)."""
    if not is_licensee_agent(user, licence.licensee_id):
        raise PermissionDenied(ERR_NOT_LICENSEE_PARTY)
    amount = _money(revenue_amount, "revenue_amount")
    reported = _licence_date(reported_on or timezone.localdate(), "reported_on", licence)
    start = _past_date(period_start, "period_start") if period_start else None
    periods = dict(royalty_periods(licence))
    if not periods:
        raise ValidationError({"period_start": [ERR_NO_ROYALTY]})
    if start not in periods:
        raise ValidationError({"period_start": [ERR_BAD_PERIOD]})
    end = periods[start]
    if end >= reported:
        raise ValidationError({"period_start": [ERR_PERIOD_NOT_ENDED.format(end=end)]})
    with transaction.atomic():
        locked = _lock_live(licence, MONEY_LICENCE_STATES)
        if RevenueReport.objects.filter(licence=locked, period_start=start).exists():
            raise ValidationError({"period_start": [ERR_DUPLICATE_REPORT]})
        try:
            with transaction.atomic():
                report = RevenueReport.objects.create(
                    licence=locked,
                    period_start=start,
                    period_end=end,
                    revenue_amount=amount,
                    reported_on=reported,
                    reported_by=user,
                )
        except IntegrityError:  # a concurrent report for the same period won
            raise ValidationError({"period_start": [ERR_DUPLICATE_REPORT]}) from None
        audit_record(
            actor=user,
            obj=report,
            action="licence.revenue_report",
            after={
                "licence": locked.pk,
                "period_start": start.isoformat(),
                "period_end": end.isoformat(),
                "revenue_amount": str(amount),
                "reported_on": reported.isoformat(),
            },
        )
        notices.report_filed(report=report, actor=user)
    return report


def payment_record(
    *,
    user: User,
    licence: Licence,
    amount: Any,
    paid_on: Any,
    ref: str = "",
    voucher_amount: Any = None,
) -> Payment:
    """The licensor records money received under the licence.

    ``voucher_amount`` (optional, ≤ ``amount``) is the part the licensee paid with innovation
    vouchers: it is spent from the licensee's quota of the payment's year by
    ``vouchers.services.voucher_spend`` inside this transaction (lock order: the
    licence row, then the licensee's quota rows), so a refused voucher part — over 50% of the
    registered contract, over the year's quota, no quota — records nothing at all.
    """
    if not is_licensor_editor(user, licence.licensor_id):
        raise PermissionDenied(ERR_NOT_LICENSOR_PARTY)
    if licence.deal_kind == DealKind.EQUITY_CONTRIBUTION:
        raise ValidationError({"amount": [ERR_EQUITY_NO_PAYMENTS]})
    value = _money(amount, "amount")
    if not value:
        raise ValidationError({"amount": [ERR_PAYMENT_POSITIVE]})
    date = _licence_date(paid_on, "paid_on", licence)
    vouchers = (
        Decimal("0.00")
        if voucher_amount in (None, "")
        else _money(voucher_amount, "voucher_amount")
    )
    if vouchers > value:
        raise ValidationError({"voucher_amount": [ERR_VOUCHER_OVER_PAYMENT]})
    with transaction.atomic():
        locked = _lock_live(licence, MONEY_LICENCE_STATES)
        spend = (
            _spend_vouchers(user=user, licence=locked, amount=vouchers, paid_on=date)
            if vouchers
            else None
        )
        payment = Payment.objects.create(
            licence=locked,
            amount=value,
            paid_on=date,
            ref=(ref or "").strip()[:100],
            voucher_amount=vouchers,
            voucher_spend=spend,
            recorded_by=user,
        )
        after = {
            "licence": locked.pk,
            "amount": str(value),
            "paid_on": date.isoformat(),
            "ref": payment.ref,
        }
        detail = None
        if spend is not None:
            detail = {"voucher_amount": str(vouchers), "voucher_spend": spend.pk}
            after.update(detail)
        audit_record(actor=user, obj=payment, action="licence.payment", after=after, detail=detail)
        if spend is not None:
            _notify_voucher_payment(licence=locked, payment=payment)
        else:
            notices.payment_recorded(payment=payment, actor=user)
    return payment


def _spend_vouchers(*, user: User, licence: Licence, amount: Decimal, paid_on: dt.date) -> Any:
    """Spend the licensee's vouchers on this licence (the caller holds the licence lock).

    The vouchers app reads the licence through the spend subject licensing registers
    (``licensing/voucher_subjects.py``): the contract the 50% rule of measure 14 applies to is
    the registered one, its 成交额 (``ContractRegistration.transaction_amount``), and the
    provider its licensor. Its refusals are put on the ``voucher_amount`` field with their own
    Chinese text.
    """
    try:
        return voucher_spend(
            enterprise=licence.licensee,
            provider=licence.licensor,
            subject_type=LICENCE_SUBJECT,
            subject_id=str(licence.pk),
            voucher_amount=amount,
            year=paid_on.year,
            user=user,
            recorded_by_provider=True,
        )
    except ValidationError as exc:
        raise ValidationError({"voucher_amount": exc.messages}) from None


def _notify_voucher_payment(*, licence: Licence, payment: Payment) -> None:
    """Tell the licensee's agents that vouchers of their quota were recorded (they did not
    record it themselves; the spend shows in their voucher ledger)."""
    agents = [
        u
        for u in User.objects.filter(organisation_id=licence.licensee_id, is_active=True)
        if u.has_role(*LICENSEE_ROLES)
    ]
    notify(
        users=agents,
        kind=NotificationKind.LICENCE,
        title=f"许可方已登记以创新券支付 {yuan(payment.voucher_amount)} 元",
        body=(
            f"{licence.licensor.name}登记了“{licence.achievement.title}”许可的一笔付款："
            f"{payment.paid_on:%Y-%m-%d} 到账 {yuan(payment.amount)} 元，其中以科技创新券支付 "
            f"{yuan(payment.voucher_amount)} 元，已计入贵单位 {payment.paid_on.year} 年度创新券额度。"
            "如有异议请联系许可方或主管部门。"
        ),
        url=f"/licensing/licences/{licence.pk}/",
    )


def milestone_keys(licence: Licence) -> list[str]:
    """The milestones the licence's installments wait for, in the order of the terms."""
    keys: list[str] = []
    for inst in licence.terms.get("installments") or []:
        key = inst.get("milestone")
        if key and key not in keys:
            keys.append(key)
    return keys


def milestone_record(
    *, user: User, licence: Licence, key: str, achieved_on: Any
) -> MilestoneAchievement:
    """Either party records that a milestone of the terms was reached (once per milestone)."""
    if not (
        is_licensor_editor(user, licence.licensor_id)
        or is_licensee_agent(user, licence.licensee_id)
    ):
        raise PermissionDenied(ERR_NOT_LICENCE_PARTY)
    key = (key or "").strip()
    if key not in milestone_keys(licence):
        raise ValidationError({"key": [ERR_UNKNOWN_MILESTONE.format(key=key)]})
    date = _licence_date(achieved_on, "achieved_on", licence)
    with transaction.atomic():
        # After the licence ended, a milestone reached by then may still be recorded: its
        # installment was earned (LICENSING.md "Ending early").
        locked = _lock_live(licence, MONEY_LICENCE_STATES)
        if locked.terminated_on is not None and date > locked.terminated_on:
            raise ValidationError(
                {"achieved_on": [ERR_MILESTONE_AFTER_END.format(date=locked.terminated_on)]}
            )
        if MilestoneAchievement.objects.filter(licence=locked, key=key).exists():
            raise ValidationError({"key": [ERR_MILESTONE_RECORDED]})
        try:
            with transaction.atomic():
                milestone = MilestoneAchievement.objects.create(
                    licence=locked, key=key, achieved_on=date, recorded_by=user
                )
        except IntegrityError:
            raise ValidationError({"key": [ERR_MILESTONE_RECORDED]}) from None
        audit_record(
            actor=user,
            obj=milestone,
            action="licence.milestone",
            after={"licence": locked.pk, "key": key, "achieved_on": date.isoformat()},
        )
    return milestone


# --------------------------------------------------------------------------------------------
# Excel imports (rows parsed by ``zhuanhua.licensing.imports``)

ERR_IMPORT_ROW = "第 {row} 行“{col}”：{message}"
ERR_IMPORT_ROW_ANY = "第 {row} 行：{message}"
ERR_IMPORT_PERIOD_END = "与许可的提成期间不符，期间起 {start} 对应的期间止应为 {end}"
REPORT_IMPORT_COLUMNS = {
    "period_start": "期间起",
    "revenue_amount": "营业收入（元）",
    "reported_on": "报告日期",
    "reason": "更正原因",
}
PAYMENT_IMPORT_COLUMNS = {
    "amount": "金额（元）",
    "paid_on": "交易日期",
    "reversed_on": "交易日期",
    "ref": "流水号",
    "reason": "冲正原因",
}


def _row_errors(exc: ValidationError, row: int, columns: dict[str, str]) -> list[str]:
    """A service's refusal of one imported row, as texts naming the row and the column."""
    if not hasattr(exc, "error_dict"):
        return [ERR_IMPORT_ROW_ANY.format(row=row, message=m) for m in exc.messages]
    out: list[str] = []
    for name, texts in exc.message_dict.items():
        column = columns.get(name)
        for text in texts:
            out.append(
                ERR_IMPORT_ROW.format(row=row, col=column, message=text)
                if column
                else ERR_IMPORT_ROW_ANY.format(row=row, message=text)
            )
    return out


@notices.one_message_per_batch
def revenue_reports_import(
    *,
    user: User,
    licence: Licence,
    rows: Sequence[ReportRow],
) -> list[RevenueReport]:
    """The licensee's revenue sheet, all or nothing: each row goes through
    ``revenue_report_file`` (so every rule of a single report applies), or, when it gives a
    更正原因, through ``revenue_report_correct``; if any row is refused, a ValidationError lists
    every refused row and nothing is recorded.

    Lock: the licence row for the whole import (each report takes it again, same transaction).
    """
    if not is_licensee_agent(user, licence.licensee_id):
        raise PermissionDenied(ERR_NOT_LICENSEE_PARTY)
    periods = dict(royalty_periods(licence))
    errors: list[str] = []
    reports: list[RevenueReport] = []
    with transaction.atomic():
        locked = _lock_live(licence, MONEY_LICENCE_STATES)
        for r in rows:
            end = periods.get(r.period_start)
            if end is not None and end != r.period_end:
                errors.append(
                    ERR_IMPORT_ROW.format(
                        row=r.row,
                        col="期间止",
                        message=ERR_IMPORT_PERIOD_END.format(
                            start=r.period_start.isoformat(), end=end.isoformat()
                        ),
                    )
                )
                continue
            try:
                if r.correction_reason:
                    reports.append(
                        revenue_report_correct(
                            user=user,
                            licence=locked,
                            period_start=r.period_start,
                            revenue_amount=r.revenue_amount,
                            reason=r.correction_reason,
                        )
                    )
                else:
                    reports.append(
                        revenue_report_file(
                            user=user,
                            licence=locked,
                            period_start=r.period_start,
                            revenue_amount=r.revenue_amount,
                        )
                    )
            except ValidationError as exc:
                errors.extend(_row_errors(exc, r.row, REPORT_IMPORT_COLUMNS))
        if errors:
            raise ValidationError(errors)  # rolls back the reports already made
    return reports


@notices.one_message_per_batch
def payments_import(
    *,
    user: User,
    licence: Licence,
    rows: Sequence[PaymentRow],
) -> tuple[list[Payment], list[Payment], int]:
    """The unit's bank statement, all or nothing; returns (payments recorded, payments
    reversed, rows skipped).

    A row with a 冲正原因 reverses (``payment_reverse``) the licence's payment whose 凭证号 is
    the row's 流水号, on the row's date; its amount must be the payment's. A payment already
    reversed is skipped, so a reversal imported twice is recorded once.

    Each new row goes through ``payment_record`` (money only, no vouchers), its 凭证号 the
    row's 流水号, or its 摘要 when the statement has no 流水号. Rows already imported are
    skipped, so importing one statement twice records it once: a row with a 流水号 when the
    licence already has a payment with that 凭证号 (or an earlier row had it); a row without
    one while the licence has more payments of the same date, amount and 凭证号 than such rows
    came before it in the file (two equal transfers on one day stay two payments).

    Lock: the licence row, taken before the existing payments are read, so two imports of the
    same statement serialise and the second skips every row.
    """
    if not is_licensor_editor(user, licence.licensor_id):
        raise PermissionDenied(ERR_NOT_LICENSOR_PARTY)
    errors: list[str] = []
    payments: list[Payment] = []
    reversed_: list[Payment] = []
    skipped = 0
    with transaction.atomic():
        locked = _lock_live(licence, MONEY_LICENCE_STATES)
        existing = list(
            Payment.objects.filter(licence=locked).values_list("ref", "paid_on", "amount")
        )
        refs = {ref for ref, _, _ in existing if ref}
        unmatched = Counter(existing)
        for r in rows:
            if r.reversal_reason:
                try:
                    done = _reverse_row(user=user, licence=locked, row=r)
                except ValidationError as exc:
                    errors.extend(_row_errors(exc, r.row, PAYMENT_IMPORT_COLUMNS))
                    continue
                if done is None:
                    skipped += 1
                else:
                    reversed_.append(done)
                continue
            if r.txn_ref:
                ref = r.txn_ref[:100]
                if ref in refs:
                    skipped += 1
                    continue
                refs.add(ref)
            else:
                ref = r.summary[:100]
                key = (ref, r.paid_on, r.amount)
                if unmatched[key] > 0:
                    unmatched[key] -= 1
                    skipped += 1
                    continue
            try:
                payments.append(
                    payment_record(
                        user=user, licence=locked, amount=r.amount, paid_on=r.paid_on, ref=ref
                    )
                )
            except ValidationError as exc:
                errors.extend(_row_errors(exc, r.row, PAYMENT_IMPORT_COLUMNS))
        if errors:
            raise ValidationError(errors)  # rolls back the payments already made
    return payments, reversed_, skipped


ERR_IMPORT_NO_PAYMENT = "没有凭证号为“{ref}”的付款可冲正"
ERR_IMPORT_REVERSAL_AMOUNT = "冲正金额（{amount} 元）与原付款金额（{paid} 元）不符"


def _reverse_row(*, user: User, licence: Licence, row: PaymentRow) -> Payment | None:
    """One reversal row of a bank statement; None when that payment is already reversed."""
    ref = row.txn_ref[:100]
    candidates = list(Payment.objects.filter(licence=licence, ref=ref).order_by("paid_on", "pk"))
    if not candidates:
        raise ValidationError({"ref": [ERR_IMPORT_NO_PAYMENT.format(ref=ref)]})
    target = next((p for p in candidates if p.reversed_on is None), None)
    if target is None:
        return None
    if target.amount != row.amount:
        raise ValidationError(
            {
                "amount": [
                    ERR_IMPORT_REVERSAL_AMOUNT.format(
                        amount=yuan(row.amount), paid=yuan(target.amount)
                    )
                ]
            }
        )
    return payment_reverse(
        user=user, payment=target, reversed_on=row.paid_on, reason=row.reversal_reason
    )


# --------------------------------------------------------------------------------------------
# Idempotent API writes


def fingerprint(endpoint: str, body: Any) -> str:
    canonical = json.dumps([endpoint, body], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _replay(licence: Licence, key: str, print_: str) -> tuple[int, Any] | None:
    stored = IdempotencyKey.objects.filter(licence=licence, key=key).first()
    if stored is None:
        return None
    if stored.fingerprint != print_:
        raise IdempotencyConflict(ERR_IDEMPOTENCY_CONFLICT)
    return stored.response_status, stored.response_body


def run_idempotent(
    *,
    licence: Licence,
    key: str | None,
    endpoint: str,
    body: Any,
    action: Callable[[], tuple[int, Any]],
) -> tuple[int, Any]:
    """Run ``action`` once per (licence, key): the record and the stored response commit together.

    Same key + same body returns the stored response; another body raises IdempotencyConflict.
    Two requests racing with one key: the loser's action or key insert fails, its whole
    transaction (record included) rolls back, and it answers from the winner's row.
    """
    if not key:
        return action()
    key = key[:200]
    print_ = fingerprint(endpoint, body)
    replay = _replay(licence, key, print_)
    if replay is not None:
        return replay
    try:
        with transaction.atomic():
            status, response = action()
            IdempotencyKey.objects.create(
                licence=licence,
                key=key,
                fingerprint=print_,
                response_status=status,
                response_body=response,
            )
    except (IntegrityError, ValidationError):
        # A racer with the same key may have won while this one waited on the licence lock:
        # its action then fails (duplicate period, say) or its key insert does; either way the
        # winner's stored response is the answer.
        replay = _replay(licence, key, print_)
        if replay is None:
            raise
        return replay
    return status, response


# --------------------------------------------------------------------------------------------
# Corrections (更正) and reversals (冲正): records, never edits (LICENSING.md "Ending early,
# corrections and reversals")

ERR_CORRECTION_REASON = "更正收入报告须填写更正原因"
ERR_NOTHING_TO_CORRECT = "该期间尚未报送收入，请直接报送，无需更正"
ERR_CORRECTION_BEFORE = "更正报告的日期不能早于被更正报告的报告日期（{date}）"
ERR_CORRECTION_SAME = "更正后的收入与现报告相同（{amount} 元），无需更正"
ERR_CORRECTION_RACE = "该期间的报告刚被更正，请刷新页面后再试"
ERR_NOT_REVERSER = "只有许可方的成果管理员或机构管理员可以冲正付款"
ERR_REVERSAL_REASON = "冲正付款须填写原因（如退票、退款、重复登记）"
ERR_REVERSED_BEFORE_PAID = "冲正日期不能早于该笔付款的到账日期（{date}）"
ERR_ALREADY_REVERSED = "该付款已于 {date} 冲正"
ERR_REVERSE_VOUCHER = "该付款含创新券支付部分，不能在此冲正：请联系主管部门先撤销创新券使用记录"
ERR_PAYMENT_NOT_OF_LICENCE = "该付款不属于此许可"


def _people(org_id: int, roles: Any) -> list[User]:
    people = User.objects.filter(organisation_id=org_id, is_active=True).order_by("pk")
    return [u for u in people if u.has_role(*roles)]


def _reason(value: Any, field: str, message: str) -> str:
    text = str(value or "").strip()
    if not text:
        raise ValidationError({field: [message]})
    return text[:2000]


def revenue_report_correct(
    *,
    user: User,
    licence: Licence,
    period_start: Any,
    revenue_amount: Any,
    reason: str,
    reported_on: Any = None,
) -> RevenueReport:
    """The licensee corrects a period's revenue: a new report superseding the latest one.

    The earlier report stays (the audit trail and the plan as of earlier dates keep it); the
    engine counts the latest ``reported_on`` on or before ``as_of``. Lock: the licence row,
    then the one-to-one ``supersedes`` refuses a second correction of the same report.
    """
    if not is_licensee_agent(user, licence.licensee_id):
        raise PermissionDenied(ERR_NOT_LICENSEE_PARTY)
    text = _reason(reason, "reason", ERR_CORRECTION_REASON)
    amount = _money(revenue_amount, "revenue_amount")
    reported = _licence_date(reported_on or timezone.localdate(), "reported_on", licence)
    start = _past_date(period_start, "period_start")
    with transaction.atomic():
        locked = _lock_live(licence, MONEY_LICENCE_STATES)
        latest = (
            RevenueReport.objects.filter(
                licence=locked, period_start=start, superseded_by__isnull=True
            )
            .order_by("-reported_on", "-pk")
            .first()
        )
        if latest is None:
            raise ValidationError({"period_start": [ERR_NOTHING_TO_CORRECT]})
        if reported < latest.reported_on:
            raise ValidationError(
                {"reported_on": [ERR_CORRECTION_BEFORE.format(date=latest.reported_on)]}
            )
        if amount == latest.revenue_amount:
            raise ValidationError(
                {"revenue_amount": [ERR_CORRECTION_SAME.format(amount=yuan(amount))]}
            )
        try:
            with transaction.atomic():
                report = RevenueReport.objects.create(
                    licence=locked,
                    period_start=latest.period_start,
                    period_end=latest.period_end,
                    revenue_amount=amount,
                    reported_on=reported,
                    reported_by=user,
                    supersedes=latest,
                    correction_reason=text,
                )
        except IntegrityError:
            raise ValidationError({"period_start": [ERR_CORRECTION_RACE]}) from None
        audit_record(
            actor=user,
            obj=report,
            action="licence.revenue_correct",
            before={"report": latest.pk, "revenue_amount": str(latest.revenue_amount)},
            after={
                "licence": locked.pk,
                "period_start": latest.period_start.isoformat(),
                "period_end": latest.period_end.isoformat(),
                "revenue_amount": str(amount),
                "reported_on": reported.isoformat(),
                "supersedes": latest.pk,
                "reason": text,
            },
            detail={"supersedes": latest.pk, "reason": text},
        )
        notify(
            users=_people(locked.licensor_id, ACHIEVEMENT_EDITOR_ROLES),
            kind=NotificationKind.LICENCE,
            title=f"被许可方更正了收入报告（{latest.period_start} 至 {latest.period_end}）",
            body=(
                f"{locked.licensee.name}将“{locked.achievement.title}”许可 "
                f"{latest.period_start} 至 {latest.period_end} 的营业收入由 "
                f"{yuan(latest.revenue_amount)} 元更正为 {yuan(amount)} 元。更正原因：{text}"
            ),
            url=f"/licensing/licences/{locked.pk}/",
        )
    return report


def payment_reverse(*, user: User, payment: Payment, reversed_on: Any, reason: str) -> Payment:
    """The unit reverses a payment (冲正: a bounced or refunded transfer, one entered twice).

    The payment row is kept: ``reversed_on`` and the reason are set once, and from that date
    the payment no longer counts (a right one is recorded anew). A payment with an innovation
    voucher part is refused here: its spend belongs to the vouchers app. Lock: the licence
    row, then the payment row.
    """
    licence = payment.licence
    if not is_licensor_editor(user, licence.licensor_id):
        raise PermissionDenied(ERR_NOT_REVERSER)
    text = _reason(reason, "reason", ERR_REVERSAL_REASON)
    date = _past_date(reversed_on, "reversed_on")
    with transaction.atomic():
        locked_licence = _lock_live(licence, MONEY_LICENCE_STATES)
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if locked.licence_id != locked_licence.pk:
            raise ValidationError({"payment": [ERR_PAYMENT_NOT_OF_LICENCE]})
        if locked.reversed_on is not None:
            raise ValidationError(
                {"reversed_on": [ERR_ALREADY_REVERSED.format(date=locked.reversed_on)]}
            )
        if date < locked.paid_on:
            raise ValidationError(
                {"reversed_on": [ERR_REVERSED_BEFORE_PAID.format(date=locked.paid_on)]}
            )
        if locked.voucher_amount:
            raise ValidationError({"payment": [ERR_REVERSE_VOUCHER]})
        locked.reversed_on = date
        locked.reversal_reason = text
        locked.reversed_by = user
        locked.save(update_fields=["reversed_on", "reversal_reason", "reversed_by"])
        audit_record(
            actor=user,
            obj=locked,
            action="licence.payment_reverse",
            before={"reversed_on": None},
            after={
                "licence": locked_licence.pk,
                "amount": str(locked.amount),
                "paid_on": locked.paid_on.isoformat(),
                "ref": locked.ref,
                "reversed_on": date.isoformat(),
                "reason": text,
            },
            detail={"licence": locked_licence.pk, "reversed_on": date.isoformat(), "reason": text},
        )
        notify(
            users=_people(locked_licence.licensee_id, LICENSEE_ROLES),
            kind=NotificationKind.LICENCE,
            title=f"许可方冲正了一笔付款（{yuan(locked.amount)} 元）",
            body=(
                f"{locked_licence.licensor.name}冲正了“{locked_licence.achievement.title}”许可 "
                f"{locked.paid_on:%Y-%m-%d} 到账的 {yuan(locked.amount)} 元"
                f"（冲正日期 {date:%Y-%m-%d}）。原因：{text}。该笔付款自冲正日起不再计入已付金额，"
                "请核对付款计划。"
            ),
            url=f"/licensing/licences/{locked_licence.pk}/",
        )
    return locked
