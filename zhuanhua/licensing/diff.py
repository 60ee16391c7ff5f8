"""What changed in a negotiation: each term version against the published offer and the previous
version, field by field, in words (money in 元, rates as %, periods and fee models by name).

Installments are matched by their name (节点名称), so removing the first one does not show every
later one as changed; tiers by their position (第 N 档). A start date earlier than the day the
version was proposed is flagged with what the engine says was already due on that day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from zhuanhua.core.labels import percent, yuan
from zhuanhua.engines import licensing as engine
from zhuanhua.engines.common import InputError
from zhuanhua.licensing.choices import FeeModel
from zhuanhua.licensing.terms import add_months

PERIOD_NAMES = {"quarter": "季度", "half": "半年", "year": "年度"}
NONE = "—"

# (path, label, kind) of the scalar fields, in the order a person reads them.
_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("fee_model", "费用模式", "fee_model"),
    ("term", "许可期限", "text"),
    ("span", "许可期间", "text"),
    ("upfront_fee", "门槛费", "money"),
    ("upfront_due", "门槛费支付日", "date"),
    ("royalty.mode", "提成方式", "text"),
    ("royalty.rate", "提成比例", "rate"),
    ("royalty.period", "报告周期", "period"),
    ("royalty.report_within_days", "期满后报告期限", "days"),
    ("royalty.pay_within_days", "期满后付款期限", "days"),
    ("royalty.cap_total", "提成封顶", "money"),
    ("grace_days", "宽限天数", "days"),
)


# An equity deal's fields (作价投资, deals.py): no fee model, term or payments.
_EQUITY_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("company_name", "被投资企业", "text"),
    ("company_uscc", "统一社会信用代码", "text"),
    ("valuation_amount", "评估作价金额", "money"),
    ("shares", "取得股份", "shares"),
    ("share_percent", "持股比例", "rate"),
    ("evaluation_report.appraiser", "评估机构", "text"),
    ("evaluation_report.number", "评估报告编号", "text"),
    ("evaluation_report.base_date", "评估基准日", "text"),
    ("start", "协议生效日", "text"),
)


# A version's dates: an offer has none to compare with.
_DATES = ("span", "start")


@dataclass
class Change:
    path: str
    label: str
    before: str
    after: str


@dataclass
class FieldRow:
    """One field of a version beside the offer's and the previous version's value."""

    path: str
    label: str
    offer: str
    previous: str | None  # None for the first version
    current: str
    vs_offer: bool  # differs from the offer
    vs_previous: bool  # differs from the previous version


@dataclass
class PastStart:
    """A version whose licence starts before the day it was proposed."""

    start: dt.date
    proposed_on: dt.date
    due: list[tuple[str, str]]  # (what, amount and date) already due on proposed_on
    ended_periods: int  # royalty periods already over (their revenue must be reported)


@dataclass
class VersionRow:
    version: Any
    against_offer: list[Change]
    against_previous: list[Change] | None  # None for the first version
    past_start: PastStart | None = None
    table: list[FieldRow] = field(default_factory=list)


def months_between(start: dt.date, end: dt.date) -> int | None:
    """Whole months from ``start`` whose last day is ``end``, else None."""
    guess = (end.year - start.year) * 12 + end.month - start.month
    for months in (guess, guess + 1, guess - 1):
        if months >= 1 and add_months(start, months) == end:
            return months
    return None


def _term_words(terms: dict[str, Any]) -> str:
    """The term's length: ``36 个月`` (an offer's, or a version's whole months) or ``400 天``."""
    start, end = terms.get("start"), terms.get("end")
    if not start or not end:
        months = terms.get("term_months")
        return f"{months} 个月" if months else NONE
    try:
        first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    except ValueError:
        return NONE
    months = months_between(first, last)
    return f"{months} 个月" if months else f"{(last - first).days + 1} 天"


def _word(kind: str, value: Any) -> str:
    if value is None or value == "":
        return NONE
    if kind == "money":
        return f"{yuan(value)} 元"
    if kind == "rate":
        return percent(value)
    if kind == "days":
        return f"{value} 天"
    if kind == "shares":
        return f"{yuan(value).removesuffix('.00')} 股"
    if kind == "period":
        return PERIOD_NAMES.get(str(value), str(value))
    if kind == "fee_model":
        return str(dict(FeeModel.choices).get(str(value), value))
    return str(value)


def _get(doc: dict[str, Any], path: str) -> Any:
    node: Any = doc
    for part in path.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def flatten_words(terms: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """``{path: (label, value in words)}`` of every field a person compares."""
    if "valuation_amount" in terms:
        return {
            path: (label, _word(kind, _get(terms, path)))
            for path, label, kind in _EQUITY_FIELDS
            if path != "start" or terms.get("start")
        }
    doc = dict(terms)
    royalty = doc.get("royalty")
    if royalty:
        doc["royalty"] = {**royalty, "mode": "分档比例" if royalty.get("tiers") else "单一比例"}
    out: dict[str, tuple[str, str]] = {}
    for path, label, kind in _FIELDS:
        if path.startswith("royalty.") and not royalty:
            continue
        if path == "span":
            if not terms.get("start"):
                continue  # an offer has a length, not dates
            value: Any = f"{terms['start']} 至 {terms.get('end')}"
        elif path == "term":
            value = _term_words(terms)
        else:
            value = _get(doc, path)
        if path == "upfront_due" and not value:
            value = "许可起始日"  # the engine's default
        out[path] = (label, _word(kind, value))
    for inst in terms.get("installments") or []:
        name = str(inst.get("key"))
        when = (
            f"{inst['due']} 前"
            if inst.get("due")
            else f"“{inst.get('milestone')}”达成后 {inst.get('days_after', 0)} 天内"
        )
        out[f"installments.{name}"] = (
            f"阶段性支付·{name}",
            f"{_word('money', inst.get('amount'))}，{when}",
        )
    for i, tier in enumerate((royalty or {}).get("tiers") or []):
        up_to = tier.get("up_to")
        limit = f"累计收入至 {_word('money', up_to)}" if up_to is not None else "以上部分"
        out[f"royalty.tiers.{i}"] = (
            f"第 {i + 1} 档",
            f"{limit}：{_word('rate', tier.get('rate'))}",
        )
    return out


def diff(before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    """Field-by-field changes from ``before`` to ``after`` (fields only one side has included)."""
    old, new = flatten_words(before), flatten_words(after)
    changes = []
    for path in [*new, *(p for p in old if p not in new)]:
        if path in _DATES and path not in old:
            continue  # against an offer: the dates are new by nature, the length is compared
        a = old.get(path, (new.get(path, ("", ""))[0], NONE))
        b = new.get(path, (a[0], NONE))
        if a[1] != b[1]:
            changes.append(Change(path, b[0] or a[0], a[1], b[1]))
    return changes


def field_table(
    offer: dict[str, Any], previous: dict[str, Any] | None, current: dict[str, Any]
) -> list[FieldRow]:
    """Every field of ``current`` (and those it dropped) beside the offer and the previous."""
    o, c = flatten_words(offer), flatten_words(current)
    p = flatten_words(previous) if previous is not None else {}
    paths = [*c, *(x for x in p if x not in c), *(x for x in o if x not in c and x not in p)]
    rows = []
    for path in paths:
        label = (c.get(path) or p.get(path) or o.get(path) or ("", ""))[0]
        now = c.get(path, ("", NONE))[1]
        before = None if previous is None else p.get(path, ("", NONE))[1]
        in_offer = o.get(path, ("", NONE))[1]
        rows.append(
            FieldRow(
                path=path,
                label=label,
                offer=in_offer if path not in _DATES else "",
                previous=before,
                current=now,
                vs_offer=path not in _DATES and in_offer != now,
                vs_previous=before is not None and before != now,
            )
        )
    return rows


def offer_as_terms(offer: Any) -> dict[str, Any]:
    """The published offer in a version's shape: its fee model and term in months."""
    if "valuation_amount" in offer.terms:
        return dict(offer.terms)
    return {**offer.terms, "fee_model": offer.fee_model, "term_months": offer.term_months}


def past_start(terms: dict[str, Any], proposed_on: dt.date) -> PastStart | None:
    """What was already due on ``proposed_on`` under terms starting before it (engine's plan)."""
    try:
        start = dt.date.fromisoformat(str(terms.get("start")))
    except ValueError:
        return None
    if start >= proposed_on:
        return None
    try:
        contract = engine.parse_terms({**terms, "id": "diff"})
        schedule = engine.compute_schedule(contract, [], [], [], proposed_on)
    except InputError:
        return None
    due: list[tuple[str, str]] = []
    ended = 0
    for o in schedule.obligations:
        if o.kind == engine.ROYALTY:
            ended += 1
            continue
        if o.amount is None or o.due is None or o.due > proposed_on:
            continue
        what = "门槛费" if o.kind == engine.UPFRONT else f"阶段性支付·{o.key}"
        due.append((what, f"{yuan(o.amount or Decimal(0))} 元（{o.due} 到期）"))
    return PastStart(start, proposed_on, due, ended)


def version_rows(offer: Any, versions: list[Any]) -> list[VersionRow]:
    """Each version with its changes against the offer and against the version before it."""
    base = offer_as_terms(offer)
    rows: list[VersionRow] = []
    previous: dict[str, Any] | None = None
    for version in versions:
        against_previous = None if previous is None else diff(previous, version.terms)
        row = VersionRow(
            version=version,
            against_offer=diff(base, version.terms),
            against_previous=against_previous,
            past_start=past_start(version.terms, timezone.localtime(version.created_at).date()),
        )
        row.table = field_table(base, previous, version.terms)
        rows.append(row)
        previous = version.terms
    return rows
