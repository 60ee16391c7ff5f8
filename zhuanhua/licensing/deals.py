"""Assignment (转让) and equity contribution (作价投资) deals: what differs from a licence.

Every kind goes the same way (docs/deals.md): a listing (``LicenceOffer.deal_kind``), an
inquiry, versioned terms with diffs, the 协议定价 publicity gate, a contract PDF, signing; the
``Licence`` row is the deal. This module holds only the kind-specific parts:

* an **assignment**'s terms are the payment-plan engine's (``fee_model`` ``staged``): the price
  is the upfront part (首付款, may be 0) plus the installments (分期价款; payable at once = one
  installment), so payments, the plan, reversals and alerts are the licence's own;
* an **equity** deal's terms are the valuation, not a payment plan: the company and its USCC,
  the valuation, the shares and percentage the unit receives, the evaluation report
  (资产评估报告: appraiser, number, base date; its PDF is uploaded with the listing) and, in a
  version, the agreement's effective date ``start``. No money flows, so the engine sees an
  empty plan (``terms.licence_contract``); the shares are recorded once registered
  (``ShareRegistration``, 工商变更登记);
* signing moves the achievement's 转化状态 through the registry's own service (assignment:
  ``transferred``; equity: ``equity_contributed``), closes the listing and refuses a second
  assignment or equity deal on the same achievement.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError

from zhuanhua.achievements.choices import TransferStatus
from zhuanhua.core.inputs import clean_date, clean_money, clean_text
from zhuanhua.core.uscc import USCCError, validate_uscc
from zhuanhua.licensing.choices import (
    DEAL_WORDS,
    SIGNED_LICENCE_STATES,
    DealKind,
    FeeModel,
)
from zhuanhua.licensing.models import Licence

ERR_ASSIGNMENT_FEE_MODEL = (
    "转让价款按首付款加分期价款支付（一次性支付即只填一期）：费用模式须为“门槛费+阶段性支付”"
)
ERR_EQUITY_KEY = "作价投资条款（{key}）：不支持的字段"
ERR_EQUITY_OBJECT = "作价投资条款应为对象"
ERR_SHARE_PERCENT = "持股比例应大于 0% 且不超过 100%"
ERR_SHARES_POSITIVE = "持股数应大于 0"
ERR_VALUATION_POSITIVE = "评估作价金额应大于 0"
ERR_ALREADY_TRANSFERRED = (
    "该成果已{deal}（{taker}：{name}，{signed_on} 签订），不能再转让或作价投资"
)
ERR_EVALUATION_PDF = "请上传资产评估报告（PDF）"

EQUITY_OFFER_KEYS = {
    "company_name",
    "company_uscc",
    "valuation_amount",
    "shares",
    "share_percent",
    "evaluation_report",
}
EQUITY_VERSION_KEYS = EQUITY_OFFER_KEYS | {"start"}
REPORT_KEYS = {"appraiser", "number", "base_date"}
# Field names of an equity deal's terms, as pages, diffs and refusals say them.
EQUITY_LABELS = {
    "company_name": "被投资企业",
    "company_uscc": "统一社会信用代码",
    "valuation_amount": "评估作价金额",
    "shares": "取得股份（股）",
    "share_percent": "持股比例",
    "evaluation_report": "资产评估报告",
    "evaluation_report.appraiser": "评估机构",
    "evaluation_report.number": "评估报告编号",
    "evaluation_report.base_date": "评估基准日",
    "start": "协议生效日",
}

# Signing moves the achievement's 转化状态 to this (achievements.services.achievement_mark_transferred).
SIGNED_TRANSFER_STATUS: dict[str, str] = {
    DealKind.LICENSE: TransferStatus.LICENSED,
    DealKind.ASSIGNMENT: TransferStatus.TRANSFERRED,
    DealKind.EQUITY_CONTRIBUTION: TransferStatus.EQUITY_CONTRIBUTED,
}
# ... from these (a stronger status is kept: an assigned achievement is not "licensed" again).
REPLACES: dict[str, frozenset[str]] = {
    DealKind.LICENSE: frozenset({TransferStatus.UNTRANSFERRED, TransferStatus.SELF_IMPLEMENTED}),
    DealKind.ASSIGNMENT: frozenset(
        {
            TransferStatus.UNTRANSFERRED,
            TransferStatus.SELF_IMPLEMENTED,
            TransferStatus.LICENSED,
        }
    ),
    DealKind.EQUITY_CONTRIBUTION: frozenset(
        {
            TransferStatus.UNTRANSFERRED,
            TransferStatus.SELF_IMPLEMENTED,
            TransferStatus.LICENSED,
        }
    ),
}


def words(kind: str) -> dict[str, str]:
    """The party and contract names of ``kind`` (许可方/转让方/出资方 …)."""
    return DEAL_WORDS.get(kind, DEAL_WORDS[DealKind.LICENSE])


def is_equity_terms(terms: dict[str, Any]) -> bool:
    return "valuation_amount" in terms


# --------------------------------------------------------------------------------------------
# Terms


def check_assignment_fee_model(fee_model: str) -> None:
    if fee_model != FeeModel.STAGED:
        raise ValidationError({"terms.fee_model": [ERR_ASSIGNMENT_FEE_MODEL]})


def _percent_fraction(value: Any) -> Decimal:
    """A share as a fraction: ``0.2`` (API) — the page converts from its percentage."""
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({"terms.share_percent": [ERR_SHARE_PERCENT]}) from None
    if not number.is_finite() or not 0 < number <= 1:
        raise ValidationError({"terms.share_percent": [ERR_SHARE_PERCENT]})
    return number.quantize(Decimal("0.000001")).normalize()


def clean_equity_terms(raw: Any, *, with_start: bool, today: dt.date) -> dict[str, Any]:
    """An equity listing's (or version's, ``with_start``) terms in canonical form: text
    stripped and checked, the USCC validated, money as ``"1000000.00"``, the share as a
    fraction string, dates ISO. Every problem under ``terms.<field>``."""
    if not isinstance(raw, dict):
        raise ValidationError({"terms": [ERR_EQUITY_OBJECT]})
    allowed = EQUITY_VERSION_KEYS if with_start else EQUITY_OFFER_KEYS
    unknown = sorted(k for k in raw if k not in allowed)
    if unknown:
        raise ValidationError({f"terms.{unknown[0]}": [ERR_EQUITY_KEY.format(key=unknown[0])]})
    errors: dict[str, list[str]] = {}
    doc: dict[str, Any] = {}

    def collect(field: str, func: Any) -> Any:
        try:
            return func()
        except ValidationError as exc:
            for message in exc.messages:
                errors.setdefault(f"terms.{field}", []).append(message)
            return None

    doc["company_name"] = collect(
        "company_name",
        lambda: clean_text(raw.get("company_name"), "company_name", limit=200, required=True),
    )
    uscc = str(raw.get("company_uscc") or "").strip()
    try:
        doc["company_uscc"] = validate_uscc(uscc)
    except USCCError as exc:
        errors.setdefault("terms.company_uscc", []).append(str(exc))
    valuation = collect("valuation_amount", lambda: clean_money(raw.get("valuation_amount"), "v"))
    if valuation is not None and not valuation:
        errors.setdefault("terms.valuation_amount", []).append(ERR_VALUATION_POSITIVE)
    doc["valuation_amount"] = None if valuation is None else str(valuation)
    shares = collect("shares", lambda: clean_money(raw.get("shares"), "s", max_digits=20))
    if shares is not None and not shares:
        errors.setdefault("terms.shares", []).append(ERR_SHARES_POSITIVE)
    doc["shares"] = None if shares is None else str(shares)
    percent = collect("share_percent", lambda: _percent_fraction(raw.get("share_percent")))
    doc["share_percent"] = None if percent is None else f"{percent:f}"
    report = raw.get("evaluation_report")
    report = report if isinstance(report, dict) else {}
    bad = sorted(k for k in report if k not in REPORT_KEYS)
    if bad:
        errors.setdefault(f"terms.evaluation_report.{bad[0]}", []).append(
            ERR_EQUITY_KEY.format(key=f"evaluation_report.{bad[0]}")
        )
    appraiser = collect(
        "evaluation_report.appraiser",
        lambda: clean_text(report.get("appraiser"), "a", limit=200, required=True),
    )
    number = collect(
        "evaluation_report.number",
        lambda: clean_text(report.get("number"), "n", limit=100, required=True),
    )
    base = collect(
        "evaluation_report.base_date",
        lambda: clean_date(report.get("base_date"), "b", past=True, today=today),
    )
    doc["evaluation_report"] = {
        "appraiser": appraiser,
        "number": number,
        "base_date": base.isoformat() if base else None,
    }
    if with_start:
        start = collect("start", lambda: clean_date(raw.get("start"), "start", today=today))
        doc["start"] = start.isoformat() if start else None
    if errors:
        raise ValidationError(errors)
    return doc


def equity_version_from_offer(offer_terms: dict[str, Any], *, start: dt.date) -> dict[str, Any]:
    """A first proposal of an equity deal: the listing's terms taking effect on ``start``."""
    return {**offer_terms, "start": start.isoformat()}


def price_amount(licence: Licence) -> Decimal:
    """What the deal is worth in money: an equity deal's valuation, else the fixed money of the
    terms (upfront plus installments; royalties depend on revenue)."""
    return licence.price_amount()


# --------------------------------------------------------------------------------------------
# Signing


def check_no_transfer_signed(licence: Licence) -> None:
    """An achievement is assigned or contributed once: refuse a second assignment or equity
    deal (a licence beside them is a matter for the modes check). The caller holds the
    achievement's lock."""
    if licence.deal_kind == DealKind.LICENSE:
        return
    other = (
        Licence.objects.filter(
            achievement_id=licence.achievement_id,
            status__in=SIGNED_LICENCE_STATES,
            deal_kind__in=[DealKind.ASSIGNMENT, DealKind.EQUITY_CONTRIBUTION],
        )
        .exclude(pk=licence.pk)
        .select_related("licensee")
        .first()
    )
    if other is not None:
        w = words(other.deal_kind)
        raise ValidationError(
            {
                "deal_kind": [
                    ERR_ALREADY_TRANSFERRED.format(
                        deal=w["deal"],
                        taker=w["taker"],
                        name=other.licensee.name,
                        signed_on=other.signed_on,
                    )
                ]
            }
        )
