"""Subsidy engine (奖补计算): the computable measures 7–14 of 云政办发〔2024〕65号.

POLICY.md is the specification. The numbers (rates, caps, pools, conditions switched on) live in
``data/policy_catalogue.yaml``; this module holds the vocabulary and the evaluation order:

1. eligibility (applicant type, region, dates in force, registered, related party, holding
   period, loss confirmed, level),
2. base × rate rounded half-up to 0.01 (measures without a rate: the cap or the fixed amount),
3. min with the per-item cap, then with ``requested``  → ``entitlement``,
4. highest_only top-up, 5. once, 6. cumulative cap, 7. annual cap → ``granted``.

Steps 1–3 depend on the claim alone; steps 4–7 see ``prior_grants`` and the claims before it in
(date, id) order. Ids are strings or integers: integers sort numerically and before strings,
strings sort by code point; ``7`` and ``"7"`` count as the same id (duplicate).

No Django import: the engine runs in the console script, in the benchmark and in the web app.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from zhuanhua.engines.common import (
    CENT,
    ZERO,
    InputError,
    full_years_reached_on,
    money_str,
    parse_date,
    parse_money,
)

CATALOGUE_PATH = Path(__file__).with_name("data") / "policy_catalogue.yaml"

# ---------------------------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------------------------

APPLICANT_TYPE_LABELS: dict[str, str] = {
    "enterprise": "企业",
    "university": "高等院校",
    "research_institute": "科研院所",
    "medical_institution": "医疗卫生机构",
    "new_rnd_institution": "新型研发机构",
    "service_agency": "科技服务机构",
    "venture_capital": "创业投资机构",
    "park_or_zone": "园区或聚集区",
    "prefecture": "州（市）",
    "other": "其他",
}

LEVEL_LABELS: dict[str, str] = {
    "international": "国际标准",
    "national": "国家标准",
    "industry": "行业标准",
    "local": "地方标准",
}

# Reasons of ineligibility, in the order they are listed. POLICY.md's codes keep their relative
# order; ``region`` and ``not_in_force`` are this engine's additions for catalogue data
# (prefecture measures, measures with dates) and never fire for the provincial measures.
REASON_LABELS: dict[str, str] = {
    "applicant_type": "申请主体类型不符",
    "region": "不在本措施适用地区",
    "not_in_force": "不在本措施有效期内",
    "not_registered": "技术合同未经认定登记",
    "related_party": "属于关联技术交易",
    "holding_period": "实缴投资未满规定年限",
    "loss_not_confirmed": "投资损失未确认",
    "missing_level": "未注明标准级别",
    "case_by_case": "一事一议，由人工决定",
}
REASONS: tuple[str, ...] = tuple(REASON_LABELS)

BINDING_LABELS: dict[str, str] = {
    "item_cap": "单个项目上限",
    "requested": "申请金额",
    "highest_only": "就高不就低",
    "once": "一次性补助",
    "cumulative_cap": "累计上限",
    "annual_cap": "年度上限",
}
BINDINGS: tuple[str, ...] = tuple(BINDING_LABELS)

# Kinds of scope in evaluation order, with the binding code each one reports.
SCOPE_KINDS: dict[str, str] = {
    "highest_only": "highest_only",
    "once": "once",
    "cumulative": "cumulative_cap",
    "annual": "annual_cap",
}
SCOPE_KEYS: tuple[str, ...] = ("applicant", "counterparty", "subject")
SCOPE_KEY_LABELS: dict[str, str] = {
    "applicant": "同一申请主体",
    "counterparty": "同一相对方",
    "subject": "同一事项",
}
CONDITION_NAMES: tuple[str, ...] = (
    "registered",
    "not_related_party",
    "holding_period_years",
    "loss_confirmed",
    "level",
)

_HIGHEST, _ONCE, _CUMULATIVE, _ANNUAL = 0, 1, 2, 3
_KIND_CODES = {
    "highest_only": _HIGHEST,
    "once": _ONCE,
    "cumulative": _CUMULATIVE,
    "annual": _ANNUAL,
}
_EMPTY: tuple[str, ...] = ()


# ---------------------------------------------------------------------------------------------
# Catalogue
# ---------------------------------------------------------------------------------------------


class CatalogueError(ValueError):
    """The catalogue file is malformed; ``path`` names the entry (``measures[3].rate``)."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


class Scope(NamedTuple):
    kind: str  # highest_only | once | cumulative | annual
    keys: tuple[str, ...]  # subset of applicant, counterparty, subject (applicant always)
    amount: Decimal | None  # the cap of cumulative/annual scopes
    pool: str  # scopes of the same kind and pool share their running total
    label: str  # Chinese description of the scope for explanations ("每家企业每年")


class Conditions(NamedTuple):
    registered: bool = False
    not_related_party: bool = False
    holding_period_years: int | None = None
    loss_confirmed: bool = False
    level: bool = False


class Measure(NamedTuple):
    code: str
    measure: int
    title: str
    source_text: str
    applicant_types: frozenset[str] | None  # None: any
    base: str | None  # Chinese label of what ``base`` holds; None: not rated
    rate: Decimal | None
    item_cap: Decimal | None
    item_cap_by_level: dict[str, Decimal] | None
    fixed_amount: Decimal | None
    scopes: tuple[Scope, ...]  # in evaluation order
    conditions: Conditions
    case_by_case: bool
    effective_from: dt.date | None
    effective_to: dt.date | None
    budget_per_year: Decimal | None
    region: frozenset[str] | None  # None: the whole province
    # The policy document the measure belongs to (a key of ``Catalogue.policies``); its window
    # is folded into ``effective_from``/``effective_to`` when the catalogue is parsed.
    policy: str | None = None
    # Who checks an application first (the two-level review): "prefecture" (the applicant's
    # 州（市）科技局) or "supervisor" (its 主管部门, else its prefecture bureau).
    first_check: str = "prefecture"
    # Approvals above this amount need a second provincial reviewer (None: never; 0: always).
    second_above: Decimal | None = None

    @property
    def needs_counterparty(self) -> bool:
        return any("counterparty" in scope.keys for scope in self.scopes)


class Policy(NamedTuple):
    """A policy document in force over a window (the measures, a guide)."""

    code: str
    title: str
    document: str
    effective_from: dt.date | None
    effective_to: dt.date | None  # the last day in force; None: open-ended

    def in_force_on(self, day: dt.date) -> bool:
        return (self.effective_from is None or day >= self.effective_from) and (
            self.effective_to is None or day <= self.effective_to
        )

    def window_text(self) -> str:
        start = self.effective_from.isoformat() if self.effective_from else "不限"
        end = self.effective_to.isoformat() if self.effective_to else "长期"
        return f"{start} 至 {end}"


FIRST_CHECKS: dict[str, str] = {
    "prefecture": "申请单位所在州（市）科技局",
    "supervisor": "申请单位的主管部门（未明确主管部门的，由所在州（市）科技局）",
}


class Catalogue:
    """The parsed catalogue: its version, the policies in force and the measures by code."""

    __slots__ = ("version", "effective_from", "source", "measures", "path", "_plans", "policies")

    def __init__(
        self,
        version: str,
        effective_from: dt.date | None,
        source: str,
        measures: dict[str, Measure],
        path: str,
        policies: dict[str, Policy] | None = None,
    ) -> None:
        self.version = version
        self.effective_from = effective_from
        self.source = source
        self.measures = measures
        self.path = path
        self.policies: dict[str, Policy] = policies or {}
        self._plans: dict[str, _Plan] | None = None

    def plans(self) -> dict[str, _Plan]:
        """The measures precompiled for the evaluation loop (built once)."""
        if self._plans is None:
            self._plans = {code: _Plan(m) for code, m in self.measures.items()}
        return self._plans

    def __repr__(self) -> str:
        return f"Catalogue(version={self.version!r}, measures={list(self.measures)})"


def _cat_money(value: Any, path: str) -> Decimal:
    try:
        return parse_money(str(value) if isinstance(value, float) else value, path).quantize(CENT)
    except InputError as exc:
        raise CatalogueError(exc.path, exc.message) from None


def _cat_opt_money(entry: dict[str, Any], key: str, path: str) -> Decimal | None:
    value = entry.get(key)
    return None if value is None else _cat_money(value, f"{path}.{key}")


def _cat_date(value: Any, path: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return parse_date(value, path)
    except InputError as exc:
        raise CatalogueError(exc.path, exc.message) from None


def _cat_str(entry: dict[str, Any], key: str, path: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise CatalogueError(f"{path}.{key}", "must be a non-empty string")
    return " ".join(value.split()) if key != "source_text" else "".join(value.split())


def _cat_scope(raw: Any, path: str, code: str) -> Scope:
    if not isinstance(raw, dict):
        raise CatalogueError(path, "must be a mapping")
    kind = raw.get("kind")
    if kind not in SCOPE_KINDS:
        raise CatalogueError(f"{path}.kind", f"must be one of {', '.join(SCOPE_KINDS)}")
    keys = raw.get("keys") or ["applicant"]
    if not isinstance(keys, list) or any(k not in SCOPE_KEYS for k in keys):
        raise CatalogueError(f"{path}.keys", f"must be a list of {', '.join(SCOPE_KEYS)}")
    if "applicant" not in keys:
        raise CatalogueError(f"{path}.keys", "must include applicant")
    amount = _cat_opt_money(raw, "amount", path)
    if kind in ("cumulative", "annual") and amount is None:
        raise CatalogueError(f"{path}.amount", f"is required for a {kind} scope")
    if kind in ("highest_only", "once") and amount is not None:
        raise CatalogueError(f"{path}.amount", f"a {kind} scope has no amount")
    pool = raw.get("pool") or f"{code}-{kind}"
    ordered = tuple(k for k in SCOPE_KEYS if k in keys)
    label = raw.get("label") or "".join(SCOPE_KEY_LABELS[k] for k in ordered)
    return Scope(kind, ordered, amount, str(pool), str(label))


def _cat_measure(raw: Any, path: str) -> Measure:
    if not isinstance(raw, dict):
        raise CatalogueError(path, "must be a mapping")
    code = _cat_str(raw, "code", path)
    number = raw.get("measure")
    if not isinstance(number, int) or isinstance(number, bool):
        raise CatalogueError(f"{path}.measure", "must be the measure's number")
    types = raw.get("applicant_types")
    if types is not None:
        if not isinstance(types, list) or any(t not in APPLICANT_TYPE_LABELS for t in types):
            raise CatalogueError(f"{path}.applicant_types", "must be null or applicant types")
        types = frozenset(types)
    rate = raw.get("rate")
    rate_dec = None
    if rate is not None:
        try:
            rate_dec = Decimal(str(rate))
        except InvalidOperation:
            raise CatalogueError(f"{path}.rate", "not a number") from None
        if not rate_dec.is_finite() or not 0 <= rate_dec <= 1:
            raise CatalogueError(f"{path}.rate", "must be between 0 and 1")
    base = raw.get("base")
    if (rate_dec is None) != (base is None):
        raise CatalogueError(f"{path}.base", "a rated measure names its base, others have none")
    item_cap = _cat_opt_money(raw, "item_cap", path)
    by_level_raw = raw.get("item_cap_by_level")
    by_level: dict[str, Decimal] | None = None
    if by_level_raw is not None:
        if not isinstance(by_level_raw, dict) or set(by_level_raw) != set(LEVEL_LABELS):
            raise CatalogueError(
                f"{path}.item_cap_by_level", f"must give {', '.join(LEVEL_LABELS)}"
            )
        by_level = {
            k: _cat_money(v, f"{path}.item_cap_by_level.{k}") for k, v in by_level_raw.items()
        }
    fixed = _cat_opt_money(raw, "fixed_amount", path)
    case_by_case = bool(raw.get("case_by_case", False))
    if sum(x is not None for x in (item_cap, by_level, fixed)) > 1:
        raise CatalogueError(path, "give one of item_cap, item_cap_by_level, fixed_amount")
    if rate_dec is None and not case_by_case and item_cap is None and by_level is None:
        if fixed is None:
            raise CatalogueError(path, "a measure without rate needs a cap or a fixed amount")
    cond_raw = raw.get("conditions") or {}
    if not isinstance(cond_raw, dict) or any(k not in CONDITION_NAMES for k in cond_raw):
        raise CatalogueError(f"{path}.conditions", f"known: {', '.join(CONDITION_NAMES)}")
    years = cond_raw.get("holding_period_years")
    if years is not None and (not isinstance(years, int) or isinstance(years, bool) or years < 1):
        raise CatalogueError(f"{path}.conditions.holding_period_years", "must be a whole number")
    conditions = Conditions(
        registered=bool(cond_raw.get("registered", False)),
        not_related_party=bool(cond_raw.get("not_related_party", False)),
        holding_period_years=years,
        loss_confirmed=bool(cond_raw.get("loss_confirmed", False)),
        level=bool(cond_raw.get("level", False)),
    )
    if conditions.level != (by_level is not None):
        raise CatalogueError(f"{path}.conditions.level", "goes with item_cap_by_level")
    scopes_raw = raw.get("scopes") or []
    if not isinstance(scopes_raw, list):
        raise CatalogueError(f"{path}.scopes", "must be a list")
    scopes = [_cat_scope(s, f"{path}.scopes[{j}]", code) for j, s in enumerate(scopes_raw)]
    order = list(SCOPE_KINDS)
    scopes.sort(key=lambda s: order.index(s.kind))
    region = raw.get("region")
    if region is not None:
        if not isinstance(region, list) or not region:
            raise CatalogueError(f"{path}.region", "must be null or a list of prefecture codes")
        region = frozenset(str(r) for r in region)
    return Measure(
        code=code,
        measure=number,
        title=_cat_str(raw, "title", path),
        source_text=_cat_str(raw, "source_text", path),
        applicant_types=types,
        base=None if base is None else str(base),
        rate=rate_dec,
        item_cap=item_cap,
        item_cap_by_level=by_level,
        fixed_amount=fixed,
        scopes=tuple(scopes),
        conditions=conditions,
        case_by_case=case_by_case,
        effective_from=_cat_date(raw.get("effective_from"), f"{path}.effective_from"),
        effective_to=_cat_date(raw.get("effective_to"), f"{path}.effective_to"),
        budget_per_year=_cat_opt_money(raw, "budget_per_year", path),
        region=region,
        policy=None if raw.get("policy") is None else str(raw["policy"]),
        first_check=_cat_first_check(raw.get("first_check"), f"{path}.first_check"),
        second_above=_cat_opt_money(raw, "second_approval_above", path),
    )


def _cat_first_check(value: Any, path: str) -> str:
    if value is None:
        return "prefecture"
    if value not in FIRST_CHECKS:
        raise CatalogueError(path, f"must be one of {', '.join(FIRST_CHECKS)}")
    return str(value)


def _cat_policies(raw: Any) -> dict[str, Policy]:
    if raw is None:
        return {}
    if not isinstance(raw, list):
        raise CatalogueError("policies", "must be a list")
    out: dict[str, Policy] = {}
    for i, entry in enumerate(raw):
        path = f"policies[{i}]"
        if not isinstance(entry, dict):
            raise CatalogueError(path, "must be a mapping")
        code = _cat_str(entry, "code", path)
        start = _cat_date(entry.get("effective_from"), f"{path}.effective_from")
        end = _cat_date(entry.get("effective_to"), f"{path}.effective_to")
        if start is not None and end is not None and end < start:
            raise CatalogueError(f"{path}.effective_to", "must not be before effective_from")
        out[code] = Policy(
            code, _cat_str(entry, "title", path), _cat_str(entry, "document", path), start, end
        )
    return out


def _within_policy(m: Measure, policy: Policy) -> Measure:
    """The measure's window narrowed to its policy's: a claim outside either is not in force."""
    start, end = m.effective_from, m.effective_to
    if policy.effective_from is not None and (start is None or start < policy.effective_from):
        start = policy.effective_from
    if policy.effective_to is not None and (end is None or end > policy.effective_to):
        end = policy.effective_to
    return m._replace(effective_from=start, effective_to=end)


def parse_catalogue(doc: Any, path: str = "(catalogue)") -> Catalogue:
    """Build a :class:`Catalogue` from the parsed YAML document."""
    if not isinstance(doc, dict):
        raise CatalogueError("(catalogue)", "must be a mapping")
    version = doc.get("version")
    if version is None:
        raise CatalogueError("version", "is required")
    raw_measures = doc.get("measures")
    if not isinstance(raw_measures, list) or not raw_measures:
        raise CatalogueError("measures", "must be a non-empty list")
    policies = _cat_policies(doc.get("policies"))
    measures: dict[str, Measure] = {}
    for i, raw in enumerate(raw_measures):
        measure = _cat_measure(raw, f"measures[{i}]")
        if measure.code in measures:
            raise CatalogueError(f"measures[{i}].code", f"duplicate code {measure.code}")
        if measure.policy is not None:
            if measure.policy not in policies:
                raise CatalogueError(f"measures[{i}].policy", f"unknown policy {measure.policy}")
            measure = _within_policy(measure, policies[measure.policy])
        measures[measure.code] = measure
    return Catalogue(
        version=str(version),
        effective_from=_cat_date(doc.get("effective_from"), "effective_from"),
        source=str(doc.get("source") or ""),
        measures=measures,
        path=path,
        policies=policies,
    )


@lru_cache(maxsize=8)
def _load_cached(path: str) -> Catalogue:
    with open(path, encoding="utf-8") as handle:
        doc = yaml.safe_load(handle)
    return parse_catalogue(doc, path)


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """The policy catalogue (the packaged one by default), parsed once per path."""
    return _load_cached(str(path or CATALOGUE_PATH))


# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------


class TraceStep(NamedTuple):
    step: str  # eligibility | amount | item_cap | requested | highest_only | once | ...
    before: Decimal | None
    after: Decimal | None
    detail: dict[str, Any]


_YUAN_CACHE: dict[Decimal, str] = {}


def _yuan(value: Decimal) -> str:
    """An amount with thousands separators: ``1,200,000.00`` (amounts carry two decimals)."""
    text = _YUAN_CACHE.get(value)
    if text is None:
        text = f"{value:,.2f}"
        if len(_YUAN_CACHE) < 20_000:
            _YUAN_CACHE[value] = text
    return text


def _yuan_fast(value: Decimal) -> str:
    # Engine amounts are quantized to 0.01 on parse and stay so through + - min max.
    return f"{value:,}"


def _pct(rate: Decimal) -> str:
    return format((rate * 100).normalize(), "f") + "%"


class Result:
    """The outcome of one claim. ``trace`` and ``explanation`` are built on demand."""

    __slots__ = (
        "id",
        "measure",
        "eligible",
        "reasons",
        "entitlement",
        "granted",
        "binding",
        "_plan",
        "_claim",
        "_date",
        "_base",
        "_raw",
        "_requested",
        "_used",
    )

    id: Any
    measure: str
    eligible: bool
    reasons: tuple[str, ...]
    entitlement: Decimal
    granted: Decimal
    binding: tuple[str, ...]
    _plan: _Plan
    _claim: dict[str, Any]
    _date: dt.date
    _base: Decimal | None
    _raw: Decimal
    _requested: Decimal | None
    _used: tuple[Decimal, ...] | None  # what each scope had granted before (None: no steps 4–7)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "measure": self.measure,
            "eligible": self.eligible,
            "reasons": list(self.reasons),
            "entitlement": money_str(self.entitlement),
            "granted": money_str(self.granted),
            "binding": list(self.binding),
            "explanation": self.explanation,
        }

    def __repr__(self) -> str:
        return (
            f"Result(id={self.id!r}, measure={self.measure!r}, eligible={self.eligible}, "
            f"reasons={list(self.reasons)}, entitlement={self.entitlement}, "
            f"granted={self.granted}, binding={list(self.binding)})"
        )

    # The claim's scalars the explanation and the trace need, read from the (validated) claim
    # when asked for rather than stored per result.

    @property
    def applicant(self) -> str:
        return self._claim["applicant"]

    @property
    def _cp(self) -> str:
        return self._claim.get("counterparty") or ""

    @property
    def _subj(self) -> str:
        return self._claim.get("subject") or ""

    @property
    def _level(self) -> str | None:
        return self._claim.get("level")

    @property
    def date(self) -> dt.date:
        return self._date

    def _cap(self) -> Decimal | None:
        plan = self._plan
        if plan.by_level is not None:
            return plan.by_level.get(self._level or "")
        return plan.cap if plan.cap is not None else plan.fixed

    # -- trace -----------------------------------------------------------------------------

    @property
    def trace(self) -> list[TraceStep]:
        """Every step of the evaluation with the amount before and after it."""
        plan = self._plan
        steps = [
            TraceStep(
                "eligibility",
                None,
                None,
                {"eligible": self.eligible, "reasons": list(self.reasons)},
            )
        ]
        if not self.eligible or plan.case_by_case:
            return steps
        amount = self._raw
        cap = self._cap()
        if plan.rate is not None:
            detail: dict[str, Any] = {"base": self._base, "rate": plan.rate}
        elif plan.fixed is not None:
            detail = {"fixed_amount": plan.fixed}
        else:
            detail = {"cap": cap, "level": self._level}
        steps.append(TraceStep("amount", None, amount, detail))
        if cap is not None and plan.rate is not None:
            after = min(amount, cap)
            steps.append(TraceStep("item_cap", amount, after, {"cap": cap}))
            amount = after
        if self._requested is not None:
            after = min(amount, self._requested)
            steps.append(TraceStep("requested", amount, after, {"requested": self._requested}))
            amount = after
        values = {"applicant": self.applicant, "counterparty": self._cp, "subject": self._subj}
        for scope, used in zip(plan.m.scopes, self._used or (), strict=True):
            kind = scope.kind
            info: dict[str, Any] = {
                "pool": scope.pool,
                "scope": {k: values[k] for k in scope.keys},
                "already_granted": used,
            }
            if kind == "highest_only":
                after = max(ZERO, amount - used) if used > 0 else amount
            elif kind == "once":
                after = ZERO if used > 0 else amount
            else:
                assert scope.amount is not None
                left = max(ZERO, scope.amount - used)
                info["cap"] = scope.amount
                info["left"] = left
                if kind == "annual":
                    info["scope"]["year"] = self._date.year
                after = min(amount, left)
            steps.append(TraceStep(SCOPE_KINDS[kind], amount, after, info))
            amount = after
        return steps

    # -- explanation -----------------------------------------------------------------------

    @property
    def explanation(self) -> list[str]:
        """Chinese sentences a reviewer can read, one per step that mattered."""
        plan = self._plan
        m = plan.m
        if not self.eligible:
            out = [f"不符合 {m.code}（{m.title}）的条件："]
            out.extend(self._reason_sentence(code) for code in self.reasons)
            out.append("核定补助 0.00 元。")
            return out
        if plan.case_by_case:
            return [
                f"{m.code}（{m.title}）采取“一事一议”方式给予支持，由人工研究决定，"
                "系统不计算金额，核定补助 0.00 元。"
            ]
        yuan = _yuan_fast
        amount = self._raw
        cap = self._cap()
        if plan.rate is not None:
            text = f"按{m.base} {yuan(self._base)} 元的 {plan.pct} 计 {yuan(amount)} 元"  # type: ignore[arg-type]
            if cap is None:
                out = [text + "。"]
            elif amount > cap:
                capped = _yuan(cap)
                out = [f"{text}，超过单个项目上限 {capped} 元，按上限计 {capped} 元。"]
                amount = cap
            else:
                out = [f"{text}，未超过单个项目上限 {_yuan(cap)} 元。"]
        elif plan.fixed is not None:
            out = [f"本措施为定额补助，计 {_yuan(amount)} 元。"]
        elif plan.by_level is not None:
            level = LEVEL_LABELS[self._level or ""]
            out = [f"形成{level}，按{level}奖补上限计 {_yuan(amount)} 元。"]
        else:
            out = [f"本措施不设计算基数，按补助上限计 {_yuan(amount)} 元。"]
        requested = self._requested
        if requested is not None:
            if requested < amount:
                out.append(
                    f"申请金额 {yuan(requested)} 元低于可补助额 {yuan(amount)} 元，"
                    f"按申请金额计 {yuan(requested)} 元。"
                )
                amount = requested
            else:
                out.append(f"申请金额 {yuan(requested)} 元，不低于可补助额 {yuan(amount)} 元。")
        for scope, used in zip(m.scopes, self._used or (), strict=True):
            kind = scope.kind
            if kind == "highest_only":
                if used > 0:
                    subject = f"（{self._subj}）" if self._subj else ""
                    if amount > used:
                        out.append(
                            f"{scope.label}{subject}已获本措施补助 {yuan(used)} 元，"
                            f"按“就高不就低”原则补足差额 {yuan(amount - used)} 元。"
                        )
                        amount = amount - used
                    else:
                        out.append(
                            f"{scope.label}{subject}已获本措施补助 {yuan(used)} 元，不低于本次"
                            f"金额 {yuan(amount)} 元，按“就高不就低”原则不再补助。"
                        )
                        amount = ZERO
            elif kind == "once":
                if used > 0:
                    out.append(
                        f"本措施为一次性补助，{scope.label}已获补助 {yuan(used)} 元，不再补助。"
                    )
                    amount = ZERO
            else:
                assert scope.amount is not None
                left = scope.amount - used
                if left < 0:
                    left = ZERO
                where = f"（{self._cp}）" if self._cp and "counterparty" in scope.keys else ""
                if kind == "annual":
                    head = f"{self._date.year} 年度{scope.label}{where}补助上限"
                else:
                    head = f"{scope.label}{where}累计补助上限"
                text = (
                    f"{head} {_yuan(scope.amount)} 元，已获 {yuan(used)} 元，剩余 {yuan(left)} 元"
                )
                if amount > left:
                    out.append(f"{text}，按剩余额计 {yuan(left)} 元。")
                    amount = left
                else:
                    out.append(text + "。")
        if self.granted > 0:
            out.append(f"本次最高可给予补助 {yuan(self.granted)} 元（评审可核减，不可超出）。")
        else:
            out.append("本次核定补助 0.00 元。")
        return out

    def _reason_sentence(self, code: str) -> str:
        m, claim = self._plan.m, self._claim
        if code == "applicant_type":
            allowed = "、".join(
                APPLICANT_TYPE_LABELS[t]
                for t in APPLICANT_TYPE_LABELS
                if m.applicant_types is None or t in m.applicant_types
            )
            kind = str(claim.get("applicant_type"))
            return (
                f"申请主体类型为{APPLICANT_TYPE_LABELS.get(kind, kind)}，本措施仅适用于{allowed}。"
            )
        if code == "region":
            regions = "、".join(sorted(m.region or ()))
            where = claim.get("applicant_region") or "未注明"
            return f"本措施仅适用于地区 {regions}，申请主体所在地区为 {where}。"
        if code == "not_in_force":
            start = m.effective_from.isoformat() if m.effective_from else "不限"
            end = m.effective_to.isoformat() if m.effective_to else "不限"
            return f"申请日 {self._date.isoformat()} 不在本措施有效期（{start} 至 {end}）内。"
        if code == "not_registered":
            return "技术合同未经技术合同认定登记。"
        if code == "related_party":
            return "属于关联技术交易，不予奖补。"
        if code == "holding_period":
            years = m.conditions.holding_period_years or 0
            paid = claim.get("paid_in_date")
            if paid is None:
                return f"未提供实缴投资日期，无法认定实缴投资已满 {years} 年。"
            reached = full_years_reached_on(parse_date(paid, "paid_in_date"), years)
            return (
                f"实缴投资日为 {paid}，满 {years} 年自 {reached.isoformat()} 起，"
                f"申请日 {self._date.isoformat()} 尚未满 {years} 年。"
            )
        if code == "loss_not_confirmed":
            return "投资损失尚未确认。"
        if code == "missing_level":
            return "未注明所形成标准的级别（国际、国家、行业或地方标准）。"
        return REASON_LABELS.get(code, code) + "。"


# ---------------------------------------------------------------------------------------------
# Input parsing: fast paths; paths are built only on error, messages come from common's helpers
# ---------------------------------------------------------------------------------------------


def _fail(i: int, cid: Any, field: str, message: str, code: str = "invalid") -> InputError:
    suffix = "" if cid is None else f" (claim {cid})"
    return InputError(f"claims[{i}].{field}", message + suffix, code)


def _plain_cents(value: Any) -> Decimal | None:
    """``value`` (a str, int or Decimal) as a Decimal when it is a non-negative amount with at
    most two places, else None: the caller then takes ``parse_money``'s path, which accepts or
    refuses it with the full message."""
    kind = type(value)
    if kind is not str and kind is not int and kind is not Decimal:
        return None
    try:
        number = Decimal(value)
        if number >= 0:
            rounded = number.quantize(CENT)
            if rounded == number:
                return rounded
    except (InvalidOperation, ValueError, TypeError):
        pass
    return None


def _money(value: Any, path: str) -> Decimal:
    """Fast parse_money: a non-negative amount with at most two decimals, quantized to 0.01."""
    plain = _plain_cents(value)
    return plain if plain is not None else parse_money(value, path).quantize(CENT)


def _claim_money(value: Any, i: int, cid: Any, field: str) -> Decimal:
    try:
        return _money(value, f"claims[{i}].{field}")
    except InputError as exc:
        raise _fail(i, cid, field, exc.message, exc.code) from None


_DATE_CACHE: dict[str, dt.date] = {}


def _date(value: Any, path: str) -> dt.date:
    if type(value) is str:
        found = _DATE_CACHE.get(value)
        if found is not None:
            return found
    result = parse_date(value, path)
    if len(_DATE_CACHE) < 100_000:
        _DATE_CACHE[value] = result
    return result


def _claim_date(value: Any, i: int, cid: Any, field: str) -> dt.date:
    try:
        return _date(value, f"claims[{i}].{field}")
    except InputError as exc:
        raise _fail(i, cid, field, exc.message, exc.code) from None


def _scope_key(
    kind: str, pool: str, keys: tuple[str, ...], applicant: str, cp: str, subj: str, year: int
) -> tuple[Any, ...]:
    return (
        f"{kind}:{pool}",
        applicant,
        cp if "counterparty" in keys else "",
        subj if "subject" in keys else "",
        year if kind == "annual" else 0,
    )


def _parse_grants(
    grants: Any, measures: dict[str, Measure], used: dict[tuple[Any, ...], Decimal]
) -> None:
    if grants is None:
        return
    if not isinstance(grants, list):
        raise InputError("prior_grants", "must be a list", "not_list")
    for j, g in enumerate(grants):
        path = f"prior_grants[{j}]"
        if not isinstance(g, dict):
            raise InputError(path, "must be an object", "not_object")
        code = g.get("measure")
        m = measures.get(code) if isinstance(code, str) else None
        if m is None:
            if code is None:
                raise InputError(f"{path}.measure", "is required", "required")
            raise InputError(f"{path}.measure", f"unknown measure {code!r}", "unknown_measure")
        applicant = g.get("applicant")
        if not isinstance(applicant, str) or not applicant:
            message = "is required" if applicant is None else "must be a non-empty string"
            raise InputError(
                f"{path}.applicant", message, "required" if applicant is None else "empty"
            )
        cp = g.get("counterparty")
        if cp is None or cp == "":
            if m.needs_counterparty:
                raise InputError(f"{path}.counterparty", f"is required for {m.code}", "required")
            cp = ""
        elif not isinstance(cp, str):
            raise InputError(f"{path}.counterparty", "must be a string", "not_string")
        subj = g.get("subject")
        if subj is None:
            subj = ""
        elif not isinstance(subj, str):
            raise InputError(f"{path}.subject", "must be a string", "not_string")
        when = g.get("date")
        if when is None:
            raise InputError(f"{path}.date", "is required", "required")
        year = _date(when, f"{path}.date").year
        amount = g.get("amount")
        if amount is None:
            raise InputError(f"{path}.amount", "is required", "required")
        value = _money(amount, f"{path}.amount")
        if value <= 0:
            continue  # a grant counts only when its amount is above 0
        for s in m.scopes:
            key = _scope_key(s.kind, s.pool, s.keys, applicant, cp, subj, year)
            used[key] = used.get(key, ZERO) + value


class _Plan:
    """A measure precompiled for the hot loop."""

    __slots__ = (
        "m",
        "types",
        "region",
        "eff_from",
        "eff_to",
        "rate",
        "pct",
        "cap",
        "by_level",
        "fixed",
        "registered",
        "not_related",
        "holding",
        "loss",
        "level",
        "needs_cp",
        "case_by_case",
        "scopes",
        "single",
        "specs",
        "spec1",
        "key1",
        "checks",
    )

    def __init__(self, m: Measure) -> None:
        self.m = m
        self.types = m.applicant_types
        self.region = m.region
        self.eff_from = m.effective_from
        self.eff_to = m.effective_to
        self.rate = m.rate
        self.pct = _pct(m.rate) if m.rate is not None else ""
        self.cap = m.item_cap
        self.by_level = m.item_cap_by_level
        self.fixed = m.fixed_amount
        c = m.conditions
        self.registered = c.registered
        self.not_related = c.not_related_party
        self.holding = c.holding_period_years
        self.loss = c.loss_confirmed
        self.level = c.level
        self.needs_cp = m.needs_counterparty
        self.case_by_case = m.case_by_case
        # (kind code, pool id, uses counterparty, uses subject, cap, binding code)
        self.scopes: tuple[tuple[int, str, bool, bool, Decimal | None, str], ...] = tuple(
            (
                _KIND_CODES[s.kind],
                f"{s.kind}:{s.pool}",
                "counterparty" in s.keys,
                "subject" in s.keys,
                s.amount,
                SCOPE_KINDS[s.kind],
            )
            for s in m.scopes
        )
        self.single = len(self.scopes) == 1
        # What steps 4–7 need of each scope: (kind code, cap, binding code).
        self.specs: tuple[tuple[int, Decimal | None, str], ...] = tuple(
            (kind, cap, bind) for kind, _, _, _, cap, bind in self.scopes
        )
        self.spec1 = self.specs[0] if self.single else None
        # How the key of the one scope is made: (pool id, uses counterparty, uses subject, annual).
        self.key1: tuple[str, bool, bool, bool] | None = (
            (self.scopes[0][1], self.scopes[0][2], self.scopes[0][3], self.scopes[0][0] == _ANNUAL)
            if self.single
            else None
        )
        # Whether any eligibility check beyond the applicant type applies.
        self.checks = bool(
            m.region is not None
            or m.effective_from is not None
            or m.effective_to is not None
            or c.registered
            or c.not_related_party
            or c.holding_period_years is not None
            or c.loss_confirmed
            or c.level
        )


# ---------------------------------------------------------------------------------------------
# Evaluation
# ---------------------------------------------------------------------------------------------


def _id_key(cid: Any, i: int) -> tuple[int, Any]:
    if type(cid) is str:
        return (1, cid)
    if type(cid) is int:
        return (0, cid)
    if cid is None:
        raise _fail(i, None, "id", "is required", "required")
    if isinstance(cid, Decimal) and cid.is_finite() and cid == cid.to_integral_value():
        return (0, int(cid))
    raise _fail(i, None, "id", "must be a string or an integer", "not_string")


def _check_other_fields(c: dict[str, Any], i: int, cid: Any) -> None:
    """Type checks of the optional fields (booleans, strings) a claim may carry."""
    for field in ("registered", "related_party", "loss_confirmed"):
        value = c.get(field)
        if value is not None and value is not True and value is not False:
            raise _fail(i, cid, field, "must be true or false", "not_bool")
    for field in ("counterparty", "subject", "applicant_region", "level"):
        value = c.get(field)
        if value is not None and type(value) is not str:
            raise _fail(i, cid, field, "must be a string", "not_string")


_TYPES = frozenset(APPLICANT_TYPE_LABELS)
_LEVELS = frozenset(LEVEL_LABELS)
_CASE_BY_CASE: tuple[str, ...] = ("case_by_case",)
_ITEM_CAP: tuple[str, ...] = ("item_cap",)

# A claim's date text -> (date, ordinal, year): one lookup gives what steps 1–7 and the order need.
_DAY_CACHE: dict[str, tuple[dt.date, int, int]] = {}


def _claim_day(value: Any, i: int, cid: Any) -> tuple[dt.date, int, int]:
    day = _claim_date(value, i, cid, "date")
    entry = (day, day.toordinal(), day.year)
    if len(_DAY_CACHE) < 100_000:
        _DAY_CACHE[value] = entry
    return entry


def _first_duplicate(ids: list[Any], claims: Sequence[Any]) -> InputError | None:
    """The error of the first claim whose id an earlier claim has (ids normalised: str or int)."""
    seen: dict[Any, int] = {}
    for j, idn in enumerate(ids):
        first = seen.setdefault(str(idn) if type(idn) is int else idn, j)
        if first != j:
            cid = claims[j].get("id")
            return _fail(
                j, None, "id", f"duplicate id {cid!r} (also claims[{first}])", "duplicate_id"
            )
    return None


def _date_id_order(ordinals: list[int], ids: list[Any]) -> list[int]:
    """Indexes in ascending (date, id) order: ids are str or int, integers before strings.

    Two stable sorts on plain keys (by id, then by date ordinal) give the same order as one
    sort on (date, id kind, id) triples, about twice as fast at a million claims: ints and strs
    compare by specialised fast paths, triples do not.
    """
    count = len(ids)
    if len(set(map(type, ids))) > 1:
        keys = [(0, x) if type(x) is int else (1, x) for x in ids]
        by_id = sorted(range(count), key=keys.__getitem__)
    else:
        by_id = sorted(range(count), key=ids.__getitem__)
    return sorted(by_id, key=ordinals.__getitem__)


def evaluate(
    claims: Sequence[Any], prior_grants: Iterable[Any] | None, catalogue: Catalogue
) -> list[Result]:
    """Evaluate claims (raw JSON objects) in (date, id) order; results come in input order.

    ``prior_grants`` count in every scope they fall in. Raises :class:`InputError` naming the
    first bad field in input order.
    """
    if not isinstance(claims, list | tuple):
        raise InputError("claims", "must be a list", "not_list")
    return _evaluate(claims, prior_grants, catalogue)


def _evaluate(
    claims: Sequence[Any], prior_grants: Iterable[Any] | None, catalogue: Catalogue
) -> list[Result]:
    """(A) In input order: validation, steps 1–3, and what steps 4–7 need of each claim with
    scopes (entitlement, applicant number, scope keys without the applicant, scope specs) in
    flat lists. (B) The order of those claims: by applicant, then (date, id). Every scope
    includes the applicant, so taking the applicants one after another, each in (date, id)
    order, grants exactly what the (date, id) order over all claims grants; and the running
    totals of one applicant's scopes live in a small dict instead of one dict of every scope
    of the batch (a random probe into hundreds of thousands of entries per claim).
    (C) Steps 4–7 in that order; then the outcome is written into the results in input order.
    """
    plans = catalogue.plans()
    used: dict[tuple[Any, ...], Decimal] = {}
    _parse_grants(
        list(prior_grants) if prior_grants is not None else None, catalogue.measures, used
    )
    # Applicants numbered in order of appearance (claims with scopes only).
    app_of: dict[str, int] = {}
    app_get = app_of.get

    results: list[Result] = []
    ids: list[Any] = []  # every claim's id, normalised (str, or int), for the duplicate check
    # The claims steps 4–7 must see, in input order (parallel lists).
    w_res: list[Result] = []
    w_ent: list[Decimal] = []
    w_app: list[int] = []
    # (kind:pool, counterparty, subject, year) of the scope, or a tuple of them
    w_key: list[Any] = []
    w_spec: list[Any] = []  # plan.spec1, or plan.specs for a measure with several scopes
    w_id: list[Any] = []
    w_ord: list[int] = []

    add_result = results.append
    add_id = ids.append
    add_res = w_res.append
    add_ent = w_ent.append
    add_app = w_app.append
    add_key = w_key.append
    add_spec = w_spec.append
    add_wid = w_id.append
    add_ord = w_ord.append
    day_get = _DAY_CACHE.get
    plain_cents = _plain_cents
    types_all = _TYPES
    levels = _LEVELS
    new = object.__new__
    result_cls = Result
    zero = ZERO
    cent = CENT
    half_up = ROUND_HALF_UP
    empty = _EMPTY
    i = 0
    try:
        for i, c in enumerate(claims):
            if type(c) is not dict:
                raise InputError(f"claims[{i}]", "must be an object", "not_object")
            get = c.get
            cid = get("id")
            idn = cid if type(cid) is str else _id_key(cid, i)[1]
            add_id(idn)
            code = get("measure")
            plan = plans.get(code) if type(code) is str else None
            if plan is None:
                if code is None:
                    raise _fail(i, cid, "measure", "is required", "required")
                raise _fail(i, cid, "measure", f"unknown measure {code!r}", "unknown_measure")
            applicant = get("applicant")
            if type(applicant) is not str or not applicant:
                if applicant is None:
                    raise _fail(i, cid, "applicant", "is required", "required")
                raise _fail(i, cid, "applicant", "must be a non-empty string", "empty")
            atype = get("applicant_type")
            if type(atype) is not str or atype not in types_all:
                if atype is None:
                    raise _fail(i, cid, "applicant_type", "is required", "required")
                raise _fail(
                    i,
                    cid,
                    "applicant_type",
                    f"must be one of {', '.join(_TYPES)}, not {atype!r}",
                    "not_a_choice",
                )
            when = get("date")
            entry = day_get(when) if type(when) is str else None
            if entry is None:
                if when is None:
                    raise _fail(i, cid, "date", "is required", "required")
                entry = _claim_day(when, i, cid)
            # Money: decimal strings by _plain_cents (same steps as _money); else the call.
            base = get("base")
            if base is not None:
                rounded = plain_cents(base)
                base = rounded if rounded is not None else _claim_money(base, i, cid, "base")
            elif plan.rate is not None:
                raise _fail(i, cid, "base", f"is required for {code} (rated measure)", "required")
            requested = get("requested")
            if requested is not None:
                rounded = plain_cents(requested)
                if rounded is not None:
                    requested = rounded
                else:
                    requested = _claim_money(requested, i, cid, "requested")
            cp_raw = cp = get("counterparty")
            if cp is None or cp == "":
                if plan.needs_cp:
                    raise _fail(i, cid, "counterparty", f"is required for {code}", "required")
                cp = ""
            subj = get("subject")
            if subj is None:
                subj = ""
            level = get("level")
            if level is not None and plan.level and (type(level) is not str or level not in levels):
                raise _fail(
                    i,
                    cid,
                    "level",
                    f"must be one of {', '.join(LEVEL_LABELS)}, not {level!r}",
                    "not_a_choice",
                )
            paid_in = get("paid_in_date")
            if paid_in is not None:
                paid_in = _claim_date(paid_in, i, cid, "paid_in_date")
            # _check_other_fields inlined for the common case; it runs (and refuses) on anything odd.
            registered = get("registered")
            related = get("related_party")
            loss = get("loss_confirmed")
            region = get("applicant_region")
            if (
                (registered is not None and registered is not True and registered is not False)
                or (related is not None and related is not True and related is not False)
                or (loss is not None and loss is not True and loss is not False)
                or (cp_raw is not None and type(cp_raw) is not str)
                or (subj != "" and type(subj) is not str)
                or (region is not None and type(region) is not str)
                or (level is not None and type(level) is not str)
            ):
                _check_other_fields(c, i, cid)

            day = entry[0]
            r = new(result_cls)
            r.id = cid
            r.measure = code  # type: ignore[assignment]  # a str: plans has it
            r._plan = plan
            r._claim = c
            r._date = day
            r._base = base
            r._requested = requested
            add_result(r)

            # Step 1: eligibility, every reason that applies, in REASONS order.
            types = plan.types
            reasons: list[str] | None = None
            if types is not None and atype not in types:
                reasons = ["applicant_type"]
            if plan.checks:
                found = [] if reasons is None else reasons
                if plan.region is not None and region not in plan.region:
                    found.append("region")
                if (plan.eff_from is not None and day < plan.eff_from) or (
                    plan.eff_to is not None and day > plan.eff_to
                ):
                    found.append("not_in_force")
                if plan.registered and registered is not True:
                    found.append("not_registered")
                if plan.not_related and related is True:
                    found.append("related_party")
                if plan.holding is not None and (
                    paid_in is None or day < full_years_reached_on(paid_in, plan.holding)
                ):
                    found.append("holding_period")
                if plan.loss and loss is not True:
                    found.append("loss_not_confirmed")
                if plan.level and level is None:
                    found.append("missing_level")
                if found:
                    reasons = found
            if reasons is not None:
                r.eligible = False
                r.reasons = tuple(reasons)
                r.entitlement = r._raw = r.granted = zero
                r.binding = empty
                r._used = None
                continue
            r.eligible = True
            if plan.case_by_case:
                r.reasons = _CASE_BY_CASE
                r.entitlement = r._raw = r.granted = zero
                r.binding = empty
                r._used = None
                continue
            r.reasons = empty
            # Step 2: the amount; step 3: the per-item cap, then what was asked for.
            binding: tuple[str, ...] = empty
            rate = plan.rate
            if rate is not None:
                amount = r._raw = (base * rate).quantize(cent, half_up)  # type: ignore[operator]
                cap = plan.cap
                if cap is not None and amount > cap:
                    amount = cap
                    binding = _ITEM_CAP
            elif plan.by_level is not None:
                amount = r._raw = plan.by_level[level]  # type: ignore[index]
            else:
                amount = r._raw = plan.fixed if plan.fixed is not None else plan.cap  # type: ignore[assignment]
            if requested is not None and amount > requested:
                amount = requested
                binding = (*binding, "requested")
            r.entitlement = amount
            r.binding = binding
            # The slots of the scopes steps 4–7 will use (found here, in input order).
            key1 = plan.key1
            if key1 is not None:
                pool, use_cp, use_subj, annual = key1
                add_key(
                    (
                        pool,
                        cp if use_cp else "",
                        subj if use_subj else "",
                        entry[2] if annual else 0,
                    )
                )
                add_spec(plan.spec1)
            elif plan.scopes:
                add_key(
                    tuple(
                        (
                            pool,
                            cp if use_cp else "",
                            subj if use_subj else "",
                            entry[2] if kind == _ANNUAL else 0,
                        )
                        for kind, pool, use_cp, use_subj, _, _ in plan.scopes
                    )
                )
                add_spec(plan.specs)
            else:
                r.granted = amount
                r._used = ()
                continue
            app = app_get(applicant)
            if app is None:
                app = app_of[applicant] = len(app_of)
            add_app(app)
            add_res(r)
            add_ent(amount)
            add_wid(idn)
            add_ord(entry[1])
    except Exception:
        # The original order of refusals: a duplicate id of an earlier claim comes first.
        duplicate = _first_duplicate(ids[:i], claims)
        if duplicate is not None:
            raise duplicate from None
        raise
    if len(set(ids) if len(set(map(type, ids))) < 2 else {str(x) for x in ids}) != len(ids):
        raise _first_duplicate(ids, claims)  # type: ignore[misc]
    del ids
    # What the prior grants count, per applicant number, by scope key without the applicant.
    local_of: dict[int, dict[tuple[Any, ...], Decimal]] = {}
    for (pool, applicant, cp, subj, year), value in used.items():
        app = app_get(applicant)
        if app is not None:
            local_of.setdefault(app, {})[(pool, cp, subj, year)] = value
    del used, app_of

    order = _date_id_order(w_ord, w_id)
    del w_ord, w_id
    order.sort(key=w_app.__getitem__)  # stable: by applicant, each in (date, id) order
    count = len(w_res)
    granted: list[Decimal] = w_ent[:]  # mostly the entitlement itself
    before: list[Any] = [None] * count  # what the scope(s) had granted before the claim
    bound: list[Any] = [None] * count  # binding codes steps 4–7 add (a tuple)
    highest = _HIGHEST
    once = _ONCE
    current = -1
    local: dict[tuple[Any, ...], Decimal] = {}
    # Steps 4–7: a claim's key is one scope key, or a tuple of them for several scopes.
    for j in order:
        app = w_app[j]
        if app != current:
            current = app
            local = local_of.get(app) or {}
        keys = w_key[j]
        amount = w_ent[j]
        if type(keys[0]) is str:  # one scope: a key, not a tuple of keys
            keys = (keys,)
            specs: Any = (w_spec[j],)
        else:
            specs = w_spec[j]
        prior = []
        binds: tuple[str, ...] = ()
        for key, (kind, cap, bind) in zip(keys, specs, strict=True):
            already = local.get(key, zero)
            prior.append(already)
            if kind == highest:
                if already > 0:
                    amount = amount - already if amount > already else zero
                    binds = (*binds, bind)
            elif kind == once:
                if already > 0:
                    amount = zero
                    binds = (*binds, bind)
            else:
                left = cap - already
                if left < 0:
                    left = zero
                if amount > left:
                    amount = left
                    binds = (*binds, bind)
        granted[j] = amount
        before[j] = tuple(prior)
        bound[j] = binds
        if amount > 0:
            for key in keys:
                local[key] = local.get(key, zero) + amount
    for r, amount, prior_t, binds in zip(w_res, granted, before, bound, strict=True):
        r.granted = amount
        r._used = prior_t
        if binds:
            r.binding = (*r.binding, *binds)
    return results


def run(doc: Any, catalogue: Catalogue | None = None) -> dict[str, Any]:
    """The CLI entry: ``{"claims": [...], "prior_grants": [...]}`` → ``{"results": [...]}``."""
    if not isinstance(doc, dict):
        raise InputError("(document)", "must be an object with claims", "not_object")
    claims = doc.get("claims")
    if claims is None:
        raise InputError("claims", "is required", "required")
    if not isinstance(claims, list):
        raise InputError("claims", "must be a list", "not_list")
    results = evaluate(claims, doc.get("prior_grants"), catalogue or load_catalogue())
    return {"results": [r.as_dict() for r in results]}
