"""Reads for subsidies: the catalogue as pages need it, what a measure asks for, the claim the
engine sees, prior grants, visibility, budget figures, and the hooks into other apps."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from zhuanhua.accounts.http import Visitor
from zhuanhua.credit.selectors import credit_active_for
from zhuanhua.directory.models import ServiceProvider
from zhuanhua.directory.selectors import REVENUE_KINDS, provider_yearly_revenue
from zhuanhua.engines.common import ZERO, money_str
from zhuanhua.engines.subsidy import Catalogue, Measure, Result, evaluate, load_catalogue
from zhuanhua.licensing import selectors as licensing_selectors
from zhuanhua.subsidies.choices import (
    APPLICANT_ROLES,
    APPLICANT_TYPE_OF_ORG,
    READER_ROLES,
    REVIEWER_ROLES,
    GrantStatus,
)
from zhuanhua.subsidies.models import Grant, SubsidyApplication

SUBJECT_LABELS = {
    8: "成果名称（同类成果按“就高不就低”）",
    10: "中试验证平台名称",
    11: "聚集区/服务基地名称",
}
SUBJECT_LABEL_M8_2 = "标准名称"
SCOPE_KIND_LABELS = {
    "highest_only": "就高不就低",
    "once": "一次性",
    "cumulative": "累计上限",
    "annual": "年度上限",
}


def catalogue() -> Catalogue:
    """The provincial catalogue (YAML) with the local measures of the database beside it.

    Rebuilt when a local measure is added or edited: the cache is keyed on the YAML catalogue
    and an aggregate of the local rows (count, highest id, revisions, last change), so every
    process sees an edit on its next request without a shared cache.
    """
    from zhuanhua.subsidies.local import merged_catalogue

    return merged_catalogue()


def provincial_catalogue() -> Catalogue:
    return load_catalogue()


def measure_or_none(code: str) -> Measure | None:
    return catalogue().measures.get(code)


# ------------------------------------------------------------------------- what a measure needs


def measure_fields(m: Measure) -> list[str]:
    """The claim fields a measure uses, derived from its catalogue entry (in form order)."""
    fields: list[str] = []
    if m.case_by_case:
        return fields
    scope_keys = {key for scope in m.scopes for key in scope.keys}
    if "counterparty" in scope_keys:
        fields.append("counterparty")
    if "subject" in scope_keys:
        fields.append("subject")
    if m.conditions.level or m.item_cap_by_level:
        fields.append("level")
    if m.base:
        fields.append("base_amount")
    fields.append("requested_amount")
    if m.conditions.registered:
        fields.append("registered")
    if m.conditions.not_related_party:
        fields.append("related_party")
    if m.conditions.holding_period_years is not None:
        fields.append("paid_in_on")
    if m.conditions.loss_confirmed:
        fields.append("loss_confirmed")
    return fields


def subject_label(m: Measure) -> str:
    if m.code == "M8-2":
        return SUBJECT_LABEL_M8_2
    return SUBJECT_LABELS.get(m.measure, "项目名称")


@dataclass(frozen=True)
class MeasureRow:
    """One measure as the catalogue page shows it."""

    m: Measure
    rate_pct: str
    item_cap: str
    caps_by_level: list[tuple[str, str]]
    scopes: list[str]
    conditions: list[str]
    applicant_types: str


def catalogue_rows(measures: Any = None) -> list[MeasureRow]:
    """Rows of ``measures`` (default: the provincial ones, in catalogue order)."""
    from zhuanhua.subsidies.choices import APPLICANT_TYPE_LABELS, StandardLevel

    rows = []
    for m in provincial_catalogue().measures.values() if measures is None else measures:
        scopes = []
        for s in m.scopes:
            text = f"{SCOPE_KIND_LABELS.get(s.kind, s.kind)}：{s.label}"
            if s.amount is not None:
                text += f"{'每年' if s.kind == 'annual' else '累计'}不超过 {s.amount:,.2f} 元"
            scopes.append(text)
        conditions = []
        c = m.conditions
        if c.registered:
            conditions.append("技术合同经认定登记")
        if c.not_related_party:
            conditions.append("关联技术交易除外")
        if c.holding_period_years is not None:
            conditions.append(f"实缴投资满 {c.holding_period_years} 年")
        if c.loss_confirmed:
            conditions.append("投资损失已确认")
        if c.level:
            conditions.append("注明标准级别")
        if m.case_by_case:
            conditions.append("一事一议，由人工决定")
        cap = m.item_cap if m.item_cap is not None else m.fixed_amount
        rows.append(
            MeasureRow(
                m=m,
                rate_pct=(format((m.rate * 100).normalize(), "f") + "%")
                if m.rate is not None
                else "",
                item_cap=(f"{cap:,.2f}" + (" 元（定额）" if m.fixed_amount is not None else " 元"))
                if cap is not None
                else "",
                caps_by_level=[
                    (StandardLevel(k).label, f"{v:,.2f}")
                    for k, v in (m.item_cap_by_level or {}).items()
                ],
                scopes=scopes,
                conditions=conditions,
                applicant_types="、".join(
                    APPLICANT_TYPE_LABELS.get(t, t) for t in sorted(m.applicant_types)
                )
                if m.applicant_types
                else "不限",
            )
        )
    return rows


# ------------------------------------------------------------------------- claims and grants


def applicant_type_of(org: Any) -> str:
    return APPLICANT_TYPE_OF_ORG.get(getattr(org, "org_type", ""), "other")


def prior_grants_of(org: Any) -> list[dict[str, Any]]:
    """Every grant of the organisation, in the engine's prior_grants shape (all measures: pools
    may be shared across measures, and every scope is keyed on the applicant)."""
    if org is None or getattr(org, "pk", None) is None:
        return []
    return [
        {
            "measure": g.measure,
            "applicant": str(org.pk),
            "counterparty": g.counterparty,
            "subject": g.subject,
            "date": g.granted_on.isoformat(),
            "amount": money_str(g.amount),
        }
        for g in Grant.objects.filter(applicant_id=org.pk).only(
            "measure", "counterparty", "subject", "granted_on", "amount"
        )
    ]


def build_claim(
    *,
    measure: str,
    applicant_key: str,
    applicant_type: str,
    claim_on: dt.date,
    data: dict[str, Any],
    region: str = "",
) -> dict[str, Any]:
    """The engine's claim from the fields a form or an application holds."""
    claim: dict[str, Any] = {
        "id": "claim",
        "measure": measure,
        "applicant": applicant_key,
        "applicant_type": applicant_type,
        "date": claim_on.isoformat(),
        "registered": bool(data.get("registered")),
        "related_party": bool(data.get("related_party")),
        "loss_confirmed": bool(data.get("loss_confirmed")),
    }
    if region:
        claim["applicant_region"] = region
    for src, dst in (("base_amount", "base"), ("requested_amount", "requested")):
        if data.get(src) is not None:
            claim[dst] = money_str(Decimal(data[src]))
    for key in ("counterparty", "subject", "level"):
        if data.get(key):
            claim[key] = str(data[key])
    if data.get("paid_in_on"):
        claim["paid_in_date"] = data["paid_in_on"].isoformat()
    return claim


def evaluate_one(claim: dict[str, Any], prior_grants: list[dict[str, Any]]) -> Result:
    """Run the engine on one claim with the applicant's prior grants."""
    return evaluate([claim], prior_grants, catalogue())[0]


def application_data(app: SubsidyApplication) -> dict[str, Any]:
    return {
        "base_amount": app.base_amount,
        "requested_amount": app.requested_amount,
        "counterparty": app.counterparty,
        "subject": app.subject,
        "level": app.level,
        "registered": app.registered,
        "related_party": app.related_party,
        "paid_in_on": app.paid_in_on,
        "loss_confirmed": app.loss_confirmed,
    }


def applicant_region(org: Any, measure: str | Measure | None) -> str:
    """The claim's `applicant_region` (local.applicant_region: the prefecture's four digits, or
    ``P<park id>`` under a park's measure when the organisation is the park or its resident)."""
    from zhuanhua.subsidies.local import applicant_region as region

    m = measure_or_none(measure) if isinstance(measure, str) else measure
    return region(org, m)


def explanation_of(result: Result, region: str) -> list[str]:
    """The engine's explanation, its region sentence told in names (local measures)."""
    from zhuanhua.subsidies.local import explanation_of as explain

    return explain(result, region)


def local_areas() -> dict[str, str]:
    """Code → area label (昆明市 · 某园区) of every local measure."""
    from zhuanhua.subsidies.local import area_label
    from zhuanhua.subsidies.models import LocalMeasure

    return {lm.code: area_label(lm) for lm in LocalMeasure.objects.select_related("park")}


def local_rows(user: Visitor | None = None, today: dt.date | None = None) -> list[Any]:
    """The local measures for the catalogue page, each with its area, its state today and
    (for an applicant) whether it applies to the user's organisation."""
    from zhuanhua.subsidies.local import LocalRow, area_label, state_on
    from zhuanhua.subsidies.models import LocalMeasure

    today = today or timezone.localdate()
    cat = catalogue()
    org = getattr(user, "organisation", None) if can_apply(user) else None
    out = []
    for lm in LocalMeasure.objects.select_related("park").order_by("prefecture", "code"):
        m = cat.measures.get(lm.code)
        if m is None:
            continue
        applies = None
        if org is not None:
            applies = applicant_region(org, m) in (m.region or ())
        out.append(
            LocalRow(
                lm=lm,
                row=catalogue_rows([m])[0],
                area=area_label(lm),
                state=state_on(lm, today),
                applies_to_user=applies,
            )
        )
    return out


def evaluate_application(app: SubsidyApplication) -> Result:
    """The engine's amount for an application now, against every grant of its applicant."""
    org = app.applicant
    claim = build_claim(
        measure=app.measure,
        applicant_key=str(org.pk),
        applicant_type=app.applicant_type,
        claim_on=app.claim_on,
        data=application_data(app),
        region=applicant_region(org, app.measure),
    )
    return evaluate_one(claim, prior_grants_of(org))


# ------------------------------------------------------------------------- hooks into other apps

# Which party of a registered contract a measure pays: M7-1 the enterprise that bought (the
# licensee), M7-2 the unit that transferred (the licensor).
CONTRACT_SIDE = {"M7-1": "licensee", "M7-2": "licensor"}


def known_received_amounts(org: Any, measure: str = "") -> list[dict[str, Any]]:
    """Registered technology contracts of the organisation with their received amounts.

    The hook for M7-1/M7-2: each item is ``{"ref": str, "label": str, "received_amount":
    Decimal, "registered": True}``, from ``zhuanhua.licensing.selectors.registered_contracts``
    (技术合同认定登记 of licences, received amount = the licence's payments). A contract not
    registered here is entered by the applicant, who proves the received amount with evidence.
    """
    rows = []
    for reg in licensing_selectors.registered_contracts(org, CONTRACT_SIDE.get(measure))[:200]:
        licence = reg.licence
        title = getattr(getattr(licence, "achievement", None), "title", "")
        rows.append(
            {
                "ref": reg.registration_number,
                "label": f"{reg.registration_number} {title}".strip(),
                "received_amount": reg.received_amount,
                "registered": True,
            }
        )
    return rows


# M10-2 pays 20% of a pilot platform's yearly service revenue: the directory keeps it.
REVENUE_MEASURE = "M10-2"


def known_service_revenues(org: Any, today: dt.date | None = None) -> list[dict[str, Any]]:
    """The organisation's pilot platforms' service revenue of last year and this year, from the
    service directory (delivered services' contract amounts). The hook for M10-2: each item is
    ``{"ref": "<provider id>:<year>", "label", "revenue_amount": Decimal, "subject": platform
    name, "year"}``; years without revenue are left out."""
    if org is None or getattr(org, "pk", None) is None:
        return []
    year = (today or timezone.localdate()).year
    rows = []
    for provider in ServiceProvider.objects.filter(
        organisation_id=org.pk, kind__in=REVENUE_KINDS
    ).order_by("name", "id")[:50]:
        for y in (year - 1, year):
            amount = provider_yearly_revenue(provider, y)
            if amount > 0:
                rows.append(
                    {
                        "ref": f"{provider.pk}:{y}",
                        "revenue_amount": amount,
                        "label": f"{provider.name} · {y} 年（{amount:,.2f} 元）",
                        "subject": provider.name,
                        "year": y,
                    }
                )
    return rows


def credit_active(org: Any) -> bool:
    """True while the organisation has an active credit event (失信) in the credit app."""
    try:
        return bool(credit_active_for(org))
    except AttributeError:
        return False


# ------------------------------------------------------------------------- roles and visibility


def _roles(user: Visitor | None) -> set[str]:
    if user is None or not user.is_authenticated:
        return set()
    return set(user.roles or [])


def can_apply(user: Visitor | None) -> bool:
    org = getattr(user, "organisation", None)
    return (
        bool(_roles(user) & {str(r) for r in APPLICANT_ROLES})
        and org is not None
        and org.org_type != "department"
        and org.is_approved
    )


def is_reviewer(user: Visitor) -> bool:
    return bool(_roles(user) & {str(r) for r in REVIEWER_ROLES})


def is_reader(user: Visitor) -> bool:
    return bool(_roles(user) & {str(r) for r in READER_ROLES})


def applications_visible_to(user: Visitor) -> QuerySet[SubsidyApplication]:
    qs = SubsidyApplication.objects.select_related("applicant")
    if is_reader(user):
        return qs
    if not user.is_authenticated or user.organisation_id is None:
        return qs.none()
    return qs.filter(applicant_id=user.organisation_id)


def grants_of(org: Any) -> QuerySet[Grant]:
    return Grant.objects.filter(applicant_id=org.pk).order_by("-approved_on", "-id")


# ------------------------------------------------------------------------- budget


@dataclass(frozen=True)
class BudgetRow:
    code: str
    title: str
    budget_amount: Decimal | None
    committed_amount: Decimal
    paid_amount: Decimal
    remaining_amount: Decimal | None
    grant_count: int


def budget_years() -> list[int]:
    years = set(Grant.objects.annotate(y=ExtractYear("approved_on")).values_list("y", flat=True))
    return sorted(years | {timezone.localdate().year}, reverse=True)


def budget_rows(year: int) -> list[BudgetRow]:
    """Per measure for one year (of approval): the catalogue budget, committed (all approved
    grants), paid, and remaining = budget − committed."""
    sums: dict[str, Any] = {
        row["measure"]: row
        for row in Grant.objects.filter(approved_on__year=year)
        .values("measure")
        .annotate(
            committed=Sum("amount"),
            count=Count("id"),
            paid=Sum("amount", filter=Q(status=GrantStatus.PAID)),
        )
    }
    rows = []
    for m in catalogue().measures.values():
        s = sums.get(m.code, {})
        committed = s.get("committed") or ZERO
        rows.append(
            BudgetRow(
                code=m.code,
                title=m.title,
                budget_amount=m.budget_per_year,
                committed_amount=committed,
                paid_amount=s.get("paid") or ZERO,
                remaining_amount=(m.budget_per_year - committed)
                if m.budget_per_year is not None
                else None,
                grant_count=s.get("count") or 0,
            )
        )
    for code, s in sums.items():  # grants of a measure no longer in the catalogue
        if code not in catalogue().measures:
            rows.append(
                BudgetRow(
                    code=code,
                    title="（已不在目录中）",
                    budget_amount=None,
                    committed_amount=s["committed"],
                    paid_amount=s["paid"] or ZERO,
                    remaining_amount=None,
                    grant_count=s["count"],
                )
            )
    return rows
