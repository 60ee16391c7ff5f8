"""Reads for subsidies: the catalogue as pages need it, what a measure asks for, the claim the
engine sees, prior grants, visibility, budget figures, and the hooks into other apps."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeGuard

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from zhuanhua.accounts import scope
from zhuanhua.accounts.choices import Role
from zhuanhua.accounts.http import Visitor
from zhuanhua.accounts.models import User
from zhuanhua.contracts import selectors as contract_selectors
from zhuanhua.contracts.choices import PartySide
from zhuanhua.credit.selectors import credit_active_for
from zhuanhua.directory.models import ServiceProvider, TrainingBase
from zhuanhua.directory.selectors import (
    REVENUE_KINDS,
    agency_brokered_amounts,
    provider_yearly_revenue,
)
from zhuanhua.engines.common import ZERO, money_str
from zhuanhua.engines.periods import period_end
from zhuanhua.engines.subsidy import (
    Catalogue,
    Measure,
    Policy,
    Result,
    evaluate,
    load_catalogue,
)
from zhuanhua.licensing import selectors as licensing_selectors
from zhuanhua.organisations.models import Organisation
from zhuanhua.subsidies.choices import (
    APPLICANT_ROLES,
    APPLICANT_TYPE_OF_ORG,
    FINANCE_ORG_TYPE,
    PREFECTURE_ORG_TYPE,
    PROVINCIAL_ORG_TYPE,
    SUPERVISING_ORG_TYPE,
    ApplicationStatus,
    BatchStatus,
    GrantStatus,
)
from zhuanhua.subsidies.models import (
    Grant,
    SettlementBatch,
    SubsidyApplication,
    VentureInvestment,
)
from zhuanhua.vouchers.selectors import counted_spends_of

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


# Measure 14's yearly ceiling is paid two ways: vouchers spent (vouchers app) and M14-1 grants.
VOUCHER_MEASURE = "M14-1"


def voucher_uses_of(org: Any) -> list[dict[str, Any]]:
    """The organisation's voucher spends (not rejected) as M14-1 prior grants: measure 14's
    yearly ceiling counts both paths (issue 24.4). Dated in the spend's year."""
    rows = []
    for year, spent_at, amount in counted_spends_of(org):
        day = timezone.localtime(spent_at).date() if spent_at is not None else None
        if day is None or day.year != year:
            day = dt.date(year, 1, 1)
        rows.append(
            {
                "measure": VOUCHER_MEASURE,
                "applicant": str(org.pk),
                "counterparty": "",
                "subject": "",
                "date": day.isoformat(),
                "amount": money_str(amount),
            }
        )
    return rows


def m14_grants_in_year(org: Any, year: int) -> Decimal:
    """M14-1 grants of the organisation counted in ``year`` (the vouchers app's shared-cap
    slot: a voucher spend is refused when vouchers plus these pass the yearly ceiling)."""
    total = Grant.objects.filter(
        applicant_id=getattr(org, "pk", org), measure=VOUCHER_MEASURE, granted_on__year=year
    ).aggregate(s=Sum("amount"))["s"]
    return total or ZERO


def prior_grants_of(org: Any) -> list[dict[str, Any]]:
    """Every grant of the organisation, in the engine's prior_grants shape (all measures: pools
    may be shared across measures, and every scope is keyed on the applicant), plus its voucher
    spends, which use M14-1's yearly cap."""
    if org is None or getattr(org, "pk", None) is None:
        return []
    return voucher_uses_of(org) + [
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
    side = CONTRACT_SIDE.get(measure)
    year = timezone.localdate().year
    in_year = licensing_selectors.received_in_year_by_registration(org, side, year)
    for reg in licensing_selectors.registered_contracts(org, side)[:200]:
        licence = reg.licence
        title = getattr(getattr(licence, "achievement", None), "title", "")
        rows.append(
            {
                "ref": reg.registration_number,
                "label": f"{reg.registration_number} {title}".strip(),
                # 实际到账额 of the claim's year (issue 24.3: received within the year).
                "received_amount": in_year.get(reg.registration_number, ZERO),
                "received_total_amount": reg.received_amount,
                "registered": True,
            }
        )
    known = {r["ref"] for r in rows}
    for ref, c in registered_in_contracts(org, measure, year).items():
        if ref in known:
            continue
        rows.append(
            {
                "ref": ref,
                "label": f"{ref} {c['contract'].title}（核定技术交易额 "
                f"{c['transaction_amount']:,.2f} 元）",
                "received_amount": c["received_amount"],
                "received_total_amount": c["contract"].received_amount,
                "registered": True,
            }
        )
    return rows


# The contracts app's registrations (认定登记 through a registrar, all five kinds): measure 7
# reads them too — M7-1 as the buyer, M7-2 as the seller.
CONTRACTS_SIDE = {"M7-1": PartySide.BUYER, "M7-2": PartySide.SELLER}


def registered_in_contracts(org: Any, measure: str, year: int) -> dict[str, dict[str, Any]]:
    """Registration number → the contract (``contract``), its 核定技术交易额, the amount received
    in ``year`` (its recorded incomes) and the other party, from the contracts app."""
    side = CONTRACTS_SIDE.get(measure)
    if org is None or getattr(org, "pk", None) is None or side is None:
        return {}
    rows: dict[str, dict[str, Any]] = {}
    for c in contract_selectors.registered_contracts(org, side=side)[:200]:
        if not c.registration_number:
            continue
        received = c.incomes.filter(received_on__year=year).aggregate(s=Sum("amount"))["s"]
        other = c.counterparty if c.submitter_id == org.pk else c.submitter
        rows[c.registration_number] = {
            "contract": c,
            "transaction_amount": c.transaction_amount,
            "received_amount": received or ZERO,
            "other": other,
            "other_name": other.name if other is not None else c.counterparty_name,
        }
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


# Who acts for whom is accounts.scope's (issue 24); subsidies adds that only a department
# reviewer (not a platform admin) decides applications.


def _signed_in(user: Visitor | None) -> TypeGuard[User]:
    return user is not None and user.is_authenticated and user.is_active


def is_reviewer(user: Visitor) -> bool:
    """A reviewer of the provincial department (省科技厅): decides applications, approves the
    second time, makes settlement lists, writes any local measure."""
    return (
        _signed_in(user)
        and user.has_role(Role.DEPARTMENT_REVIEWER)
        and scope.is_provincial_reviewer(user)
    )


def is_checker(user: Visitor) -> bool:
    """A reviewer of a prefecture bureau or a supervising department: the first check."""
    return _signed_in(user) and (
        scope.is_prefecture_reviewer(user) or scope.is_supervising_reviewer(user)
    )


def is_prefecture_reviewer(user: Visitor) -> bool:
    return _signed_in(user) and scope.is_prefecture_reviewer(user)


def is_finance(user: Visitor) -> bool:
    """A reviewer of the finance department (财政厅): signs settlement lists off."""
    return _signed_in(user) and scope.is_finance_reviewer(user)


def is_reader(user: Visitor) -> bool:
    """Reads every application, the budget and the settlements: the provincial department, the
    finance department, auditors and platform admins (not a bureau: it sees its own area)."""
    roles = _roles(user)
    if roles & {str(Role.AUDITOR), str(Role.PLATFORM_ADMIN)}:
        return True
    return is_reviewer(user) or is_finance(user)


def is_review_staff(user: Visitor) -> bool:
    """Anyone with a review queue in subsidies."""
    return is_reviewer(user) or is_checker(user) or is_finance(user)


def checker_scope_q(user: Visitor) -> Q:
    """The applications a bureau or a supervising department sees: a prefecture bureau those of
    applicants in its prefecture, a supervising department those of its units; both also those
    routed to them for the check."""
    if not _signed_in(user) or user.organisation_id is None:
        return Q(pk__in=[])
    mine = Q(checker_org_id=user.organisation_id)
    prefecture = scope.prefecture_scope(user)
    if prefecture is not None:
        return mine | Q(applicant__prefecture=prefecture)
    return mine | Q(applicant_id__in=scope.supervised_org_ids(user))


def applications_visible_to(user: Visitor) -> QuerySet[SubsidyApplication]:
    qs = SubsidyApplication.objects.select_related("applicant", "checker_org")
    if is_reader(user):
        return qs
    if not user.is_authenticated or user.organisation_id is None:
        return qs.none()
    if is_checker(user):
        return qs.filter(checker_scope_q(user))
    return qs.filter(applicant_id=user.organisation_id)


def queue_of(user: Visitor) -> QuerySet[SubsidyApplication]:
    """What waits for this person: a checker's applications to check, the provincial
    department's to decide and to approve a second time (not those it decided itself)."""
    qs = SubsidyApplication.objects.select_related("applicant")
    if is_checker(user):
        return qs.filter(
            status=ApplicationStatus.CHECKING,
            checker_org_id=getattr(user, "organisation_id", None),
        )
    if is_reviewer(user):
        return qs.filter(
            Q(status=ApplicationStatus.SUBMITTED)
            | (Q(status=ApplicationStatus.SECOND) & ~Q(decided_by_id=getattr(user, "pk", None)))
        )
    return qs.none()


def batches_to_sign(user: Visitor) -> QuerySet[SettlementBatch]:
    if not is_finance(user):
        return SettlementBatch.objects.none()
    return SettlementBatch.objects.filter(status=BatchStatus.ISSUED)


# ------------------------------------------------------------------------- the two-level review


def reviewers_of(org: Organisation | None) -> list[User]:
    """Active department reviewers of a government organisation."""
    if org is None:
        return []
    return [
        u
        for u in User.objects.filter(organisation_id=org.pk, is_active=True).order_by("pk")
        if u.has_role(Role.DEPARTMENT_REVIEWER)
    ]


def provincial_reviewers() -> list[User]:
    return [
        u
        for u in User.objects.filter(
            organisation__org_type=PROVINCIAL_ORG_TYPE, is_active=True
        ).order_by("pk")
        if u.has_role(Role.DEPARTMENT_REVIEWER)
    ]


def finance_reviewers() -> list[User]:
    return [
        u
        for u in User.objects.filter(organisation__org_type=FINANCE_ORG_TYPE, is_active=True)
        if u.has_role(Role.DEPARTMENT_REVIEWER)
    ]


def checker_of(org: Any, measure: Measure | None) -> Organisation | None:
    """Who checks an application first (catalogue ``first_check``): the applicant's supervising
    department for ``supervisor`` measures when it names one, else the prefecture bureau of the
    applicant's prefecture (a local measure: of the measure's prefecture). None when that body
    has no reviewer on the platform, or is the applicant itself (a bureau proposing an M11-1
    zone): the provincial department then checks and decides."""
    if org is None or measure is None:
        return None
    candidates: list[Organisation] = []
    if measure.first_check == "supervisor" and getattr(org, "supervisor_id", None):
        sup = Organisation.objects.filter(
            pk=org.supervisor_id, org_type=SUPERVISING_ORG_TYPE
        ).first()
        if sup is not None:
            candidates.append(sup)
    prefecture = org.prefecture
    if measure.region and len(next(iter(measure.region))) == 4:
        codes = {
            p
            for p in Organisation.objects.filter(org_type=PREFECTURE_ORG_TYPE).values_list(
                "prefecture", flat=True
            )
            if p[:4] in measure.region
        }
        prefecture = next(iter(sorted(codes)), prefecture)
    candidates += list(
        Organisation.objects.filter(
            org_type=PREFECTURE_ORG_TYPE, prefecture=prefecture, status="approved"
        ).order_by("pk")
    )
    for cand in candidates:
        if cand.pk != org.pk and reviewers_of(cand):
            return cand
    return None


def step_due(start: dt.date, working_days: int) -> dt.date:
    """The last day of a review step: ``working_days`` working days after ``start``
    (engines.periods with the library's holiday calendar: 节假日 and 调休)."""
    return period_end(start, working_days, "working").ends_on


def policy_of(m: Measure | None) -> Policy | None:
    if m is None or m.policy is None:
        return None
    return catalogue().policies.get(m.policy) or provincial_catalogue().policies.get(m.policy)


def policy_label(m: Measure | None) -> str:
    """Which version applied: the policy document with its window and the catalogue version."""
    p = policy_of(m)
    version = catalogue().version
    if p is None:
        if m is not None and (m.effective_from or m.effective_to):
            start = m.effective_from.isoformat() if m.effective_from else "不限"
            end = m.effective_to.isoformat() if m.effective_to else "长期"
            return f"地方措施 {m.code}（{start} 至 {end}）"
        return f"政策目录 {version}"
    return f"{p.document}《{p.title}》（{p.window_text()}），政策目录 {version}"


def needs_second(m: Measure | None, amount: Decimal | None) -> bool:
    """Above the measure's threshold (catalogue ``second_approval_above``) a second provincial
    reviewer approves. Local measures and measures without a threshold: never."""
    if m is None or m.second_above is None or amount is None:
        return False
    return amount > m.second_above


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


# ------------------------------------------------------------------------- facts the platform holds
# Issue 24.3: a claim's facts are pre-filled from the platform's records and checked against
# them at submission; where the applicant declares otherwise, the reviewer sees both values.

FACT_TRUE, FACT_FALSE, FACT_NONE = "是", "否", "平台无记录"


def _fact(
    key: str, label: str, source: str, platform: Any, declared: Any = None, warn: bool = False
) -> dict[str, Any]:
    def show(v: Any) -> str:
        if v is None:
            return FACT_NONE
        if isinstance(v, bool):
            return FACT_TRUE if v else FACT_FALSE
        if isinstance(v, Decimal):
            return f"{v:,.2f}"
        if isinstance(v, dt.date):
            return v.isoformat()
        return str(v)

    differs = warn or (declared is not None and (platform is None or platform != declared))
    return {
        "key": key,
        "label": label,
        "source": source,
        "platform": show(platform),
        "declared": "—" if declared is None else show(declared),
        "differs": bool(differs),
    }


def investments_of(org: Any) -> QuerySet[VentureInvestment]:
    if org is None or getattr(org, "pk", None) is None:
        return VentureInvestment.objects.none()
    return VentureInvestment.objects.filter(investor_id=org.pk).order_by("-paid_in_on", "-id")


def investment_for(org: Any, counterparty: str) -> VentureInvestment | None:
    """The register's investment in the named investee (by name or USCC), latest first."""
    name = (counterparty or "").strip()
    if not name:
        return None
    return investments_of(org).filter(Q(investee_name=name) | Q(investee_uscc=name.upper())).first()


def _money_or_none(value: Any) -> Decimal | None:
    return None if value in (None, "") else Decimal(value)


def platform_facts(
    org: Any, measure: str, data: dict[str, Any], today: dt.date
) -> list[dict[str, Any]]:
    """The facts of the claim the platform holds, each beside the applicant's declared value."""
    if org is None:
        return []
    facts: list[dict[str, Any]] = []
    year = today.year
    base = _money_or_none(data.get("base_amount"))
    if measure in CONTRACT_SIDE:
        side = CONTRACT_SIDE[measure]
        ref = str(data.get("contract_ref") or "").strip()
        reg = (
            licensing_selectors.registered_contracts(org, side)
            .filter(registration_number=ref)
            .first()
            if ref
            else None
        )
        facts.append(
            _fact(
                "registered",
                "技术合同已认定登记",
                "技术合同认定登记",
                reg is not None,
                bool(data.get("registered")),
            )
        )
        received = (
            licensing_selectors.received_in_year_by_registration(org, side, year).get(ref, ZERO)
            if reg is not None
            else None
        )
        in_contracts = registered_in_contracts(org, measure, year).get(ref) if ref else None
        if reg is None and in_contracts is not None:
            facts[-1] = _fact(
                "registered",
                "技术合同已认定登记",
                "技术合同认定登记（登记机构）",
                True,
                bool(data.get("registered")),
            )
            received = in_contracts["received_amount"]
        facts.append(
            _fact("base_amount", f"{year} 年实际到账额（元）", "许可合同付款记录", received, base)
        )
        if reg is None and in_contracts is not None and measure == "M7-2":
            other = in_contracts["other"]
            local = None if other is None else str(other.prefecture).startswith("53")
            facts.append(
                _fact("seller_type", "转化方（卖方）类型", "机构登记", org.get_org_type_display())
            )
            facts.append(
                _fact(
                    "local_counterparty",
                    f"受让方在省内（就地转化）：{in_contracts['other_name']}",
                    "登记合同的买方",
                    local,
                    warn=local is not True,
                )
            )
        if reg is not None and measure == "M7-2":
            licensee = reg.licence.licensee
            facts.append(
                _fact(
                    "seller_type",
                    "转化方（卖方）类型",
                    "机构登记",
                    org.get_org_type_display(),
                )
            )
            local = str(getattr(licensee, "prefecture", "")).startswith("53")
            facts.append(
                _fact(
                    "local_counterparty",
                    f"受让方在省内（就地转化）：{licensee.name}",
                    "登记合同的受让方",
                    local,
                    warn=not local,
                )
            )
    if measure == "M9-2":
        brokerage = agency_brokered_amounts(org, year)
        facts.append(
            _fact(
                "base_amount",
                f"{year} 年促成的非关联技术合同成交金额（元）",
                f"技术经纪成交记录（{brokerage.deal_count} 笔）",
                brokerage.contract_amount,
                base,
            )
        )
        facts.append(
            _fact(
                "related_party",
                f"属于关联技术交易（平台已剔除关联交易 {brokerage.related_amount:,.2f} 元）",
                "技术经纪成交记录",
                False,
                bool(data.get("related_party")),
            )
        )
    if measure == "M9-1":
        flag = bool(getattr(org, "is_national_transfer_agency", False))
        facts.append(
            _fact("national_agency", "国家级技术转移机构", "机构登记", flag, warn=not flag)
        )
    if measure == "M12-1":
        tb = TrainingBase.objects.filter(organisation_id=org.pk).first()
        flag = bool(tb is not None and tb.is_national)
        facts.append(
            _fact(
                "national_training_base",
                "国家技术转移人才培养基地",
                "人才培养基地目录",
                flag,
                warn=not flag,
            )
        )
    if measure in ("M13-1", "M13-2"):
        inv = investment_for(org, str(data.get("counterparty") or ""))
        facts.append(
            _fact(
                "counterparty",
                "被投资企业在投资台账中",
                "创业投资台账",
                inv is not None,
                warn=inv is None,
            )
        )
        if measure == "M13-1":
            facts.append(
                _fact(
                    "base_amount",
                    "实缴股权投资额（元）",
                    "创业投资台账",
                    inv.invested_amount if inv else None,
                    base,
                )
            )
            facts.append(
                _fact(
                    "paid_in_on",
                    "实缴投资到位日",
                    "创业投资台账",
                    inv.paid_in_on if inv else None,
                    data.get("paid_in_on"),
                )
            )
        else:
            facts.append(
                _fact(
                    "base_amount",
                    "投资损失额（元）",
                    "创业投资台账",
                    inv.loss_amount if inv else None,
                    base,
                )
            )
            facts.append(
                _fact(
                    "loss_confirmed",
                    "投资损失已确认",
                    "创业投资台账",
                    inv.loss_confirmed if inv else None,
                    bool(data.get("loss_confirmed")),
                )
            )
    if measure in ("M7-3", "M13-3", "M14-1"):
        flag = bool(getattr(org, "is_tech_enterprise", False))
        facts.append(
            _fact(
                "tech_enterprise",
                "科技型企业",
                "机构登记",
                flag,
                warn=not flag and measure != "M13-3",
            )
        )
    if measure == "M7-3":
        facts.append(_fact("sme", "中小微企业", "机构登记", bool(getattr(org, "is_sme", False))))
    return facts


def prefill_from_platform(org: Any, measure: str, today: dt.date) -> dict[str, Any]:
    """Initial values of the claim form from the platform's records (the applicant may change
    them; the reviewer then sees both)."""
    if org is None:
        return {}
    initial: dict[str, Any] = {}
    if measure == "M9-2":
        initial["base_amount"] = agency_brokered_amounts(org, today.year).contract_amount
        initial["registered"] = True
        initial["related_party"] = False
    inv = investments_of(org).first() if measure in ("M13-1", "M13-2") else None
    if inv is not None:
        initial["counterparty"] = inv.investee_name
        if measure == "M13-1":
            initial["base_amount"] = inv.invested_amount
            initial["paid_in_on"] = inv.paid_in_on
        elif inv.loss_confirmed:
            initial["base_amount"] = inv.loss_amount
            initial["loss_confirmed"] = True
    return initial


def investment_choices(org: Any, measure: str) -> list[dict[str, Any]]:
    """The register's investments an M13-1/M13-2 claim may choose (M13-2: confirmed losses)."""
    rows = []
    for inv in investments_of(org)[:200]:
        if measure == "M13-2" and not inv.loss_confirmed:
            continue
        amount = inv.invested_amount if measure == "M13-1" else inv.loss_amount
        rows.append(
            {
                "ref": str(inv.pk),
                "label": f"{inv.investee_name}（{inv.paid_in_on.isoformat()} 到位，"
                f"{'投资' if measure == 'M13-1' else '损失'} {amount:,.2f} 元）",
                "counterparty": inv.investee_name,
                "base_amount": amount,
                "paid_in_on": inv.paid_in_on,
                "loss_confirmed": inv.loss_confirmed,
            }
        )
    return rows
