"""Use-first-pay-later (先使用后付费) licences: the payment schedule at a date.

Implements /shared/domain/LICENSING.md (guide articles 2 and 6): the three fee models
(``royalty``, ``staged``, ``staged_royalty``), the upfront fee (门槛费), installments
(阶段性支付, fixed dates 一般节点 or milestones 里程碑节点), royalties (收入提成, flat rate or
marginal tiers, optional cap 提成封顶), allocation of payments oldest-due first, statuses and
alerts. ``docs/engines/licensing.md`` is the user-facing description, including the choices
made where LICENSING.md is silent.

Two ways in:

* ``run(doc) -> dict``: the JSON document of ``zhuanhua licensing schedule`` in, the JSON
  result out. This is the hot path (bench/schedule.py); it parses straight into tuples and
  never builds the dataclasses.
* the typed API for the web app: ``parse_terms`` / ``parse_input`` build frozen dataclasses,
  ``compute_schedule`` returns a :class:`Schedule`, ``schedule_to_json`` renders it exactly
  as ``run`` does. ``royalty_periods`` lists the reporting periods of a term.

Both share the validation and the computation (``_cross_check`` and ``_compute``), so they
cannot drift apart. Every refusal is an :class:`InputError` whose path names the JSON field.
No Django import.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from itertools import accumulate, compress, repeat
from operator import itemgetter, methodcaller, sub
from typing import Any, NoReturn

from zhuanhua.engines.common import (
    CENT,
    ZERO,
    InputError,
    parse_date,
    parse_decimal,
    parse_money,
    require,
)

FEE_MODELS = ("royalty", "staged", "staged_royalty")
ROYALTY_MODELS = frozenset({"royalty", "staged_royalty"})
STAGED_MODELS = frozenset({"staged", "staged_royalty"})
PERIOD_MONTHS = {"quarter": 3, "half": 6, "year": 12}
DEFAULT_REPORT_WITHIN_DAYS = 30
DEFAULT_PAY_WITHIN_DAYS = 30
DEFAULT_RISK_DAYS = 90
MONEY_LIMIT = Decimal("1E15")
ONE = Decimal(1)

# Obligation kinds, in the order of the tie-break of the allocation.
UPFRONT = "upfront"
INSTALLMENT = "installment"
ROYALTY = "royalty"
UPFRONT_KEY = "upfront"

# Statuses.
PAID = "paid"
OPEN = "open"
OVERDUE = "overdue"
PENDING_MILESTONE = "pending_milestone"
AWAITING_REPORT = "awaiting_report"
REPORT_MISSING = "report_missing"
STATUSES = (PAID, OPEN, OVERDUE, PENDING_MILESTONE, AWAITING_REPORT, REPORT_MISSING)

# Alert codes.
ALERT_OVERDUE = "overdue"
ALERT_REPORT_MISSING = "report_missing"
ALERT_DEFAULT_RISK = "default_risk"

_KIND_RANK = {UPFRONT: 0, INSTALLMENT: 1, ROYALTY: 2}
_DAY = dt.timedelta(days=1)
_fromiso = dt.date.fromisoformat


# --------------------------------------------------------------------------------------------
# Typed model


@dataclass(frozen=True, slots=True)
class Installment:
    """阶段性支付: ``due`` (一般节点) or ``milestone`` + ``days_after`` (里程碑节点)."""

    key: str
    amount: Decimal
    due: dt.date | None = None
    milestone: str | None = None
    days_after: int = 0


@dataclass(frozen=True, slots=True)
class Tier:
    """One marginal bracket: ``rate`` applies to cumulative revenue up to ``up_to``."""

    up_to: Decimal | None
    rate: Decimal


@dataclass(frozen=True, slots=True)
class RoyaltyTerms:
    """收入提成: exactly one of ``rate`` and ``tiers`` is set."""

    period: str
    rate: Decimal | None = None
    tiers: tuple[Tier, ...] = ()
    report_within_days: int = DEFAULT_REPORT_WITHIN_DAYS
    pay_within_days: int = DEFAULT_PAY_WITHIN_DAYS
    cap_total: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Terms:
    """The payment terms of one licence (the ``contract`` object)."""

    id: str
    fee_model: str
    start: dt.date
    end: dt.date
    upfront_fee: Decimal = ZERO
    upfront_due: dt.date | None = None  # None: the start of the term
    installments: tuple[Installment, ...] = ()
    royalty: RoyaltyTerms | None = None
    grace_days: int = 0


@dataclass(frozen=True, slots=True)
class Milestone:
    """A milestone named by installments; ``achieved_on`` None while not achieved."""

    key: str
    achieved_on: dt.date | None


@dataclass(frozen=True, slots=True)
class RevenueReport:
    period_start: dt.date
    period_end: dt.date
    revenue: Decimal
    reported_on: dt.date


@dataclass(frozen=True, slots=True)
class Payment:
    date: dt.date
    amount: Decimal
    ref: str | None = None


@dataclass(slots=True)
class Obligation:
    """One line of the schedule. Money is quantized to 0.01; None where unknown."""

    kind: str
    key: str | None
    period_start: dt.date | None
    period_end: dt.date | None
    base: Decimal | None
    amount: Decimal | None
    due: dt.date | None
    paid: Decimal
    outstanding: Decimal | None
    status: str
    days_overdue: int | None


@dataclass(slots=True)
class Totals:
    billed: Decimal
    scheduled: Decimal
    paid: Decimal
    outstanding: Decimal
    overdue: Decimal
    unallocated: Decimal


@dataclass(slots=True)
class Alert:
    code: str
    key: str | None
    period_start: dt.date | None


@dataclass(slots=True)
class Schedule:
    obligations: list[Obligation]
    totals: Totals
    alerts: list[Alert]


# --------------------------------------------------------------------------------------------
# Periods


def royalty_periods(start: dt.date, end: dt.date, period: str) -> list[tuple[dt.date, dt.date]]:
    """The reporting periods of a term, inclusive ``(start, end)`` pairs in time order.

    Calendar-aligned quarters (Jan/Apr/Jul/Oct), halves (Jan/Jul) or years; the first and the
    last are clipped to the term. An empty list when ``end`` is before ``start``.
    """
    if period not in PERIOD_MONTHS:
        raise ValueError(f"unknown royalty period {period!r}")
    return list(_periods(start, end, period))


@lru_cache(maxsize=8192)
def _periods(start: dt.date, end: dt.date, period: str) -> tuple[tuple[dt.date, dt.date], ...]:
    step = PERIOD_MONTHS[period]
    out: list[tuple[dt.date, dt.date]] = []
    current = start
    while current <= end:
        first_month = (current.month - 1) // step * step + 1
        next_month = first_month + step
        if next_month > 12:
            following = dt.date(current.year + 1, next_month - 12, 1)
        else:
            following = dt.date(current.year, next_month, 1)
        last = following - _DAY
        out.append((current, last if last < end else end))
        current = following
    return tuple(out)


@lru_cache(maxsize=8192)
def _period_index(start: dt.date, end: dt.date, period: str) -> dict[dt.date, dt.date]:
    return dict(_periods(start, end, period))


# --------------------------------------------------------------------------------------------
# Field parsers. Each takes the object, the field name and the object's path, and builds the
# field's path only to report an error: the common case costs no string formatting.


def _at(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _obj(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InputError(path, "must be an object")
    return value


def _list(value: Any, path: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise InputError(path, "must be a list")
    return value


def _fast_money(value: Any) -> Decimal | None:
    """A valid amount quantized to 0.01 (so str() prints it), or None to take the slow path."""
    if value is True or value is False:
        return None
    try:
        number = Decimal(value)
        rounded = number.quantize(CENT)
    except (InvalidOperation, TypeError, ValueError):
        return None
    if rounded == number and ZERO <= rounded < MONEY_LIMIT:
        return rounded if rounded else ZERO  # no "-0.00"
    return None


def _slow_money(value: Any, path: str) -> Decimal:
    """The precise refusal for what _fast_money did not accept (or the odd valid float)."""
    try:
        result = parse_money(value, path)
    except InvalidOperation:  # too many digits to quantize
        raise InputError(path, "must be less than 10^15") from None
    if result >= MONEY_LIMIT:
        raise InputError(path, "must be less than 10^15")
    return result.quantize(CENT) if result else ZERO


def _money(doc: dict[str, Any], key: str, path: str, default: Decimal | None = None) -> Decimal:
    """A non-negative amount in yuan, at most two decimals, below 10^15."""
    value = doc.get(key)
    if value is None:
        if default is None:
            raise InputError(_at(path, key), "is required")
        return default
    fast = _fast_money(value)
    return fast if fast is not None else _slow_money(value, _at(path, key))


def _rate(doc: dict[str, Any], key: str, path: str) -> Decimal:
    value = doc.get(key)
    if value is None:
        raise InputError(_at(path, key), "is required")
    rate = parse_decimal(value, _at(path, key), allow_negative=True)
    if rate < 0 or rate > ONE:
        raise InputError(_at(path, key), f"must be between 0 and 1, got {rate}")
    return rate


def _days(doc: dict[str, Any], key: str, path: str, default: int | None = None) -> int:
    value = doc.get(key)
    if value is None:
        if default is None:
            raise InputError(_at(path, key), "is required")
        return default
    if type(value) is int and value >= 0:
        return value
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise InputError(_at(path, key), "must be a whole number of days")
    if isinstance(value, Decimal) and (not value.is_finite() or value != value.to_integral_value()):
        raise InputError(_at(path, key), "must be a whole number of days")
    days = int(value)
    if days < 0:
        raise InputError(_at(path, key), "must not be negative")
    return days


def _key(doc: dict[str, Any], key: str, path: str, required: bool = True) -> str | None:
    """A non-empty identifier; numbers are accepted and turned into strings."""
    value = doc.get(key)
    if type(value) is str:
        text = value.strip()
        if text:
            return text
    if value is None:
        if required:
            raise InputError(_at(path, key), "is required")
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise InputError(_at(path, key), "must be a string")
    text = str(value).strip()
    if not text:
        raise InputError(_at(path, key), "must not be empty")
    return text


def _required_key(doc: dict[str, Any], key: str, path: str) -> str:
    text = _key(doc, key, path)
    assert text is not None
    return text


def _date(doc: dict[str, Any], key: str, path: str) -> dt.date:
    """A required ISO date."""
    value = doc.get(key)
    if type(value) is str:
        try:
            return _fromiso(value)
        except ValueError:
            pass
    return parse_date(require(doc, key, path), _at(path, key))


# --------------------------------------------------------------------------------------------
# Terms


def parse_terms(doc: Any, path: str = "contract") -> Terms:
    """The ``contract`` object to :class:`Terms`, refusing everything LICENSING.md refuses."""
    c = _obj(doc, path)
    terms_id = _required_key(c, "id", path)
    fee_model = c.get("fee_model")
    if fee_model not in FEE_MODELS:
        if fee_model is None:
            raise InputError(_at(path, "fee_model"), "is required")
        raise InputError(
            _at(path, "fee_model"),
            f"unknown fee model {fee_model!r}; expected royalty, staged or staged_royalty",
        )
    start = _date(c, "start", path)
    end = _date(c, "end", path)
    upfront_due = start if c.get("upfront_due") is None else _date(c, "upfront_due", path)
    installments_raw = _list(c.get("installments"), _at(path, "installments"))
    installments = tuple(
        _parse_installment(item, f"{path}.installments[{i}]")
        for i, item in enumerate(installments_raw)
    )
    royalty_raw = c.get("royalty")
    royalty = None if royalty_raw is None else _parse_royalty(royalty_raw, _at(path, "royalty"))
    terms = Terms(
        id=terms_id,
        fee_model=fee_model,
        start=start,
        end=end,
        upfront_fee=_money(c, "upfront_fee", path, ZERO),
        upfront_due=upfront_due,
        installments=installments,
        royalty=royalty,
        grace_days=_days(c, "grace_days", path, 0),
    )
    check_terms(terms, path)
    return terms


def _parse_installment(doc: Any, path: str) -> Installment:
    item = _obj(doc, path)
    key = _required_key(item, "key", path)
    amount = _money(item, "amount", path)
    has_due = item.get("due") is not None
    has_milestone = item.get("milestone") is not None
    if has_due and has_milestone:
        raise InputError(path, "give either due (一般节点) or milestone (里程碑节点), not both")
    if has_due:
        if item.get("days_after") is not None:
            raise InputError(_at(path, "days_after"), "only a milestone installment has it")
        return Installment(key, amount, _date(item, "due", path))
    if not has_milestone:
        raise InputError(_at(path, "due"), "is required (or milestone and days_after)")
    milestone = _required_key(item, "milestone", path)
    return Installment(key, amount, None, milestone, _days(item, "days_after", path))


def _parse_royalty(doc: Any, path: str) -> RoyaltyTerms:
    r = _obj(doc, path)
    period = r.get("period")
    if period not in PERIOD_MONTHS:
        if period is None:
            raise InputError(_at(path, "period"), "is required")
        raise InputError(
            _at(path, "period"), f"unknown period {period!r}; expected quarter, half or year"
        )
    has_rate = r.get("rate") is not None
    has_tiers = r.get("tiers") is not None
    if has_rate and has_tiers:
        raise InputError(path, "give rate or tiers, not both")
    if not has_rate and not has_tiers:
        raise InputError(_at(path, "rate"), "is required (or tiers)")
    tiers: list[Tier] = []
    if has_tiers:
        tiers_path = _at(path, "tiers")
        tiers_raw = _list(r["tiers"], tiers_path)
        if not tiers_raw:
            raise InputError(tiers_path, "must not be empty")
        for i, tier_doc in enumerate(tiers_raw):
            tier_path = f"{tiers_path}[{i}]"
            tier = _obj(tier_doc, tier_path)
            up_to = None if tier.get("up_to") is None else _money(tier, "up_to", tier_path)
            tiers.append(Tier(up_to, _rate(tier, "rate", tier_path)))
    return RoyaltyTerms(
        period=period,
        rate=_rate(r, "rate", path) if has_rate else None,
        tiers=tuple(tiers),
        report_within_days=_days(r, "report_within_days", path, DEFAULT_REPORT_WITHIN_DAYS),
        pay_within_days=_days(r, "pay_within_days", path, DEFAULT_PAY_WITHIN_DAYS),
        cap_total=None if r.get("cap_total") is None else _money(r, "cap_total", path),
    )


def check_terms(terms: Terms, path: str = "contract") -> None:
    """The rules of LICENSING.md on one licence's terms; parse_terms calls it.

    Call it on :class:`Terms` built by hand before :func:`compute_schedule`.
    """
    fee_model = terms.fee_model
    if fee_model not in FEE_MODELS:
        raise InputError(_at(path, "fee_model"), f"unknown fee model {fee_model!r}")
    if terms.end < terms.start:
        raise InputError(_at(path, "end"), f"{terms.end} is before start {terms.start}")
    if terms.upfront_fee < 0:
        raise InputError(_at(path, "upfront_fee"), "must not be negative")
    if terms.grace_days < 0:
        raise InputError(_at(path, "grace_days"), "must not be negative")
    staged = fee_model in STAGED_MODELS
    if staged and not terms.installments:
        raise InputError(_at(path, "installments"), f"must not be empty for fee_model {fee_model}")
    if not staged and terms.installments:
        raise InputError(_at(path, "installments"), f"must be empty for fee_model {fee_model}")
    has_royalty = fee_model in ROYALTY_MODELS
    if has_royalty and terms.royalty is None:
        raise InputError(_at(path, "royalty"), f"is required for fee_model {fee_model}")
    if not has_royalty and terms.royalty is not None:
        raise InputError(_at(path, "royalty"), f"must be absent for fee_model {fee_model}")
    seen: dict[str, int] = {}
    for i, inst in enumerate(terms.installments):
        if inst.key in seen:
            raise InputError(
                f"{path}.installments[{i}].key",
                f"duplicate installment key {inst.key!r} (also installments[{seen[inst.key]}])",
            )
        seen[inst.key] = i
        if inst.amount < 0:
            raise InputError(f"{path}.installments[{i}].amount", "must not be negative")
        if (inst.due is None) == (inst.milestone is None):
            raise InputError(
                f"{path}.installments[{i}]", "give either due or milestone, not both or neither"
            )
        if inst.days_after < 0:
            raise InputError(f"{path}.installments[{i}].days_after", "must not be negative")
    if terms.royalty is not None:
        _check_royalty(terms.royalty, _at(path, "royalty"))


def _check_royalty(r: RoyaltyTerms, path: str) -> None:
    if r.period not in PERIOD_MONTHS:
        raise InputError(_at(path, "period"), f"unknown period {r.period!r}")
    if (r.rate is None) == (not r.tiers):
        raise InputError(path, "give rate or tiers, not both or neither")
    if r.rate is not None and not 0 <= r.rate <= 1:
        raise InputError(_at(path, "rate"), f"must be between 0 and 1, got {r.rate}")
    previous = ZERO
    last = len(r.tiers) - 1
    for i, tier in enumerate(r.tiers):
        if not 0 <= tier.rate <= 1:
            raise InputError(f"{path}.tiers[{i}].rate", f"must be between 0 and 1, got {tier.rate}")
        if tier.up_to is None:
            if i != last:
                raise InputError(
                    f"{path}.tiers[{i}].up_to", "only the last tier may be open (up_to null)"
                )
            continue
        if tier.up_to <= previous:
            if i == 0:
                raise InputError(f"{path}.tiers[{i}].up_to", "must be greater than 0")
            raise InputError(
                f"{path}.tiers[{i}].up_to",
                f"tiers must ascend: {tier.up_to} is not above the previous up_to {previous}",
            )
        previous = tier.up_to
        if i == last:
            raise InputError(f"{path}.tiers[{i}].up_to", "the last tier must be open (up_to null)")
    if r.report_within_days < 0:
        raise InputError(_at(path, "report_within_days"), "must not be negative")
    if r.pay_within_days < 0:
        raise InputError(_at(path, "pay_within_days"), "must not be negative")
    if r.cap_total is not None and r.cap_total < 0:
        raise InputError(_at(path, "cap_total"), "must not be negative")


# --------------------------------------------------------------------------------------------
# Milestones, reports, payments

_ReportRow = tuple[dt.date, dt.date, Decimal, dt.date]


def parse_milestone(doc: Any, path: str) -> Milestone:
    item = _obj(doc, path)
    key = _required_key(item, "key", path)
    achieved = None if item.get("achieved_on") is None else _date(item, "achieved_on", path)
    return Milestone(key, achieved)


def _report_slow(doc: Any, path: str) -> _ReportRow:
    item = _obj(doc, path)
    start = _date(item, "period_start", path)
    end = _date(item, "period_end", path)
    if end < start:
        raise InputError(_at(path, "period_end"), f"{end} is before period_start {start}")
    revenue = _money(item, "revenue", path)
    return start, end, revenue, _date(item, "reported_on", path)


def parse_revenue_report(doc: Any, path: str) -> RevenueReport:
    return RevenueReport(*_report_slow(doc, path))


def _report_rows(items: list[Any]) -> list[_ReportRow]:
    """run()'s report parser: tuples, not dataclasses; the same checks as _report_slow.

    The money check of _fast_money is inlined here and in _payments_total: these two loops
    are most of the work of a long licence.
    """
    rows = []
    fromiso = _fromiso
    decimal = Decimal
    cent = CENT
    limit = MONEY_LIMIT
    for i, item in enumerate(items):
        try:
            start = fromiso(item["period_start"])
            end = fromiso(item["period_end"])
            reported = fromiso(item["reported_on"])
            value = item["revenue"]
            number = decimal(value)
            revenue = number.quantize(cent)
            if (
                revenue != number
                or not ZERO < revenue < limit
                or end < start
                or value is True
                or value is False
            ):
                raise ValueError
        except (KeyError, TypeError, ValueError, InvalidOperation):
            start, end, revenue, reported = _report_slow(item, f"revenue_reports[{i}]")
        rows.append((start, end, revenue, reported))
    return rows


def parse_payment(doc: Any, path: str) -> Payment:
    item = _obj(doc, path)
    date = _date(item, "date", path)
    amount = _money(item, "amount", path)
    return Payment(date, amount, _key(item, "ref", path, required=False))


def _payments_total(items: list[Any], as_of: dt.date) -> Decimal:
    """run()'s payment parser: validates every payment, sums those dated on or before as_of."""
    total = ZERO
    fromiso = _fromiso
    decimal = Decimal
    cent = CENT
    limit = MONEY_LIMIT
    for i, item in enumerate(items):
        try:
            date = fromiso(item["date"])
            value = item["amount"]
            number = decimal(value)
            amount = number.quantize(cent)
            ref = item.get("ref")
            if (
                amount != number
                or not ZERO < amount < limit
                or value is True
                or value is False
                or not (ref is None or type(ref) is str and ref)
            ):
                raise ValueError
        except (KeyError, TypeError, ValueError, AttributeError, InvalidOperation):
            payment = parse_payment(item, f"payments[{i}]")
            date, amount = payment.date, payment.amount
        if date <= as_of:
            total += amount
    return total


def parse_input(
    doc: Any,
) -> tuple[Terms, list[Milestone], list[RevenueReport], list[Payment], dt.date]:
    """The whole ``schedule`` document to typed values (cross-checks happen in compute)."""
    root = _obj(doc, "(document)")
    as_of = _date(root, "as_of", "")
    terms = parse_terms(require(root, "contract", ""), "contract")
    milestones = [
        parse_milestone(item, f"milestones[{i}]")
        for i, item in enumerate(_list(root.get("milestones"), "milestones"))
    ]
    reports = [
        parse_revenue_report(item, f"revenue_reports[{i}]")
        for i, item in enumerate(_list(root.get("revenue_reports"), "revenue_reports"))
    ]
    payments = [
        parse_payment(item, f"payments[{i}]")
        for i, item in enumerate(_list(root.get("payments"), "payments"))
    ]
    return terms, milestones, reports, payments, as_of


# --------------------------------------------------------------------------------------------
# Computation

# (kind, key, period_start, period_end, base, amount, due, paid, outstanding, status, days)
_Row = tuple[
    str,
    str | None,
    dt.date | None,
    dt.date | None,
    Decimal | None,
    Decimal | None,
    dt.date | None,
    Decimal,
    Decimal | None,
    str,
    int | None,
]
_Totals = tuple[Decimal, Decimal, Decimal, Decimal, Decimal, Decimal]
_AlertRow = tuple[str, str | None, dt.date | None]


def _cross_check(
    terms: Terms,
    milestones: Sequence[Milestone],
    reports: Sequence[_ReportRow],
    as_of: dt.date,
) -> tuple[dict[str, dt.date], dict[dt.date, Decimal]]:
    """Rules that need more than one object; returns achieved milestones and counted revenue."""
    achieved: dict[str, dt.date] = {}
    if milestones:
        used = {inst.milestone for inst in terms.installments if inst.milestone is not None}
        seen: set[str] = set()
        for i, m in enumerate(milestones):
            if m.key not in used:
                raise InputError(f"milestones[{i}].key", f"no installment uses milestone {m.key!r}")
            if m.key in seen:
                raise InputError(f"milestones[{i}].key", f"duplicate milestone {m.key!r}")
            seen.add(m.key)
            if m.achieved_on is not None and m.achieved_on <= as_of:
                achieved[m.key] = m.achieved_on
    revenue: dict[dt.date, Decimal] = {}
    if reports:
        royalty = terms.royalty
        if royalty is None:
            raise InputError(
                "revenue_reports[0].period_start",
                f"fee_model {terms.fee_model} has no royalty periods",
            )
        index = _period_index(terms.start, terms.end, royalty.period)
        seen_periods: set[dt.date] = set()
        for i, (start, end, amount, reported) in enumerate(reports):
            period_end = index.get(start)
            if period_end != end:
                _refuse_report(i, start, end, period_end, royalty.period, reports)
            if start in seen_periods:
                _refuse_report(i, start, end, period_end, royalty.period, reports)
            seen_periods.add(start)
            if reported <= as_of:
                revenue[start] = amount
    return achieved, revenue


def _refuse_report(
    i: int,
    start: dt.date,
    end: dt.date,
    period_end: dt.date | None,
    period: str,
    reports: Sequence[_ReportRow],
) -> NoReturn:
    path = f"revenue_reports[{i}]"
    if period_end is None:
        raise InputError(
            f"{path}.period_start", f"{start} does not start one of the licence's {period}s"
        )
    if period_end != end:
        raise InputError(
            f"{path}.period_end", f"the {period} starting {start} ends on {period_end}, not {end}"
        )
    first = next(j for j, row in enumerate(reports) if row[0] == start)
    raise InputError(
        f"{path}.period_start",
        f"a second report for the {period} starting {start} (first: revenue_reports[{first}])",
    )


def _tiered(tiers: tuple[Tier, ...], low: Decimal, high: Decimal) -> Decimal:
    """Exact marginal royalty on the cumulative revenue slice from ``low`` to ``high``."""
    total = ZERO
    floor = ZERO
    for tier in tiers:
        ceiling = tier.up_to
        if ceiling is None or ceiling > high:
            if high > floor:
                total += (high - (low if low > floor else floor)) * tier.rate
            break
        if ceiling > low:
            total += (ceiling - (low if low > floor else floor)) * tier.rate
        floor = ceiling
    return total


def _compute(
    terms: Terms,
    achieved: dict[str, dt.date],
    revenue: dict[dt.date, Decimal],
    paid_total: Decimal,
    as_of: dt.date,
) -> tuple[list[_Row], _Totals, list[_AlertRow]]:
    """The schedule as rows; every Decimal in it is quantized to 0.01."""
    # Pass 1: every obligation as (kind, key, ps, pe, base, amount, due, status); status is
    # set only for those without a known amount and due date, which take no payment.
    rows: list[tuple[Any, ...]] = []
    payable: list[tuple[Any, ...]] = []  # (due, kind rank, key or period start, row index)
    payable_total = ZERO
    due: dt.date | None
    if terms.upfront_fee:
        due = terms.upfront_due if terms.upfront_due is not None else terms.start
        payable.append((due, 0, "", 0))
        payable_total += terms.upfront_fee
        rows.append((UPFRONT, UPFRONT_KEY, None, None, None, terms.upfront_fee, due, None))
    for inst in terms.installments:
        due = inst.due
        if due is None:
            reached = achieved.get(inst.milestone) if inst.milestone is not None else None
            if reached is None:
                rows.append(
                    (INSTALLMENT, inst.key, None, None, None, inst.amount, None, PENDING_MILESTONE)
                )
                continue
            due = reached + dt.timedelta(days=inst.days_after)
        payable.append((due, 1, inst.key, len(rows)))
        payable_total += inst.amount
        rows.append((INSTALLMENT, inst.key, None, None, None, inst.amount, due, None))
    royalty = terms.royalty
    if royalty is not None:
        report_days = dt.timedelta(days=royalty.report_within_days)
        pay_days = dt.timedelta(days=royalty.pay_within_days)
        rate = royalty.rate
        tiers = royalty.tiers
        cap = royalty.cap_total
        cumulative = ZERO
        royalties = ZERO
        get_revenue = revenue.get
        for start, end in _periods(terms.start, terms.end, royalty.period):
            if end >= as_of:
                break
            base = get_revenue(start)
            if base is None:
                status = AWAITING_REPORT if as_of <= end + report_days else REPORT_MISSING
                rows.append((ROYALTY, None, start, end, None, None, None, status))
                continue
            if rate is not None:
                amount = (base * rate).quantize(CENT, ROUND_HALF_UP)
            else:
                high = cumulative + base
                amount = _tiered(tiers, cumulative, high).quantize(CENT, ROUND_HALF_UP)
                cumulative = high
            if cap is not None:
                room = cap - royalties
                if amount > room:
                    amount = room
                royalties += amount
            due = end + pay_days
            payable.append((due, 2, start, len(rows)))
            payable_total += amount
            rows.append((ROYALTY, None, start, end, base, amount, due, None))

    # Pass 2: allocate the pool of payments oldest-due first (ties: kind, key/period start).
    pool = paid_total
    paid = [ZERO] * len(rows)
    if pool >= payable_total:
        for _, _, _, index in payable:
            paid[index] = rows[index][5]
        pool -= payable_total
    elif pool:
        payable.sort()
        for _, _, _, index in payable:
            amount = rows[index][5]
            if pool >= amount:
                paid[index] = amount
                pool -= amount
            else:
                paid[index] = pool
                pool = ZERO
                break

    # Pass 3: statuses, totals, alerts.
    grace = terms.grace_days
    as_of_ordinal = as_of.toordinal()
    billed = scheduled = outstanding_total = overdue_total = ZERO
    default_risk = False
    out: list[_Row] = []
    alerts: list[_AlertRow] = []
    for (kind, key, start, end, base, amount, due, status), paid_amount in zip(
        rows, paid, strict=True
    ):
        if status is not None:
            # pending_milestone keeps its amount, all outstanding; no report: amount unknown
            out.append((kind, key, start, end, base, amount, None, ZERO, amount, status, None))
            if status == REPORT_MISSING:
                alerts.append((ALERT_REPORT_MISSING, key, start))
            continue
        outstanding = amount - paid_amount
        days = as_of_ordinal - due.toordinal()
        if days >= 0:
            billed += amount
            outstanding_total += outstanding
        else:
            scheduled += amount
        if not outstanding:
            out.append((kind, key, start, end, base, amount, due, paid_amount, ZERO, PAID, None))
        elif days > grace:
            out.append(
                (kind, key, start, end, base, amount, due, paid_amount, outstanding, OVERDUE, days)
            )
            overdue_total += outstanding
            alerts.append((ALERT_OVERDUE, key, start))
            if days > DEFAULT_RISK_DAYS:
                default_risk = True
        else:
            out.append(
                (kind, key, start, end, base, amount, due, paid_amount, outstanding, OPEN, None)
            )
    if default_risk:
        alerts.append((ALERT_DEFAULT_RISK, None, None))
    return out, (billed, scheduled, paid_total, outstanding_total, overdue_total, pool), alerts


def compute_schedule(
    contract: Terms,
    milestones: Sequence[Milestone],
    reports: Sequence[RevenueReport],
    payments: Sequence[Payment],
    as_of: dt.date,
) -> Schedule:
    """The schedule of one licence on ``as_of`` (LICENSING.md, "What exists at a date").

    Refuses, with JSON paths, milestones no installment uses, duplicate milestones, reports
    whose period is not a royalty period of the licence and two reports for one period.
    Money is rounded to 0.01 here too, so hand-built inputs give the same result as run().
    """
    report_rows = [
        (r.period_start, r.period_end, r.revenue.quantize(CENT, ROUND_HALF_UP), r.reported_on)
        for r in reports
    ]
    achieved, revenue = _cross_check(contract, milestones, report_rows, as_of)
    paid_total = ZERO
    for i, p in enumerate(payments):
        if p.amount < 0:
            raise InputError(f"payments[{i}].amount", "must not be negative")
        if p.date <= as_of:
            paid_total += p.amount.quantize(CENT, ROUND_HALF_UP)
    rows, totals, alerts = _compute(contract, achieved, revenue, paid_total, as_of)
    return Schedule(
        obligations=[Obligation(*row) for row in rows],
        totals=Totals(*totals),
        alerts=[Alert(*alert) for alert in alerts],
    )


# --------------------------------------------------------------------------------------------
# JSON


class _IsoDates(dict[dt.date | None, str | None]):
    """date -> ISO text, memoised (a subscript is cheaper than isoformat()); None -> None."""

    def __missing__(self, key: dt.date | None) -> str | None:
        if len(self) > 100_000:
            self.clear()
            self[None] = None
        text = None if key is None else key.isoformat()
        self[key] = text
        return text


_ISO = _IsoDates({None: None})


def _to_json(
    rows: Sequence[_Row], totals: Sequence[Decimal], alerts: Sequence[_AlertRow]
) -> dict[str, Any]:
    """Rows to the JSON document; every Decimal is already quantized, so str() prints it."""
    iso = _ISO
    obligations = [
        {
            "kind": kind,
            "key": key,
            "period_start": iso[start],
            "period_end": iso[end],
            "base": None if base is None else str(base),
            "amount": None if amount is None else str(amount),
            "due": iso[due],
            "paid": str(paid),
            "outstanding": None if outstanding is None else str(outstanding),
            "status": status,
            "days_overdue": days,
        }
        for kind, key, start, end, base, amount, due, paid, outstanding, status, days in rows
    ]
    billed, scheduled, paid_total, outstanding_total, overdue_total, unallocated = totals
    return {
        "obligations": obligations,
        "totals": {
            "billed": str(billed),
            "scheduled": str(scheduled),
            "paid": str(paid_total),
            "outstanding": str(outstanding_total),
            "overdue": str(overdue_total),
            "unallocated": str(unallocated),
        },
        "alerts": [
            {"code": code, "key": key, "period_start": iso[start]} for code, key, start in alerts
        ],
    }


def schedule_to_json(schedule: Schedule) -> dict[str, Any]:
    """The JSON shape of ``zhuanhua licensing schedule`` (exactly what :func:`run` returns)."""
    rows: list[_Row] = [
        (
            o.kind,
            o.key,
            o.period_start,
            o.period_end,
            _q_opt(o.base),
            _q_opt(o.amount),
            o.due,
            _q(o.paid),
            _q_opt(o.outstanding),
            o.status,
            o.days_overdue,
        )
        for o in schedule.obligations
    ]
    t = schedule.totals
    totals = [t.billed, t.scheduled, t.paid, t.outstanding, t.overdue, t.unallocated]
    alerts = [(a.code, a.key, a.period_start) for a in schedule.alerts]
    return _to_json(rows, [_q(value) for value in totals], alerts)


def _q(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


def _q_opt(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(CENT, ROUND_HALF_UP)


def run(doc: Any) -> dict[str, Any]:
    """``zhuanhua licensing schedule``: the input document to the schedule document.

    The fast path (:func:`_run_fast`) answers every document it fully accepts;
    anything it does not (an error, an unusual spelling of a number) is answered by the
    reference path :func:`_run_reference`, so results and refusals are those of the reference.
    """
    try:
        return _run_fast(doc)
    except Exception:  # noqa: BLE001 - the reference path gives the answer or the refusal
        return _run_reference(doc)


def _run_reference(doc: Any) -> dict[str, Any]:
    """The Decimal implementation of :func:`run`; the fast path must agree with it."""
    root = _obj(doc, "(document)")
    as_of = _date(root, "as_of", "")
    terms = parse_terms(require(root, "contract", ""), "contract")
    milestones = [
        parse_milestone(item, f"milestones[{i}]")
        for i, item in enumerate(_list(root.get("milestones"), "milestones"))
    ]
    reports = _report_rows(_list(root.get("revenue_reports"), "revenue_reports"))
    paid_total = _payments_total(_list(root.get("payments"), "payments"), as_of)
    achieved, revenue = _cross_check(terms, milestones, reports, as_of)
    rows, totals, alerts = _compute(terms, achieved, revenue, paid_total, as_of)
    return _to_json(rows, totals, alerts)


# --------------------------------------------------------------------------------------------
# Fast path: the same results in integer cents (bench/schedule.py; docs "Performance").
#
# _run_fast accepts only documents on which the reference path succeeds and raises _Slow (or
# any other exception) for everything else: the caller then runs _run_reference, which gives
# the result or the exact refusal. Money is integer cents, rates integer millionths (rates
# with more than 6 decimals, day counts above _MAX_DAYS and dates not spelled YYYY-MM-DD go
# to the reference path), so every amount is exact and rounding half-up is
# (2 * numerator + denominator) // (2 * denominator). The reference's Decimal arithmetic is
# exact on the same inputs (at most 17 + 7 significant digits per product, 28 available;
# cumulative tiered revenue is kept below _TIER_REVENUE_LIMIT), so both round the same exact
# value. Reports and payments are validated a column at a time (map, join, one regex);
# output dicts are copies of templates. tests/test_licensing_fastpath.py checks with
# hypothesis that the two paths agree on random documents, valid and broken.


class _Slow(Exception):
    """The fast path does not take this document; the reference path answers it."""


_MAX_ORDINAL = dt.date.max.toordinal()
_MAX_DAYS = 100_000  # larger day counts: reference path (its date arithmetic may overflow)
_RATE_SCALE = 10**6  # rates as integer millionths: exact for rates with up to 6 decimals
_TWICE_SCALE = 2 * _RATE_SCALE
_TIER_REVENUE_LIMIT = 10**20  # cents; below it the reference's Decimal arithmetic is exact
_MEMO_LIMIT = 100_000

# ISO date text (as isoformat() writes it) -> ordinal; and ordinal -> ISO text.
_ORDINALS: dict[str, int] = {}


class _IsoTexts(dict[int, str]):
    def __missing__(self, key: int) -> str:
        if len(self) >= _MEMO_LIMIT:
            self.clear()
        text = self[key] = dt.date.fromordinal(key).isoformat()
        return text


_ISO_TEXTS = _IsoTexts()


def _ford(value: Any) -> int:
    """A date spelled YYYY-MM-DD to its ordinal; any other spelling or a bad date: _Slow."""
    ordinal = _ORDINALS.get(value) if type(value) is str else None
    if ordinal is None:
        if type(value) is not str:
            raise _Slow
        day = _fromiso(value)
        if day.isoformat() != value:
            raise _Slow
        if len(_ORDINALS) >= _MEMO_LIMIT:
            _ORDINALS.clear()
        ordinal = _ORDINALS[value] = day.toordinal()
    return ordinal


def _ordinal_column(values: list[Any]) -> list[int]:
    """_ford of every value, from the memo (one C loop) when every one is in it."""
    ordinals = list(map(_ORDINALS.get, values))
    if None in ordinals:
        return [_ford(value) for value in values]
    return ordinals  # type: ignore[return-value]


# Money spelled as str(Decimal) writes a quantized amount below 10^15: "0.05", "1234.50".
_CANONICAL = r"(?:0|[1-9][0-9]{0,14})\.[0-9][0-9]"
_CANONICAL_LIST = re.compile(f"{_CANONICAL}(?:,{_CANONICAL})*")
_PLAIN_MONEY = re.compile(r"(0|[1-9][0-9]{0,14})(?:\.([0-9][0-9]))?")


def _fcents(value: Any) -> int:
    """A valid amount (what _money accepts) in integer cents; else _Slow."""
    if type(value) is str:
        match = _PLAIN_MONEY.fullmatch(value)
        if match is not None:
            whole, cents = match.groups()
            return int(whole) * 100 + int(cents) if cents else int(whole) * 100
    kind = type(value)
    if kind is str or kind is int or kind is Decimal:
        number = Decimal(value)
        rounded = number.quantize(CENT)
        if rounded == number and ZERO <= rounded < MONEY_LIMIT:
            return int(rounded.scaleb(2))
    raise _Slow


_TWO_DIGITS = [f"{i:02d}" for i in range(100)]


def _fmt(cents: int) -> str:
    """Integer cents (>= 0) as str() writes the quantized Decimal: 5 -> "0.05"."""
    return f"{cents // 100}.{_TWO_DIGITS[cents % 100]}"


def _cents_column(values: list[Any]) -> tuple[list[int], list[str]]:
    """_fcents of every value and the amounts' texts; canonical spellings in C loops."""
    try:
        joined = ",".join(values)
    except TypeError:
        joined = ""
    if _CANONICAL_LIST.fullmatch(joined):
        cents = list(map(int, joined.replace(".", "").split(",")))
        if len(cents) == len(values):  # a "," inside a value would shift them
            return cents, values
    cents = [_fcents(value) for value in values]
    return cents, list(map(_fmt, cents))


def _fdays(value: Any, default: int) -> int:
    if value is None:
        return default
    if type(value) is int and 0 <= value <= _MAX_DAYS:
        return value
    raise _Slow


def _fkey(value: Any) -> str:
    if type(value) is str:
        text = value.strip()
        if text:
            return text
    raise _Slow


_RATES: dict[str, int] = {}


def _frate(value: Any) -> int:
    """A rate in [0, 1] with at most 6 decimals, as integer millionths; else _Slow."""
    if type(value) is str:
        millionths = _RATES.get(value)
        if millionths is not None:
            return millionths
    elif type(value) is not Decimal:
        raise _Slow
    rate = Decimal(value)
    if not rate.is_finite() or rate.is_signed() or rate > 1:
        raise _Slow
    exponent = rate.as_tuple().exponent
    if not isinstance(exponent, int) or exponent < -6:
        raise _Slow
    millionths = int(rate.scaleb(6))
    if type(value) is str:
        if len(_RATES) >= 1000:
            _RATES.clear()
        _RATES[value] = millionths
    return millionths


_TABLES: dict[tuple[int, int, str], tuple[list[str], list[str], list[int], dict[str, int]]] = {}


def _period_table(
    start: int, end: int, period: str
) -> tuple[list[str], list[str], list[int], dict[str, int]]:
    """The royalty periods as start texts, end texts, end ordinals, start text -> index."""
    key = (start, end, period)
    table = _TABLES.get(key)
    if table is None:
        pairs = _periods(dt.date.fromordinal(start), dt.date.fromordinal(end), period)
        starts = [p_start.isoformat() for p_start, _ in pairs]
        table = (
            starts,
            [p_end.isoformat() for _, p_end in pairs],
            [p_end.toordinal() for _, p_end in pairs],
            {text: i for i, text in enumerate(starts)},
        )
        if len(_TABLES) >= 8192:
            _TABLES.clear()
        _TABLES[key] = table
    return table


def _tiered_amounts(tiers: list[tuple[int | None, int]], bases: list[int]) -> list[int]:
    """The royalty in cents of each period's revenue (cents), marginal tiers in order.

    A period whose cumulative revenue stays within the tier where it starts pays base x rate;
    one that crosses a bound goes through _tiered_cents. Both are the exact marginal royalty.
    """
    amounts = []
    tier = 0
    bound, rate = tiers[0]
    cumulative = 0
    for base in bases:
        high = cumulative + base
        if bound is None or high <= bound:
            amounts.append((base * rate * 2 + _RATE_SCALE) // _TWICE_SCALE)
        else:
            amounts.append(
                (_tiered_cents(tiers, cumulative, high) * 2 + _RATE_SCALE) // _TWICE_SCALE
            )
            while bound is not None and high > bound:
                tier += 1
                bound, rate = tiers[tier]
        cumulative = high
    return amounts


def _tiered_cents(tiers: list[tuple[int | None, int]], low: int, high: int) -> int:
    """_tiered in integers: cents x millionths."""
    total = 0
    floor = 0
    for ceiling, rate in tiers:
        if ceiling is None or ceiling > high:
            if high > floor:
                total += (high - (low if low > floor else floor)) * rate
            break
        if ceiling > low:
            total += (ceiling - (low if low > floor else floor)) * rate
        floor = ceiling
    return total


_get_start = itemgetter("period_start")
_get_end = itemgetter("period_end")
_get_revenue = itemgetter("revenue")
_get_reported = itemgetter("reported_on")
_get_amount = itemgetter("amount")
_get_date = itemgetter("date")
_get_ref = itemgetter("ref")
_get_ref_or_none = methodcaller("get", "ref")
_get_status = itemgetter("status")
_get_index = itemgetter(3)
_get_payable = itemgetter(4)
_ALERTING = (OVERDUE, REPORT_MISSING)
_MISSING_REPORT: dict[str, Any] = {
    "kind": ROYALTY,
    "key": None,
    "period_start": None,
    "period_end": None,
    "base": None,
    "amount": None,
    "due": None,
    "paid": "0.00",
    "outstanding": None,
    "status": None,
    "days_overdue": None,
}
_PAID_ROYALTY: dict[str, Any] = {
    "kind": ROYALTY,
    "key": None,
    "period_start": None,
    "period_end": None,
    "base": None,
    "amount": None,
    "due": None,
    "paid": None,
    "outstanding": "0.00",
    "status": PAID,
    "days_overdue": None,
}


def _check_refs(payments: list[Any]) -> None:
    """Every ref is absent, null or a string with more than spaces; else _Slow."""
    try:
        refs = list(map(_get_ref, payments))
    except KeyError:
        refs = list(map(_get_ref_or_none, payments))
    nones = refs.count(None)
    if nones == len(refs):
        return
    if not nones:
        try:
            if all(map(str.strip, refs)):
                return
        except TypeError:
            pass
    for ref in refs:
        if ref is not None and (type(ref) is not str or not ref.strip()):
            raise _Slow


def _run_fast(root: dict[str, Any]) -> dict[str, Any]:  # noqa: C901, PLR0912, PLR0915
    """run() for documents the reference path accepts; raises _Slow (or any error) else."""
    if type(root) is not dict:
        raise _Slow
    as_of = _ford(root["as_of"])
    c = root["contract"]
    if type(c) is not dict:
        raise _Slow
    _fkey(c["id"])
    fee_model = c["fee_model"]
    has_royalty = fee_model == "royalty" or fee_model == "staged_royalty"
    staged = fee_model == "staged" or fee_model == "staged_royalty"
    if not (has_royalty or staged):
        raise _Slow
    start = _ford(c["start"])
    end = _ford(c["end"])
    if end < start:
        raise _Slow
    upfront_due = c.get("upfront_due")
    upfront_due = start if upfront_due is None else _ford(upfront_due)
    upfront_fee = c.get("upfront_fee")
    upfront_fee = 0 if upfront_fee is None else _fcents(upfront_fee)
    grace = _fdays(c.get("grace_days"), 0)

    # Installments: (key, cents, due ordinal or None, milestone or None, days_after).
    installments: list[tuple[str, int, int | None, str | None, int]] = []
    installments_raw = c.get("installments")
    if installments_raw is not None:
        if type(installments_raw) is not list:
            raise _Slow
        keys: set[str] = set()
        for item in installments_raw:
            if type(item) is not dict:
                raise _Slow
            key = _fkey(item["key"])
            if key in keys:
                raise _Slow
            keys.add(key)
            amount = _fcents(item["amount"])
            due_raw = item.get("due")
            milestone_raw = item.get("milestone")
            if due_raw is not None:
                if milestone_raw is not None or item.get("days_after") is not None:
                    raise _Slow
                installments.append((key, amount, _ford(due_raw), None, 0))
            elif milestone_raw is not None:
                days_after = item["days_after"]
                if type(days_after) is not int or not 0 <= days_after <= _MAX_DAYS:
                    raise _Slow
                installments.append((key, amount, None, _fkey(milestone_raw), days_after))
            else:
                raise _Slow
    if staged != bool(installments):
        raise _Slow

    # Royalty terms: a rate or marginal tiers (millionths), cents elsewhere.
    r = c.get("royalty")
    if has_royalty != (r is not None):
        raise _Slow
    rate: int | None = None
    tiers: list[tuple[int | None, int]] = []
    cap: int | None = None
    period = ""
    report_days = pay_days = 0
    if r is not None:
        if type(r) is not dict:
            raise _Slow
        period = r["period"]
        if period not in PERIOD_MONTHS:
            raise _Slow
        rate_raw = r.get("rate")
        tiers_raw = r.get("tiers")
        if rate_raw is not None:
            if tiers_raw is not None:
                raise _Slow
            rate = _frate(rate_raw)
        else:
            if type(tiers_raw) is not list or not tiers_raw:
                raise _Slow
            previous = 0
            last = len(tiers_raw) - 1
            for i, tier in enumerate(tiers_raw):
                if type(tier) is not dict:
                    raise _Slow
                up_to = tier.get("up_to")
                if up_to is None:
                    if i != last:
                        raise _Slow
                else:
                    up_to = _fcents(up_to)
                    if i == last or up_to <= previous:
                        raise _Slow
                    previous = up_to
                tiers.append((up_to, _frate(tier["rate"])))
        report_days = _fdays(r.get("report_within_days"), DEFAULT_REPORT_WITHIN_DAYS)
        pay_days = _fdays(r.get("pay_within_days"), DEFAULT_PAY_WITHIN_DAYS)
        cap_raw = r.get("cap_total")
        cap = None if cap_raw is None else _fcents(cap_raw)
        if end + _MAX_DAYS > _MAX_ORDINAL:
            raise _Slow

    # Milestones: used by an installment, not twice; achieved on or before as_of counts.
    achieved: dict[str, int] = {}
    milestones_raw = root.get("milestones")
    if milestones_raw:
        if type(milestones_raw) is not list:
            raise _Slow
        used = {inst[3] for inst in installments if inst[3] is not None}
        seen: set[str] = set()
        for item in milestones_raw:
            if type(item) is not dict:
                raise _Slow
            key = _fkey(item["key"])
            if key not in used or key in seen:
                raise _Slow
            seen.add(key)
            achieved_raw = item.get("achieved_on")
            if achieved_raw is not None:
                day = _ford(achieved_raw)
                if day <= as_of:
                    if day + _MAX_DAYS > _MAX_ORDINAL:
                        raise _Slow
                    achieved[key] = day
    elif milestones_raw is not None and type(milestones_raw) is not list:
        raise _Slow

    # Revenue reports, a column at a time: the counted ones as (period index, cents, text).
    counted_reports: list[tuple[int, int, str]] = []
    reports_raw = root.get("revenue_reports")
    if reports_raw:
        if type(reports_raw) is not list or r is None:
            raise _Slow
        p_starts, p_ends, _, index = _period_table(start, end, period)
        starts = list(map(_get_start, reports_raw))
        ends = list(map(_get_end, reports_raw))
        first = index.get(starts[0])
        last = first + len(starts) if first is not None else 0
        found: Any
        if first is not None and starts == p_starts[first:last] and ends == p_ends[first:last]:
            found = range(first, last)  # consecutive periods in order (the usual case)
        else:
            found = list(map(index.get, starts))
            if None in found or len(set(found)) != len(found):
                raise _Slow
            if list(map(p_ends.__getitem__, found)) != ends:  # type: ignore[arg-type]
                raise _Slow
        cents, texts = _cents_column(list(map(_get_revenue, reports_raw)))
        if tiers and sum(cents) >= _TIER_REVENUE_LIMIT:
            raise _Slow
        reported = _ordinal_column(list(map(_get_reported, reports_raw)))
        counted_reports = list(
            compress(zip(found, cents, texts, strict=True), map(as_of.__ge__, reported))
        )
        if type(found) is not range:
            counted_reports.sort()
    elif reports_raw is not None and type(reports_raw) is not list:
        raise _Slow

    # Payments: the total in cents of those dated on or before as_of.
    paid_total = 0
    payments_raw = root.get("payments")
    if payments_raw:
        if type(payments_raw) is not list:
            raise _Slow
        _check_refs(payments_raw)
        amounts, _ = _cents_column(list(map(_get_amount, payments_raw)))
        dates = _ordinal_column(list(map(_get_date, payments_raw)))
        if max(dates) <= as_of:
            paid_total = sum(amounts)
        else:
            paid_total = sum(compress(amounts, map(as_of.__ge__, dates)))
    elif payments_raw is not None and type(payments_raw) is not list:
        raise _Slow

    # Obligations before the royalties: (kind, key, cents, due ordinal or None, status).
    rows: list[tuple[Any, ...]] = []
    payable: list[tuple[Any, ...]] = []  # (due, kind rank, key or period start, row, cents)
    payable_total = 0
    if upfront_fee:
        payable.append((upfront_due, 0, "", 0, upfront_fee))
        payable_total += upfront_fee
        rows.append((UPFRONT, UPFRONT_KEY, upfront_fee, upfront_due, None))
    for key, amount, due, milestone, days_after in installments:
        if due is None:
            reached = achieved.get(milestone) if milestone is not None else None
            if reached is None:
                rows.append((INSTALLMENT, key, amount, None, PENDING_MILESTONE))
                continue
            due = reached + days_after
        payable.append((due, 1, key, len(rows), amount))
        payable_total += amount
        rows.append((INSTALLMENT, key, amount, due, None))

    # Royalty periods ended before as_of (m of them), each as its output dict, first as if
    # paid in full; the n with a counted report also as columns (cents, due, dict).
    m = n = 0
    royalty_obligations: list[dict[str, Any]] = []
    r_amount: list[int] = []
    r_due: list[int] = []
    r_dicts: list[dict[str, Any]] = []
    reports_missing = False
    if r is not None:
        p_starts, p_ends, p_end_ords, _ = _period_table(start, end, period)
        m = bisect_left(p_end_ords, as_of)
        n = bisect_left(counted_reports, (m,))
        if n < len(counted_reports):
            del counted_reports[n:]  # reports for periods not ended yet create nothing
        if n:
            bases = [row[1] for row in counted_reports]
            if rate is not None:
                twice = 2 * rate
                r_amount = [(base * twice + _RATE_SCALE) // _TWICE_SCALE for base in bases]
            else:
                r_amount = _tiered_amounts(tiers, bases)
            if cap is not None and sum(r_amount) > cap:
                # The cap: the royalties so far are min(cap, their sum without the cap).
                capped = list(map(min, accumulate(r_amount), repeat(cap)))
                r_amount = list(map(sub, capped, [0, *capped]))
            payable_total += sum(r_amount)
        add_due = r_due.append
        add_dict = r_dicts.append
        iso_texts = _ISO_TEXTS
        two = _TWO_DIGITS
        copy_paid = _PAID_ROYALTY.copy
        for (i, _, base_text), amount in zip(counted_reports, r_amount, strict=True):
            due = p_end_ords[i] + pay_days
            add_due(due)
            obligation = copy_paid()
            obligation["period_start"] = p_starts[i]
            obligation["period_end"] = p_ends[i]
            obligation["base"] = base_text
            obligation["amount"] = obligation["paid"] = f"{amount // 100}.{two[amount % 100]}"
            obligation["due"] = iso_texts[due]
            add_dict(obligation)
        royalty_obligations = r_dicts
        if n < m:
            royalty_obligations = r_dicts.copy()
            if n and counted_reports[-1][0] == n - 1:
                gaps: Any = range(n, m)
            else:
                gaps = sorted(set(range(m)).difference([row[0] for row in counted_reports]))
            for i in gaps:
                if as_of <= p_end_ords[i] + report_days:
                    status = AWAITING_REPORT
                else:
                    status = REPORT_MISSING
                    reports_missing = True
                obligation = _MISSING_REPORT.copy()
                obligation["period_start"] = p_starts[i]
                obligation["period_end"] = p_ends[i]
                obligation["status"] = status
                royalty_obligations.insert(i, obligation)

    # Allocation oldest due first (ties: kind, key/period start). Royalty dues rise with the
    # period, so the royalties paid in full are the first `full` of them, then perhaps one
    # paid in part (`part`); `paid` holds what the other obligations got, by row.
    pool = paid_total
    full = n
    part = 0
    paid: dict[int, int] | None = None  # None: everything paid in full
    if pool >= payable_total:
        pool -= payable_total
    else:
        offset = len(rows)
        if n:
            # (royalty dues differ, so the third element is never compared)
            payable.extend(zip(r_due, repeat(2), repeat(""), range(offset, offset + n), r_amount))
        payable.sort()
        cumulative_paid = list(accumulate(map(_get_payable, payable)))
        count = bisect_right(cumulative_paid, pool)  # paid in full
        rows_paid = list(map(_get_index, payable[:count]))
        paid = dict(zip(rows_paid, map(_get_payable, payable[:count]), strict=True))
        remainder = pool - cumulative_paid[count - 1] if count else pool
        partial_row = payable[count][3]
        paid[partial_row] = remainder
        full = sum(map(offset.__le__, rows_paid))
        if partial_row >= offset:
            part = remainder
        pool = 0

    # Statuses, totals and alerts, straight into the JSON document.
    billed = scheduled = outstanding_total = overdue_total = 0
    default_risk = False
    obligations: list[dict[str, Any]] = []
    add = obligations.append
    alerts: list[dict[str, Any]] = []
    iso_texts = _ISO_TEXTS
    for j, (kind, key, amount, due, status) in enumerate(rows):
        amount_text = _fmt(amount)
        if status is not None:
            add(
                {
                    "kind": kind,
                    "key": key,
                    "period_start": None,
                    "period_end": None,
                    "base": None,
                    "amount": amount_text,
                    "due": None,
                    "paid": "0.00",
                    "outstanding": amount_text,
                    "status": status,
                    "days_overdue": None,
                }
            )
            continue
        paid_amount = amount if paid is None else paid.get(j, 0)
        outstanding = amount - paid_amount
        days = as_of - due
        if days >= 0:
            billed += amount
            outstanding_total += outstanding
        else:
            scheduled += amount
        days_overdue = None
        if not outstanding:
            status = PAID
            paid_text = amount_text
            outstanding_text = "0.00"
        else:
            if paid_amount:
                paid_text = _fmt(paid_amount)
                outstanding_text = _fmt(outstanding)
            else:
                paid_text = "0.00"
                outstanding_text = amount_text
            if days > grace:
                status = OVERDUE
                days_overdue = days
                overdue_total += outstanding
                alerts.append({"code": ALERT_OVERDUE, "key": key, "period_start": None})
                if days > DEFAULT_RISK_DAYS:
                    default_risk = True
            else:
                status = OPEN
        add(
            {
                "kind": kind,
                "key": key,
                "period_start": None,
                "period_end": None,
                "base": None,
                "amount": amount_text,
                "due": iso_texts[due],
                "paid": paid_text,
                "outstanding": outstanding_text,
                "status": status,
                "days_overdue": days_overdue,
            }
        )
    if m:
        royalty_alerts: list[dict[str, Any]] = []
        if n:
            billed_royalties = sum(r_amount[: bisect_right(r_due, as_of)])
            billed += billed_royalties
            scheduled += sum(r_amount) - billed_royalties
            # The royalties not paid in full: their paid, outstanding and status.
            for j in range(full, n):
                amount = r_amount[j]
                paid_amount = part if j == full else 0
                outstanding = amount - paid_amount
                if not outstanding:
                    continue
                obligation = r_dicts[j]
                days = as_of - r_due[j]
                if days >= 0:
                    outstanding_total += outstanding
                if paid_amount:
                    obligation["paid"] = _fmt(paid_amount)
                    obligation["outstanding"] = _fmt(outstanding)
                else:
                    obligation["paid"] = "0.00"
                    obligation["outstanding"] = obligation["amount"]
                if days > grace:
                    obligation["status"] = OVERDUE
                    obligation["days_overdue"] = days
                    overdue_total += outstanding
                    royalty_alerts.append(
                        {
                            "code": ALERT_OVERDUE,
                            "key": None,
                            "period_start": obligation["period_start"],
                        }
                    )
                    if days > DEFAULT_RISK_DAYS:
                        default_risk = True
                else:
                    obligation["status"] = OPEN
        obligations += royalty_obligations
        if reports_missing:
            # Alerts in the order of the obligations (the codes are the statuses).
            alerts += [
                {"code": o["status"], "key": None, "period_start": o["period_start"]}
                for o in royalty_obligations
                if o["status"] in _ALERTING
            ]
        elif royalty_alerts:
            alerts += royalty_alerts
    if default_risk:
        alerts.append({"code": ALERT_DEFAULT_RISK, "key": None, "period_start": None})
    return {
        "obligations": obligations,
        "totals": {
            "billed": _fmt(billed),
            "scheduled": _fmt(scheduled),
            "paid": _fmt(paid_total),
            "outstanding": _fmt(outstanding_total),
            "overdue": _fmt(overdue_total),
            "unallocated": _fmt(pool),
        },
        "alerts": alerts,
    }
