"""The terms editor: payment terms as a person fills them in, to and from the engine's terms.

People choose a fee model and fill in its parts — money with thousands separators, rates as
percentages, periods in words, installment and tier rows they add and remove. The editor turns
those inputs into the engine's terms document (the shape the JSON API keeps), runs the engine's
own validation and puts each refusal, in Chinese (``engines.messages``), under the field it names.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError

from zhuanhua.core.inputs import InputProblem, parse_money
from zhuanhua.core.labels import yuan
from zhuanhua.engines import licensing as engine
from zhuanhua.engines import messages
from zhuanhua.engines.common import InputError
from zhuanhua.licensing.choices import FeeModel
from zhuanhua.licensing.terms import add_months

ERR_PERCENT = "应为百分比数字，如 5 或 3.5"
ERR_PERCENT_RANGE = "应在 0% 到 100% 之间"
ERR_DAYS = "应为不小于 0 的整数天数"
ERR_TERM_MONTHS = "许可期限应为 1–600 个月"
ERR_ROW_DUE = "请填写支付日期（或改为里程碑达成后支付）"
ERR_ROW_MILESTONE = "请填写里程碑名称和达成后的付款天数"

PERIOD_CHOICES = [("quarter", "季度"), ("half", "半年"), ("year", "年度")]
KIND_CHOICES = [("date", "按日期支付"), ("milestone", "里程碑达成后支付")]
ROYALTY_MODE_CHOICES = [("rate", "单一比例"), ("tiers", "分档比例")]

# Engine refusals whose catalogue sentence names JSON spellings: the editor's own words.
EDITOR_MESSAGES = {
    "rate_range": ERR_PERCENT_RANGE,
    "tier_open_early": "只有最后一档可以不填上限",
    "tier_last_open": "最后一档的上限须留空（不设上限）",
    "unknown_fee_model": "请选择费用模式",
    "unknown_period": "请选择报告周期",
    "rate_or_tiers": "请填写提成比例",
}

# Input names of the row lists (request.POST.getlist), aligned by position.
INSTALLMENT_FIELDS = ("key", "amount", "kind", "due", "milestone", "days_after")
TIER_FIELDS = ("up_to", "rate")


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def money_input(value: Any) -> str:
    """A stored amount as the editor shows it: ``1,200,000`` or ``1,200,000.50``."""
    if value in (None, ""):
        return ""
    shown = yuan(value)
    return shown.removesuffix(".00")


def percent_input(rate: Any) -> str:
    """A stored rate (``"0.035"``) as the percentage typed in the editor (``3.5``)."""
    if rate in (None, ""):
        return ""
    return f"{(Decimal(str(rate)) * 100).normalize():f}"


def parse_yuan(text: str) -> Decimal:
    """``1,200,000`` / ``1，200，000.5`` / ``1200000.5`` → Decimal yuan (core.inputs rules)."""
    cleaned = text.replace(",", "").replace("，", "").replace(" ", "").replace("元", "")
    return parse_money(cleaned)


def parse_percent(text: str) -> Decimal:
    """``5`` / ``3.5%`` → the fraction ``0.05`` / ``0.035``."""
    try:
        number = Decimal(text.replace("%", "").replace("％", "").strip())
    except InvalidOperation:
        raise InputProblem(ERR_PERCENT) from None
    if not number.is_finite():
        raise InputProblem(ERR_PERCENT)
    if not 0 <= number <= 100:
        raise InputProblem(ERR_PERCENT_RANGE)
    return (number / 100).normalize()


def parse_days(text: str) -> int:
    if not text.isdigit():
        raise InputProblem(ERR_DAYS)
    return int(text)


@dataclass
class Row:
    """One installment or tier row: its inputs and the errors under each."""

    values: dict[str, str]
    errors: dict[str, list[str]] = field(default_factory=dict)

    def __getitem__(self, name: str) -> str:
        # KeyError for other names: Django templates then look up the attribute (row.errors).
        return self.values[name]

    def get(self, name: str) -> str:
        return self.values.get(name, "")


@dataclass
class TermsEditor:
    """The editor's inputs (strings as typed), the terms they make and the errors to show.

    ``with_term``: a negotiation's version carries its own start and end dates; an offer has a
    term in months (the offer form's ``term_months``) and no dates.
    """

    with_term: bool
    values: dict[str, str]
    installments: list[Row]
    tiers: list[Row]
    errors: dict[str, list[str]] = field(default_factory=dict)
    raw: dict[str, Any] | None = None  # the engine's terms once clean() succeeded
    _cleaned: bool = field(default=False, repr=False)
    _terms: engine.Terms | None = field(default=None, repr=False)

    # ---------------------------------------------------------------------------------------
    # Building

    @classmethod
    def from_terms(
        cls, terms: dict[str, Any], *, with_term: bool, fee_model: str = ""
    ) -> TermsEditor:
        """The editor showing stored (canonical) terms."""
        royalty = terms.get("royalty") or {}
        values = {
            "fee_model": str(terms.get("fee_model") or fee_model or FeeModel.ROYALTY),
            "start": _text(terms.get("start")),
            "end": _text(terms.get("end")),
            "upfront_fee": money_input(terms.get("upfront_fee")) or "0",
            "upfront_due": _text(terms.get("upfront_due")),
            "royalty_mode": "tiers" if royalty.get("tiers") else "rate",
            "royalty_rate": percent_input(royalty.get("rate")),
            "royalty_period": str(royalty.get("period") or "quarter"),
            "report_within_days": _text(
                royalty.get("report_within_days", engine.DEFAULT_REPORT_WITHIN_DAYS)
            ),
            "pay_within_days": _text(
                royalty.get("pay_within_days", engine.DEFAULT_PAY_WITHIN_DAYS)
            ),
            "cap_total": money_input(royalty.get("cap_total")),
            "grace_days": _text(terms.get("grace_days", 0)),
        }
        installments = [
            Row(
                {
                    "key": _text(i.get("key")),
                    "amount": money_input(i.get("amount")),
                    "kind": "milestone" if i.get("milestone") else "date",
                    "due": _text(i.get("due")),
                    "milestone": _text(i.get("milestone")),
                    "days_after": _text(i.get("days_after")),
                }
            )
            for i in terms.get("installments") or []
        ]
        tiers = [
            Row({"up_to": money_input(t.get("up_to")), "rate": percent_input(t.get("rate"))})
            for t in royalty.get("tiers") or []
        ]
        return cls(with_term=with_term, values=values, installments=installments, tiers=tiers)

    @classmethod
    def from_data(cls, data: Any, *, with_term: bool) -> TermsEditor:
        """The editor from a POST (a QueryDict: row inputs repeat under one name)."""
        names = (
            "fee_model",
            "start",
            "end",
            "upfront_fee",
            "upfront_due",
            "royalty_mode",
            "royalty_rate",
            "royalty_period",
            "report_within_days",
            "pay_within_days",
            "cap_total",
            "grace_days",
        )
        values = {name: _text(data.get(name)) for name in names}

        def rows(prefix: str, fields: tuple[str, ...]) -> list[Row]:
            columns = {f: data.getlist(f"{prefix}_{f}") for f in fields}
            count = max((len(c) for c in columns.values()), default=0)
            out = []
            for i in range(min(count, 200)):
                row = {f: _text(columns[f][i]) if i < len(columns[f]) else "" for f in fields}
                if any(v for f, v in row.items() if f != "kind"):
                    out.append(Row(row))
            return out

        return cls(
            with_term=with_term,
            values=values,
            installments=rows("inst", INSTALLMENT_FIELDS),
            tiers=rows("tier", TIER_FIELDS),
        )

    def as_data(self) -> dict[str, Any]:
        """The inputs as a form posts them (a test client's data; repeated names as lists)."""
        data: dict[str, Any] = dict(self.values)
        for f in INSTALLMENT_FIELDS:
            data[f"inst_{f}"] = [row.get(f) for row in self.installments]
        for f in TIER_FIELDS:
            data[f"tier_{f}"] = [row.get(f) for row in self.tiers]
        return data

    # ---------------------------------------------------------------------------------------
    # Cleaning

    @property
    def fee_model(self) -> str:
        return self.values.get("fee_model", "")

    @property
    def staged(self) -> bool:
        return self.fee_model in engine.STAGED_MODELS

    @property
    def has_royalty(self) -> bool:
        return self.fee_model in engine.ROYALTY_MODELS

    def add_error(self, path: str, message: str) -> None:
        self.errors.setdefault(path, []).append(message)

    def _money(self, path: str, text: str) -> str | None:
        try:
            return str(parse_yuan(text))
        except InputProblem as exc:
            self.add_error(path, str(exc))
            return None

    def _percent(self, path: str, text: str) -> str | None:
        try:
            return str(parse_percent(text))
        except InputProblem as exc:
            self.add_error(path, str(exc))
            return None

    def _days(self, path: str, text: str) -> int | None:
        try:
            return parse_days(text)
        except InputProblem as exc:
            self.add_error(path, str(exc))
            return None

    def build(self) -> dict[str, Any]:
        """The engine's terms from the inputs; typing errors recorded (the engine checks the rest)."""
        v = self.values
        doc: dict[str, Any] = {}
        if self.with_term:
            doc["fee_model"] = self.fee_model
            doc["start"] = v["start"] or None
            doc["end"] = v["end"] or None
        doc["upfront_fee"] = self._money("upfront_fee", v["upfront_fee"] or "0")
        if v["upfront_due"]:
            doc["upfront_due"] = v["upfront_due"]
        if self.staged:
            installments = []
            for i, row in enumerate(self.installments):
                path = f"installments[{i}]"
                item: dict[str, Any] = {
                    "key": row.get("key") or None,
                    "amount": self._money(f"{path}.amount", row.get("amount"))
                    if row.get("amount")
                    else None,
                }
                if row.get("kind") == "milestone":
                    item["milestone"] = row.get("milestone") or None
                    item["days_after"] = self._days(
                        f"{path}.days_after", row.get("days_after") or "0"
                    )
                else:
                    item["due"] = row.get("due") or None
                installments.append(item)
            doc["installments"] = installments
        if self.has_royalty:
            royalty: dict[str, Any] = {"period": v["royalty_period"] or None}
            if v["royalty_mode"] == "tiers":
                tiers = []
                for i, row in enumerate(self.tiers):
                    path = f"royalty.tiers[{i}]"
                    tiers.append(
                        {
                            "up_to": self._money(f"{path}.up_to", row.get("up_to"))
                            if row.get("up_to")
                            else None,
                            "rate": self._percent(f"{path}.rate", row.get("rate"))
                            if row.get("rate")
                            else None,
                        }
                    )
                royalty["tiers"] = tiers
            else:
                royalty["rate"] = (
                    self._percent("royalty.rate", v["royalty_rate"]) if v["royalty_rate"] else None
                )
            for name in ("report_within_days", "pay_within_days"):
                if v[name]:
                    royalty[name] = self._days(f"royalty.{name}", v[name])
            if v["cap_total"]:
                royalty["cap_total"] = self._money("royalty.cap_total", v["cap_total"])
            doc["royalty"] = royalty
        doc["grace_days"] = self._days("grace_days", v["grace_days"] or "0")
        return doc

    def contract(self, doc: dict[str, Any], *, term_months: Any = None, today: dt.date) -> dict:
        """The engine's contract: a version's own term, or an offer's months from ``today``."""
        if self.with_term:
            return {**doc, "id": "editor"}
        try:
            months = int(str(term_months))
        except (TypeError, ValueError):
            months = 0
        if not 1 <= months <= 600:
            self.add_error("term_months", ERR_TERM_MONTHS)
            months = 12
        return {
            **doc,
            "id": "editor",
            "fee_model": self.fee_model,
            "start": today.isoformat(),
            "end": add_months(today, months).isoformat(),
        }

    def clean(self, *, term_months: Any = None, today: dt.date) -> engine.Terms | None:
        """Build the terms and run the engine's validation; None (and ``errors``) if refused.

        Cleaned once: the page's preview asks again after the view did."""
        if self._cleaned:
            return self._terms
        self._cleaned = True
        self._terms = self._clean(term_months=term_months, today=today)
        return self._terms

    def _clean(self, *, term_months: Any, today: dt.date) -> engine.Terms | None:
        doc = self.build()
        contract = self.contract(doc, term_months=term_months, today=today)
        if self.errors:
            return None
        try:
            terms = engine.parse_terms(contract)
        except InputError as exc:
            self.add_error(*self._engine_error(exc))
            return None
        self.raw = doc
        return terms

    def _engine_error(self, exc: InputError) -> tuple[str, str]:
        """The engine's refusal under the input a person sees (a milestone row has no date)."""
        path = exc.path.removeprefix("contract.").removeprefix("contract")
        if exc.code == "due_or_milestone" and path.startswith("installments["):
            head = path.split("]", 1)[0] + "]"
            index = int(head[len("installments[") : -1])
            row = self.installments[index] if index < len(self.installments) else None
            if row is not None and row.get("kind") == "milestone":
                return f"{head}.milestone", ERR_ROW_MILESTONE
            return f"{head}.due", ERR_ROW_DUE
        return path, editor_message(exc)

    def apply_errors(self, exc: ValidationError) -> list[str]:
        """A service's refusal: ``terms.*`` messages go under their field; the rest is returned."""
        rest: list[str] = []
        if not hasattr(exc, "error_dict"):
            return list(exc.messages)
        for name, texts in exc.message_dict.items():
            if name == "terms" or name.startswith("terms."):
                for text in texts:
                    self.add_error(name.removeprefix("terms").removeprefix("."), text)
            else:
                rest.extend(texts)
        return rest

    # ---------------------------------------------------------------------------------------
    # Showing

    def rows_with_errors(self, rows: list[Row], prefix: str) -> list[Row]:
        for i, row in enumerate(rows):
            row.errors = {}
            for path, texts in self.errors.items():
                head = f"{prefix}[{i}]"
                if path == head:
                    row.errors.setdefault("row", []).extend(texts)
                elif path.startswith(head + "."):
                    row.errors.setdefault(path[len(head) + 1 :], []).extend(texts)
        return rows

    def context(self) -> dict[str, Any]:
        """What _terms_editor.html needs."""
        inst = self.rows_with_errors(self.installments, "installments")
        tiers = self.rows_with_errors(self.tiers, "royalty.tiers")
        shown_paths = {"fee_model", "start", "end", "upfront_fee", "upfront_due"}
        shown_paths |= {"installments", "royalty", "royalty.tiers", "royalty.rate", "grace_days"}
        shown_paths |= {"royalty.period", "royalty.report_within_days", "royalty.pay_within_days"}
        shown_paths |= {"royalty.cap_total", "term_months"}
        other = [
            f"{messages.field_label(p, '支付条款')}：{t}"
            for p, texts in self.errors.items()
            if p not in shown_paths and not p.startswith(("installments[", "royalty.tiers["))
            for t in texts
        ]
        return {
            "ed": self,
            "v": self.values,
            "inst_rows": inst or [Row({"kind": "date"})],
            "tier_rows": tiers or [Row({}), Row({})],
            "blank_inst": Row({"kind": "date"}),
            "blank_tier": Row({}),
            "fee_models": FeeModel.choices,
            "periods": PERIOD_CHOICES,
            "kinds": KIND_CHOICES,
            "royalty_modes": ROYALTY_MODE_CHOICES,
            "other_errors": other,
            "errs": {p.replace(".", "_"): t for p, t in self.errors.items()},
        }


def editor_message(exc: InputError) -> str:
    """The engine's refusal in the editor's words (percentages, no JSON spellings)."""
    return EDITOR_MESSAGES.get(exc.code) or messages.chinese(exc)
