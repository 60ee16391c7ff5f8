"""Terms JSON ⇄ the payment-plan engine: validation with Chinese messages, canonical form, diff.

The engine (``zhuanhua.engines.licensing``) owns the rules; this module only feeds it, turns its
``InputError`` into Chinese through ``engines.messages`` (the one translation of engine
refusals) and stores what it parsed in one canonical shape (money and rates as decimal strings,
ISO dates) so versions compare field by field.
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from zhuanhua.engines import licensing as engine
from zhuanhua.engines import messages
from zhuanhua.engines.common import InputError

# Top-level keys an offer's terms may carry (no dates of the term: the offer has term_months).
OFFER_KEYS = {"upfront_fee", "upfront_due", "installments", "royalty", "grace_days"}
# A version's terms are the engine's whole contract except its id.
VERSION_KEYS = OFFER_KEYS | {"fee_model", "start", "end"}

ERR_TERMS_OBJECT = "支付条款应为 JSON 对象"
ERR_TERMS_JSON = "支付条款不是有效的 JSON：{error}"
ERR_UNKNOWN_KEY = "支付条款（{path}）：不支持的字段"


def field_label(path: str) -> str:
    """``royalty.tiers[1].up_to`` → ``收入提成·第 2 档·档位上限`` (the engines' field names)."""
    return messages.field_label(path, "支付条款")


def _strip_root(path: str) -> str:
    return path.removeprefix("contract.").removeprefix("contract")


def error_from(exc: InputError, field: str = "terms") -> ValidationError:
    """An engine refusal as ``ValidationError({"terms.royalty.rate": ["收入提成·提成比例…"]})``."""
    path = _strip_root(exc.path)
    text = f"{field_label(path)}（{path or field}）：{messages.chinese(exc)}"
    return ValidationError({f"{field}.{path}" if path else field: [text]})


def add_months(start: dt.date, months: int) -> dt.date:
    """The last day of a term of ``months`` months starting on ``start``."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    if start.day > last_day:  # no corresponding day: the term ends with that month
        return dt.date(year, month, last_day)
    return dt.date(year, month, start.day) - dt.timedelta(days=1)


def _check_keys(raw: Any, allowed: set[str]) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ValidationError({"terms": [ERR_TERMS_OBJECT]})
    unknown = sorted(k for k in raw if k not in allowed)
    if unknown:
        raise ValidationError({f"terms.{unknown[0]}": [ERR_UNKNOWN_KEY.format(path=unknown[0])]})
    return raw


def canonical(terms: engine.Terms, raw: dict[str, Any], *, with_term: bool) -> dict[str, Any]:
    """What the engine parsed, as JSON: the stored and compared form of terms."""
    doc: dict[str, Any] = {}
    if with_term:
        doc["fee_model"] = terms.fee_model
        doc["start"] = terms.start.isoformat()
        doc["end"] = terms.end.isoformat()
    doc["upfront_fee"] = str(terms.upfront_fee)
    if raw.get("upfront_due") is not None and terms.upfront_due is not None:
        doc["upfront_due"] = terms.upfront_due.isoformat()
    installments = []
    for inst in terms.installments:
        item: dict[str, Any] = {"key": inst.key, "amount": str(inst.amount)}
        if inst.due is not None:
            item["due"] = inst.due.isoformat()
        else:
            item["milestone"] = inst.milestone
            item["days_after"] = inst.days_after
        installments.append(item)
    doc["installments"] = installments
    r = terms.royalty
    if r is not None:
        royalty: dict[str, Any] = {"period": r.period}
        if r.rate is not None:
            royalty["rate"] = str(r.rate)
        else:
            royalty["tiers"] = [
                {"up_to": None if t.up_to is None else str(t.up_to), "rate": str(t.rate)}
                for t in r.tiers
            ]
        royalty["report_within_days"] = r.report_within_days
        royalty["pay_within_days"] = r.pay_within_days
        if r.cap_total is not None:
            royalty["cap_total"] = str(r.cap_total)
        doc["royalty"] = royalty
    doc["grace_days"] = terms.grace_days
    return doc


def clean_offer_terms(
    raw: Any, *, fee_model: str, term_months: int, today: dt.date
) -> dict[str, Any]:
    """Validate an offer's terms through the engine (on a term starting ``today``)."""
    raw = _check_keys(raw, OFFER_KEYS)
    contract = {
        **raw,
        "id": "offer",
        "fee_model": fee_model,
        "start": today.isoformat(),
        "end": add_months(today, term_months).isoformat(),
    }
    try:
        terms = engine.parse_terms(contract)
    except InputError as exc:
        raise error_from(exc) from None
    return canonical(terms, raw, with_term=False)


def clean_version_terms(raw: Any) -> dict[str, Any]:
    """Validate a proposed version's full terms (fee_model, start, end and the money)."""
    raw = _check_keys(raw, VERSION_KEYS)
    try:
        terms = engine.parse_terms({**raw, "id": "version"})
    except InputError as exc:
        raise error_from(exc) from None
    return canonical(terms, raw, with_term=True)


def version_from_offer(
    offer_terms: dict[str, Any], *, fee_model: str, start: dt.date, term_months: int
) -> dict[str, Any]:
    """A first proposal: the offer's terms on a term starting ``start`` (a form's initial)."""
    return {
        "fee_model": fee_model,
        "start": start.isoformat(),
        "end": add_months(start, term_months).isoformat(),
        **offer_terms,
    }


# The order in which fields are listed (JSON objects have none in PostgreSQL's jsonb).
_KEY_ORDER = {
    key: i
    for i, key in enumerate(
        (
            "fee_model",
            "start",
            "end",
            "upfront_fee",
            "upfront_due",
            "installments",
            "royalty",
            "grace_days",
            "key",
            "amount",
            "due",
            "milestone",
            "days_after",
            "period",
            "rate",
            "tiers",
            "up_to",
            "report_within_days",
            "pay_within_days",
            "cap_total",
        )
    )
}


def flatten(doc: Any, prefix: str = "") -> dict[str, Any]:
    """Nested JSON to ``{"royalty.tiers[0].rate": "0.05", …}`` (leaves only, in field order)."""
    out: dict[str, Any] = {}
    if isinstance(doc, dict):
        for key in sorted(doc, key=lambda k: (_KEY_ORDER.get(k, len(_KEY_ORDER)), k)):
            out.update(flatten(doc[key], f"{prefix}.{key}" if prefix else key))
    elif isinstance(doc, list):
        if not doc:
            out[prefix] = "（无）"
        for i, value in enumerate(doc):
            out.update(flatten(value, f"{prefix}[{i}]"))
    else:
        out[prefix] = doc
    return out


def diff(before: dict[str, Any] | None, after: dict[str, Any]) -> list[dict[str, Any]]:
    """Field-by-field changes from ``before`` to ``after``: ``[{path, label, before, after}]``."""
    old = flatten(before or {})
    new = flatten(after)
    rows = []
    for path in [*new, *(p for p in old if p not in new)]:
        a, b = old.get(path), new.get(path)
        if a != b:
            rows.append({"path": path, "label": field_label(path), "before": a, "after": b})
    return rows


def licence_contract(licence_id: int, terms: dict[str, Any]) -> engine.Terms:
    if "valuation_amount" in terms:
        # An equity deal (作价投资, deals.py): shares, not money; its plan is empty.
        start = dt.date.fromisoformat(terms["start"])
        return engine.Terms(
            id=f"licence-{licence_id}",
            fee_model="staged",
            start=start,
            end=start,
            upfront_fee=Decimal("0.00"),
            upfront_due=start,
            installments=(),
            royalty=None,
            grace_days=0,
            terminated_on=None,
        )
    try:
        return engine.parse_terms({**terms, "id": f"licence-{licence_id}"})
    except InputError as exc:  # stored terms were validated; only a changed engine gets here
        raise error_from(exc) from None
