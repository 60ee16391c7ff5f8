"""Use-first-pay-later (先使用后付费) licences: the payment schedule at a date.

Implements /shared/domain/LICENSING.md (guide articles 2 and 6): the three fee models
(``royalty``, ``staged``, ``staged_royalty``), the upfront fee (门槛费), installments
(阶段性支付, fixed dates 一般节点 or milestones 里程碑节点), royalties (收入提成, flat rate or
marginal tiers, optional cap 提成封顶), allocation of payments oldest-due first, statuses and
alerts; and what happens after things go wrong: ending early (``terminated_on``), corrected
revenue reports (更正) and reversed payments (冲正). ``docs/engines/licensing.md`` is the
user-facing description, including the choices made where LICENSING.md is silent.

One implementation, in three steps: ``parse_input`` turns the JSON document of
``zhuanhua licensing schedule`` into records, ``compute_schedule`` returns a
:class:`Schedule`, ``schedule_to_json`` writes it; ``run`` is the three in a row. The web app
calls the same functions with records built from its rows. Every refusal is an
:class:`InputError` whose path names the JSON field and whose code names the rule
(``engines.messages`` renders it in Chinese). No Django import.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, TypeVar

from zhuanhua.engines.common import (
    CENT,
    ZERO,
    InputError,
    parse_date,
    parse_decimal,
    parse_money,
    round_money,
)

FEE_MODELS = ("royalty", "staged", "staged_royalty")
ROYALTY_MODELS = frozenset({"royalty", "staged_royalty"})
STAGED_MODELS = frozenset({"staged", "staged_royalty"})
PERIOD_MONTHS = {"quarter": 3, "half": 6, "year": 12}
DEFAULT_REPORT_WITHIN_DAYS = 30
DEFAULT_PAY_WITHIN_DAYS = 30
DEFAULT_RISK_DAYS = 90
MONEY_LIMIT = Decimal("1E15")

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
CANCELLED = "cancelled"  # not earned when the licence ended early (terminated_on)
STATUSES = (PAID, OPEN, OVERDUE, PENDING_MILESTONE, AWAITING_REPORT, REPORT_MISSING, CANCELLED)

# Alert codes.
ALERT_OVERDUE = "overdue"
ALERT_REPORT_MISSING = "report_missing"
ALERT_DEFAULT_RISK = "default_risk"

_KIND_RANK = {UPFRONT: 0, INSTALLMENT: 1, ROYALTY: 2}
_R = TypeVar("_R")


# --------------------------------------------------------------------------------------------
# Records: slotted dataclasses, never changed once built. Not frozen: a frozen dataclass sets each
# field through object.__setattr__, which makes building them much slower (docs/deploy.md).


@dataclass(slots=True)
class Installment:
    """阶段性支付: ``due`` (一般节点) or ``milestone`` + ``days_after`` (里程碑节点)."""

    key: str
    amount: Decimal
    due: dt.date | None = None
    milestone: str | None = None
    days_after: int = 0


@dataclass(slots=True)
class Tier:
    """One marginal bracket: ``rate`` applies to cumulative revenue up to ``up_to``."""

    up_to: Decimal | None
    rate: Decimal


@dataclass(slots=True)
class RoyaltyTerms:
    """收入提成: exactly one of ``rate`` and ``tiers`` is set."""

    period: str
    rate: Decimal | None = None
    tiers: tuple[Tier, ...] = ()
    report_within_days: int = DEFAULT_REPORT_WITHIN_DAYS
    pay_within_days: int = DEFAULT_PAY_WITHIN_DAYS
    cap_total: Decimal | None = None


@dataclass(slots=True)
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
    terminated_on: dt.date | None = None  # ended early: royalty periods stop here

    @property
    def last_day(self) -> dt.date:
        """The last day royalties accrue: ``terminated_on`` when the licence ended early."""
        return self.terminated_on if self.terminated_on is not None else self.end


@dataclass(slots=True)
class Milestone:
    """A milestone named by installments; ``achieved_on`` None while not achieved."""

    key: str
    achieved_on: dt.date | None


@dataclass(slots=True)
class RevenueReport:
    """One report of a period's revenue; a later ``reported_on`` corrects an earlier one."""

    period_start: dt.date
    period_end: dt.date
    revenue: Decimal
    reported_on: dt.date


@dataclass(slots=True)
class Payment:
    """Money received; counts from ``date`` until ``reversed_on`` (冲正), if ever."""

    date: dt.date
    amount: Decimal
    ref: str | None = None
    reversed_on: dt.date | None = None


@dataclass(slots=True)
class Obligation:
    """One line of the schedule; None where unknown.

    Built before allocation with nothing paid and ``status`` OPEN for those that take payment
    (``_allocate`` and ``_settle`` fill in the last three fields), else a final status.
    """

    kind: str
    key: str | None
    amount: Decimal | None
    due: dt.date | None
    status: str
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    base: Decimal | None = None
    paid: Decimal = ZERO
    outstanding: Decimal | None = None
    days_overdue: int | None = None


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
    last are clipped to the term (pass ``terminated_on`` as ``end`` for a licence that ended
    early). An empty list when ``end`` is before ``start``.
    """
    if period not in PERIOD_MONTHS:
        raise ValueError(f"unknown royalty period {period!r}")
    return list(_periods(start, end, period))


@lru_cache(maxsize=4096)  # many licences share a term; the periods are immutable
def _periods(start: dt.date, end: dt.date, period: str) -> tuple[tuple[dt.date, dt.date], ...]:
    step = PERIOD_MONTHS[period]
    out: list[tuple[dt.date, dt.date]] = []
    current = start
    while current <= end:
        next_month = (current.month - 1) // step * step + 1 + step
        if next_month > 12:
            following = dt.date(current.year + 1, next_month - 12, 1)
        else:
            following = dt.date(current.year, next_month, 1)
        last = following - dt.timedelta(days=1)
        out.append((current, min(last, end)))
        current = following
    return tuple(out)


@lru_cache(maxsize=4096)
def _period_ends(start: dt.date, end: dt.date, period: str) -> dict[dt.date, dt.date]:
    """Period start -> period end (read only: shared between calls)."""
    return dict(_periods(start, end, period))


# --------------------------------------------------------------------------------------------
# Field parsers: each takes the object, the field name and the object's path.


def _at(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _obj(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InputError(path, "must be an object", "not_object")
    return value


def _list(value: Any, path: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise InputError(path, "must be a list", "not_list")
    return value


def _required(doc: dict[str, Any], key: str, path: str) -> Any:
    value = doc.get(key)
    if value is None:
        raise InputError(_at(path, key), "is required", "required")
    return value


def _money(doc: dict[str, Any], key: str, path: str, default: Decimal | None = None) -> Decimal:
    """A non-negative amount in yuan, at most two decimals, below 10^15, quantized to 0.01.

    A licence has dozens of amounts: the usual spellings (a decimal string, an integer) are
    checked here in a few operations; anything else goes to ``parse_money``, which accepts it
    or names the fault.
    """
    value = doc.get(key)
    if value is None and default is not None:
        return default
    if type(value) is str or type(value) is int or type(value) is Decimal:
        try:
            amount = Decimal(value)
            cents = amount.quantize(CENT)
        except InvalidOperation:
            pass
        else:
            if cents == amount and ZERO <= cents < MONEY_LIMIT:
                return cents if cents else ZERO  # never "-0.00"
    field = _at(path, key)
    amount = parse_money(_required(doc, key, path), field)
    if amount >= MONEY_LIMIT:
        raise InputError(field, "must be less than 10^15", "too_large")
    return round_money(amount) if amount else ZERO


def _rate(doc: dict[str, Any], key: str, path: str) -> Decimal:
    field = _at(path, key)
    rate = parse_decimal(_required(doc, key, path), field, allow_negative=True)
    if not 0 <= rate <= 1:
        raise InputError(field, f"must be between 0 and 1, got {rate}", "rate_range")
    return rate


def _days(doc: dict[str, Any], key: str, path: str, default: int | None = None) -> int:
    value = doc.get(key)
    if value is None and default is not None:
        return default
    value = _required(doc, key, path)
    whole = isinstance(value, int) or (
        isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value()
    )
    if isinstance(value, bool) or not whole:
        raise InputError(_at(path, key), "must be a whole number of days", "whole_days")
    if value < 0:
        raise InputError(_at(path, key), "must not be negative", "negative")
    return int(value)


def _key(doc: dict[str, Any], key: str, path: str) -> str:
    """A non-empty identifier; numbers are accepted and turned into strings."""
    value = doc.get(key)
    if type(value) is str:
        text = value.strip()
        if text:
            return text
    value = _required(doc, key, path)
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise InputError(_at(path, key), "must be a string", "not_string")
    text = str(value).strip()
    if not text:
        raise InputError(_at(path, key), "must not be empty", "empty")
    return text


def _date(doc: dict[str, Any], key: str, path: str) -> dt.date:
    """An ISO date; refusals (and their messages) are ``parse_date``'s."""
    try:
        return dt.date.fromisoformat(doc[key])
    except (KeyError, TypeError, ValueError):  # missing, not a string, not a date
        return parse_date(_required(doc, key, path), _at(path, key))


def _optional_date(doc: dict[str, Any], key: str, path: str) -> dt.date | None:
    return None if doc.get(key) is None else _date(doc, key, path)


# --------------------------------------------------------------------------------------------
# Terms


def parse_terms(doc: Any, path: str = "contract") -> Terms:
    """The ``contract`` object to :class:`Terms`, refusing everything LICENSING.md refuses."""
    c = _obj(doc, path)
    terms_id = _key(c, "id", path)
    fee_model = _required(c, "fee_model", path)
    if fee_model not in FEE_MODELS:
        raise InputError(
            _at(path, "fee_model"),
            f"unknown fee model {fee_model!r}; expected royalty, staged or staged_royalty",
            "unknown_fee_model",
        )
    start = _date(c, "start", path)
    installments = tuple(
        _parse_installment(item, f"{path}.installments[{i}]")
        for i, item in enumerate(_list(c.get("installments"), _at(path, "installments")))
    )
    royalty = None if c.get("royalty") is None else _parse_royalty(c["royalty"], f"{path}.royalty")
    terms = Terms(
        id=terms_id,
        fee_model=fee_model,
        start=start,
        end=_date(c, "end", path),
        upfront_fee=_money(c, "upfront_fee", path, ZERO),
        upfront_due=_optional_date(c, "upfront_due", path) or start,
        installments=installments,
        royalty=royalty,
        grace_days=_days(c, "grace_days", path, 0),
        terminated_on=_optional_date(c, "terminated_on", path),
    )
    check_terms(terms, path)
    return terms


def _parse_installment(doc: Any, path: str) -> Installment:
    item = _obj(doc, path)
    key = _key(item, "key", path)
    amount = _money(item, "amount", path)
    has_due = item.get("due") is not None
    has_milestone = item.get("milestone") is not None
    if has_due and has_milestone:
        raise InputError(
            path,
            "give either due (一般节点) or milestone (里程碑节点), not both",
            "due_or_milestone",
        )
    if has_due:
        if item.get("days_after") is not None:
            raise InputError(
                _at(path, "days_after"), "only a milestone installment has it", "only_milestone"
            )
        return Installment(key, amount, _date(item, "due", path))
    if not has_milestone:
        raise InputError(
            _at(path, "due"), "is required (or milestone and days_after)", "due_or_milestone"
        )
    return Installment(
        key, amount, None, _key(item, "milestone", path), _days(item, "days_after", path)
    )


def _parse_royalty(doc: Any, path: str) -> RoyaltyTerms:
    r = _obj(doc, path)
    period = _required(r, "period", path)
    if period not in PERIOD_MONTHS:
        raise InputError(
            _at(path, "period"),
            f"unknown period {period!r}; expected quarter, half or year",
            "unknown_period",
        )
    has_rate = r.get("rate") is not None
    has_tiers = r.get("tiers") is not None
    if has_rate and has_tiers:
        raise InputError(path, "give rate or tiers, not both", "rate_or_tiers")
    if not has_rate and not has_tiers:
        raise InputError(_at(path, "rate"), "is required (or tiers)", "rate_or_tiers")
    tiers: list[Tier] = []
    if has_tiers:
        tiers_path = _at(path, "tiers")
        tiers_raw = _list(r["tiers"], tiers_path)
        if not tiers_raw:
            raise InputError(tiers_path, "must not be empty", "empty")
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
        raise InputError(
            _at(path, "fee_model"), f"unknown fee model {fee_model!r}", "unknown_fee_model"
        )
    if terms.end < terms.start:
        raise InputError(
            _at(path, "end"), f"{terms.end} is before start {terms.start}", "end_before_start"
        )
    ended = terms.terminated_on
    if ended is not None and not terms.start <= ended <= terms.end:
        raise InputError(
            _at(path, "terminated_on"),
            f"{ended} is outside the term {terms.start} to {terms.end}",
            "terminated_outside_term",
        )
    if terms.upfront_fee < 0:
        raise InputError(_at(path, "upfront_fee"), "must not be negative", "negative")
    if terms.grace_days < 0:
        raise InputError(_at(path, "grace_days"), "must not be negative", "negative")
    staged = fee_model in STAGED_MODELS
    if staged and not terms.installments:
        raise InputError(
            _at(path, "installments"),
            f"must not be empty for fee_model {fee_model}",
            "fee_model_requires",
        )
    if not staged and terms.installments:
        raise InputError(
            _at(path, "installments"),
            f"must be empty for fee_model {fee_model}",
            "fee_model_excludes",
        )
    has_royalty = fee_model in ROYALTY_MODELS
    if has_royalty and terms.royalty is None:
        raise InputError(
            _at(path, "royalty"), f"is required for fee_model {fee_model}", "fee_model_requires"
        )
    if not has_royalty and terms.royalty is not None:
        raise InputError(
            _at(path, "royalty"), f"must be absent for fee_model {fee_model}", "fee_model_excludes"
        )
    seen: dict[str, int] = {}
    for i, inst in enumerate(terms.installments):
        inst_path = f"{path}.installments[{i}]"
        if inst.key in seen:
            raise InputError(
                f"{inst_path}.key",
                f"duplicate installment key {inst.key!r} (also installments[{seen[inst.key]}])",
                "duplicate_key",
            )
        seen[inst.key] = i
        if inst.amount < 0:
            raise InputError(f"{inst_path}.amount", "must not be negative", "negative")
        if (inst.due is None) == (inst.milestone is None):
            raise InputError(
                inst_path, "give either due or milestone, not both or neither", "due_or_milestone"
            )
        if inst.days_after < 0:
            raise InputError(f"{inst_path}.days_after", "must not be negative", "negative")
    if terms.royalty is not None:
        _check_royalty(terms.royalty, _at(path, "royalty"))


def _check_royalty(r: RoyaltyTerms, path: str) -> None:
    if r.period not in PERIOD_MONTHS:
        raise InputError(_at(path, "period"), f"unknown period {r.period!r}", "unknown_period")
    if (r.rate is None) == (not r.tiers):
        raise InputError(path, "give rate or tiers, not both or neither", "rate_or_tiers")
    if r.rate is not None and not 0 <= r.rate <= 1:
        raise InputError(_at(path, "rate"), f"must be between 0 and 1, got {r.rate}", "rate_range")
    previous = ZERO
    last = len(r.tiers) - 1
    for i, tier in enumerate(r.tiers):
        tier_path = f"{path}.tiers[{i}]"
        if not 0 <= tier.rate <= 1:
            raise InputError(
                f"{tier_path}.rate", f"must be between 0 and 1, got {tier.rate}", "rate_range"
            )
        if tier.up_to is None:
            if i != last:
                raise InputError(
                    f"{tier_path}.up_to",
                    "only the last tier may be open (up_to null)",
                    "tier_open_early",
                )
            continue
        if tier.up_to <= previous:
            if i == 0:
                raise InputError(f"{tier_path}.up_to", "must be greater than 0", "tier_positive")
            raise InputError(
                f"{tier_path}.up_to",
                f"tiers must ascend: {tier.up_to} is not above the previous up_to {previous}",
                "tiers_ascend",
            )
        previous = tier.up_to
        if i == last:
            raise InputError(
                f"{tier_path}.up_to", "the last tier must be open (up_to null)", "tier_last_open"
            )
    for field in ("report_within_days", "pay_within_days"):
        if getattr(r, field) < 0:
            raise InputError(_at(path, field), "must not be negative", "negative")
    if r.cap_total is not None and r.cap_total < 0:
        raise InputError(_at(path, "cap_total"), "must not be negative", "negative")


# --------------------------------------------------------------------------------------------
# Milestones, reports, payments


def parse_milestone(doc: Any, path: str) -> Milestone:
    item = _obj(doc, path)
    return Milestone(_key(item, "key", path), _optional_date(item, "achieved_on", path))


def parse_revenue_report(doc: Any, path: str) -> RevenueReport:
    item = _obj(doc, path)
    start = _date(item, "period_start", path)
    end = _date(item, "period_end", path)
    if end < start:
        raise InputError(
            _at(path, "period_end"), f"{end} is before period_start {start}", "not_a_period"
        )
    revenue = _money(item, "revenue", path)
    return RevenueReport(start, end, revenue, _date(item, "reported_on", path))


def parse_payment(doc: Any, path: str) -> Payment:
    item = _obj(doc, path)
    date = _date(item, "date", path)
    amount = _money(item, "amount", path)
    ref = None if item.get("ref") is None else _key(item, "ref", path)
    reversed_on = None if item.get("reversed_on") is None else _date(item, "reversed_on", path)
    return Payment(date, amount, ref, reversed_on)


def _check_payment(payment: Payment, path: str) -> None:
    if payment.amount < 0:
        raise InputError(_at(path, "amount"), "must not be negative", "negative")
    if payment.reversed_on is not None and payment.reversed_on < payment.date:
        raise InputError(
            _at(path, "reversed_on"),
            f"{payment.reversed_on} is before the payment's date {payment.date}",
            "reversed_before_date",
        )


def parse_input(
    doc: Any,
) -> tuple[Terms, list[Milestone], list[RevenueReport], list[Payment], dt.date]:
    """The whole ``schedule`` document to records (cross-checks happen in compute)."""
    root = _obj(doc, "(document)")
    as_of = _date(root, "as_of", "")
    terms = parse_terms(_required(root, "contract", ""), "contract")
    milestones = _parse_list(root, "milestones", parse_milestone)
    reports = _parse_list(root, "revenue_reports", parse_revenue_report)
    payments = _parse_list(root, "payments", parse_payment)
    return terms, milestones, reports, payments, as_of


def _parse_list(root: dict[str, Any], name: str, parse: Callable[[Any, str], _R]) -> list[_R]:
    """Every item of the list ``root[name]``. A licence has dozens of reports and payments: the
    items' paths (``payments[3]``) are formatted only to name a refusal, in a second pass."""
    items = _list(root.get(name), name)
    try:
        return [parse(item, "") for item in items]
    except InputError:
        return [parse(item, f"{name}[{i}]") for i, item in enumerate(items)]


# --------------------------------------------------------------------------------------------
# Cross-checks: rules that need more than one object


def _achieved_milestones(
    terms: Terms, milestones: Sequence[Milestone], as_of: dt.date
) -> dict[str, dt.date]:
    """Milestone key -> achieved_on, for those achieved on or before ``as_of``."""
    used = {inst.milestone for inst in terms.installments if inst.milestone is not None}
    achieved: dict[str, dt.date] = {}
    seen: set[str] = set()
    for i, m in enumerate(milestones):
        if m.key not in used:
            raise InputError(
                f"milestones[{i}].key",
                f"no installment uses milestone {m.key!r}",
                "unknown_milestone",
            )
        if m.key in seen:
            raise InputError(
                f"milestones[{i}].key", f"duplicate milestone {m.key!r}", "duplicate_milestone"
            )
        seen.add(m.key)
        if m.achieved_on is not None and m.achieved_on <= as_of:
            achieved[m.key] = m.achieved_on
    return achieved


def _counted_revenue(
    terms: Terms, reports: Sequence[RevenueReport], as_of: dt.date
) -> dict[dt.date, Decimal]:
    """Period start -> the revenue that counts: the report with the latest ``reported_on``
    on or before ``as_of`` (later ones correct earlier ones). Every report must be for one of
    the licence's royalty periods (clipped at ``terminated_on``), at most one per period and
    ``reported_on``."""
    if not reports:
        return {}
    royalty = terms.royalty
    if royalty is None:
        raise InputError(
            "revenue_reports[0].period_start",
            f"fee_model {terms.fee_model} has no royalty periods",
            "no_royalty_periods",
        )
    period = royalty.period
    period_end = _period_ends(terms.start, terms.last_day, period)
    first_of: dict[tuple[dt.date, dt.date], int] = {}
    counted: dict[dt.date, RevenueReport] = {}
    for i, report in enumerate(reports):
        start = report.period_start
        end = period_end.get(start)
        if end is None:
            raise InputError(
                f"revenue_reports[{i}].period_start",
                f"{start} does not start one of the licence's {period}s",
                "not_a_period",
                {"period": period},
            )
        if end != report.period_end:
            raise InputError(
                f"revenue_reports[{i}].period_end",
                f"the {period} starting {start} ends on {end}, not {report.period_end}",
                "period_end_mismatch",
                {"period": period, "end": end.isoformat()},
            )
        first = first_of.setdefault((start, report.reported_on), i)
        if first != i:
            raise InputError(
                f"revenue_reports[{i}].reported_on",
                f"a second report for the {period} starting {start} reported on "
                f"{report.reported_on} (first: revenue_reports[{first}])",
                "duplicate_report",
                {"period": period},
            )
        if report.reported_on <= as_of:
            current = counted.get(start)
            if current is None or report.reported_on > current.reported_on:
                counted[start] = report
    return {start: round_money(report.revenue) for start, report in counted.items()}


# --------------------------------------------------------------------------------------------
# Computation


def compute_schedule(
    contract: Terms,
    milestones: Sequence[Milestone],
    reports: Sequence[RevenueReport],
    payments: Sequence[Payment],
    as_of: dt.date,
) -> Schedule:
    """The schedule of one licence on ``as_of`` (LICENSING.md, "What exists at a date" and
    "Ending early, corrections and reversals").

    Refuses, with JSON paths, milestones no installment uses, duplicate milestones, reports
    whose period is not a royalty period of the licence, two reports for one period with the
    same ``reported_on``, and payments reversed before their date.
    """
    for i, payment in enumerate(payments):
        if payment.amount < 0 or (payment.reversed_on or payment.date) < payment.date:
            _check_payment(payment, f"payments[{i}]")
    achieved = _achieved_milestones(contract, milestones, as_of)
    revenue = _counted_revenue(contract, reports, as_of)
    # Every amount is rounded to 0.01 on the way in (parsing does it; records built by hand
    # are rounded here), so what the schedule adds up and prints is exact to the cent.
    paid_total = round_money(
        sum(
            (
                p.amount
                for p in payments
                if p.date <= as_of and (p.reversed_on is None or as_of < p.reversed_on)
            ),
            ZERO,
        )
    )
    obligations = _fixed_obligations(contract, achieved, as_of)
    obligations += _royalty_obligations(contract, revenue, as_of)
    unallocated = _allocate(obligations, paid_total)
    return _settle(obligations, contract.grace_days, paid_total, unallocated, as_of)


def _fixed_obligations(
    terms: Terms, achieved: dict[str, dt.date], as_of: dt.date
) -> list[Obligation]:
    """The upfront fee and the installments, in the order of the terms.

    After ``terminated_on`` only what was earned by then stays owed; the rest is cancelled.
    """
    ended = terms.terminated_on

    def earned(due: dt.date) -> str:
        return CANCELLED if ended is not None and due > ended else OPEN

    out: list[Obligation] = []
    if terms.upfront_fee:
        due = terms.upfront_due or terms.start
        fee = round_money(terms.upfront_fee)
        out.append(Obligation(UPFRONT, UPFRONT_KEY, fee, due, earned(due)))
    for inst in terms.installments:
        amount = round_money(inst.amount)
        if inst.due is not None:
            out.append(Obligation(INSTALLMENT, inst.key, amount, inst.due, earned(inst.due)))
            continue
        reached = achieved.get(inst.milestone or "")
        if reached is not None and (ended is None or reached <= ended):
            due = reached + dt.timedelta(days=inst.days_after)
            out.append(Obligation(INSTALLMENT, inst.key, amount, due, OPEN))
        elif ended is not None and as_of >= ended:
            out.append(Obligation(INSTALLMENT, inst.key, amount, None, CANCELLED))
        else:
            out.append(Obligation(INSTALLMENT, inst.key, amount, None, PENDING_MILESTONE))
    return out


def _royalty_obligations(
    terms: Terms, revenue: dict[dt.date, Decimal], as_of: dt.date
) -> list[Obligation]:
    """One obligation per royalty period ended before ``as_of``, in time order."""
    royalty = terms.royalty
    if royalty is None:
        return []
    report_days = dt.timedelta(days=royalty.report_within_days)
    pay_days = dt.timedelta(days=royalty.pay_within_days)
    cumulative = ZERO  # revenue counted so far, for the tiers
    royalties = ZERO  # royalties so far, for the cap
    out: list[Obligation] = []
    for start, end in _periods(terms.start, terms.last_day, royalty.period):
        if end >= as_of:
            break
        base = revenue.get(start)
        if base is None:
            status = AWAITING_REPORT if as_of <= end + report_days else REPORT_MISSING
            out.append(Obligation(ROYALTY, None, None, None, status, start, end))
            continue
        if royalty.rate is not None:
            amount = round_money(base * royalty.rate)
        else:
            amount = round_money(_tiered(royalty.tiers, cumulative, cumulative + base))
            cumulative += base
        if royalty.cap_total is not None:
            amount = min(amount, round_money(royalty.cap_total - royalties))
            royalties += amount
        out.append(Obligation(ROYALTY, None, amount, end + pay_days, OPEN, start, end, base))
    return out


def _tiered(tiers: tuple[Tier, ...], low: Decimal, high: Decimal) -> Decimal:
    """Exact marginal royalty on the cumulative revenue slice from ``low`` to ``high``."""
    total = ZERO
    floor = ZERO
    for tier in tiers:
        ceiling = high if tier.up_to is None else min(tier.up_to, high)
        if ceiling > low:
            total += (ceiling - max(low, floor)) * tier.rate
        if tier.up_to is None or tier.up_to >= high:
            break
        floor = tier.up_to
    return total


def _allocation_order(o: Obligation) -> tuple[Any, ...]:
    """Oldest due first; ties: upfront, installments, royalties; then key or period start."""
    return (o.due, _KIND_RANK[o.kind], o.key if o.period_start is None else o.period_start)


def _allocate(obligations: list[Obligation], pool: Decimal) -> Decimal:
    """Pays obligations with a known amount and due date (future ones included) from the pool;
    returns what is left over."""
    for o in sorted((o for o in obligations if o.status == OPEN), key=_allocation_order):
        if not pool:
            break
        assert o.amount is not None
        o.paid = min(pool, o.amount)
        pool -= o.paid
    return pool


def _settle(
    obligations: list[Obligation],
    grace_days: int,
    paid_total: Decimal,
    unallocated: Decimal,
    as_of: dt.date,
) -> Schedule:
    """Statuses of the obligations that took payment, totals and alerts."""
    billed = scheduled = outstanding = overdue = ZERO
    alerts: list[Alert] = []
    default_risk = False
    for o in obligations:
        if o.status == PENDING_MILESTONE:
            o.outstanding = o.amount  # shown, but neither billed nor scheduled
        elif o.status == CANCELLED:
            o.outstanding = ZERO
        elif o.status == REPORT_MISSING:
            alerts.append(Alert(ALERT_REPORT_MISSING, o.key, o.period_start))
        elif o.status == OPEN:
            assert o.amount is not None
            assert o.due is not None
            o.outstanding = o.amount - o.paid
            days = (as_of - o.due).days
            if days >= 0:
                billed += o.amount
                outstanding += o.outstanding
            else:
                scheduled += o.amount
            if not o.outstanding:
                o.status = PAID
            elif days > grace_days:
                o.status = OVERDUE
                o.days_overdue = days
                overdue += o.outstanding
                alerts.append(Alert(ALERT_OVERDUE, o.key, o.period_start))
                default_risk = default_risk or days > DEFAULT_RISK_DAYS
    if default_risk:
        alerts.append(Alert(ALERT_DEFAULT_RISK, None, None))
    totals = Totals(billed, scheduled, paid_total, outstanding, overdue, unallocated)
    return Schedule(obligations, totals, alerts)


# --------------------------------------------------------------------------------------------
# JSON


@lru_cache(maxsize=16384)  # a schedule prints dozens of dates, mostly shared between licences
def _day_text(day: dt.date) -> str:
    return day.isoformat()


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else _day_text(day)


def _text(amount: Decimal | None) -> str | None:
    """An amount of the schedule (already at 0.01: compute_schedule rounds what comes in)."""
    return None if amount is None else str(amount)


def _obligation_json(o: Obligation) -> dict[str, Any]:
    return {
        "kind": o.kind,
        "key": o.key,
        "period_start": None if o.period_start is None else _day_text(o.period_start),
        "period_end": None if o.period_end is None else _day_text(o.period_end),
        "base": None if o.base is None else str(o.base),
        "amount": None if o.amount is None else str(o.amount),
        "due": None if o.due is None else _day_text(o.due),
        "paid": str(o.paid),
        "outstanding": None if o.outstanding is None else str(o.outstanding),
        "status": o.status,
        "days_overdue": o.days_overdue,
    }


def schedule_to_json(schedule: Schedule) -> dict[str, Any]:
    """The JSON shape of ``zhuanhua licensing schedule`` (exactly what :func:`run` returns)."""
    t = schedule.totals
    return {
        "obligations": [_obligation_json(o) for o in schedule.obligations],
        "totals": {
            "billed": _text(t.billed),
            "scheduled": _text(t.scheduled),
            "paid": _text(t.paid),
            "outstanding": _text(t.outstanding),
            "overdue": _text(t.overdue),
            "unallocated": _text(t.unallocated),
        },
        "alerts": [
            {"code": a.code, "key": a.key, "period_start": _iso(a.period_start)}
            for a in schedule.alerts
        ],
    }


def run(doc: Any) -> dict[str, Any]:
    """``zhuanhua licensing schedule``: the input document to the schedule document."""
    return schedule_to_json(compute_schedule(*parse_input(doc)))
