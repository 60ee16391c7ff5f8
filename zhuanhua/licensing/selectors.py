"""Reads of the licensing app: the public offers, who sees which inquiry and licence, the plan."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import (
    DecimalField,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from zhuanhua.accounts.http import Visitor
from zhuanhua.accounts.models import User
from zhuanhua.achievements.choices import AchievementStatus
from zhuanhua.achievements.models import Achievement
from zhuanhua.engines import licensing as engine
from zhuanhua.licensing import terms as terms_mod
from zhuanhua.licensing.choices import (
    ALERT_LABELS,
    OBLIGATION_KIND_LABELS,
    OBLIGATION_STATUS_BADGES,
    OBLIGATION_STATUS_LABELS,
    SIGNED_LICENCE_STATES,
    DealKind,
    FeeModel,
    LicenceStatus,
    Side,
)
from zhuanhua.licensing.models import (
    ContractRegistration,
    DistributionPlan,
    Inquiry,
    Licence,
    LicenceOffer,
    Payment,
    RevenueReport,
    RiskClaim,
    RiskCover,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class ReceivedAmount(TypedDict):
    """The annotation of `registered_contracts`: the sum of the licence's payments."""

    received_amount: Decimal


def offers_public(
    fee_model: str | None = None, deal_kind: str | None = None
) -> QuerySet[LicenceOffer]:
    """Active listings on published achievements, newest first; optionally one fee model and
    one deal kind (许可 / 转让 / 作价投资).

    An unknown ``fee_model`` gives nothing (a filter never widens to everything).
    """
    qs = LicenceOffer.objects.filter(
        is_active=True, achievement__status=AchievementStatus.PUBLISHED
    )
    if deal_kind:
        qs = qs.filter(deal_kind=deal_kind if deal_kind in DealKind.values else "-")
    if fee_model:
        qs = qs.filter(fee_model=fee_model if fee_model in FeeModel.values else "-")
    return qs.select_related("achievement", "achievement__owner").order_by("-created_at", "-id")


def _sees_everything(user: User) -> bool:
    return user.is_reviewer or user.is_auditor or user.is_platform_admin


def inquiries_visible_to(user: Visitor) -> QuerySet[Inquiry]:
    """The two parties' members, department reviewers and auditors; nobody else."""
    qs = Inquiry.objects.select_related("offer", "offer__achievement", "licensor", "licensee")
    if not user.is_authenticated:
        return qs.none()
    if _sees_everything(user):
        return qs
    if not user.organisation_id:
        return qs.none()
    return qs.filter(Q(licensor_id=user.organisation_id) | Q(licensee_id=user.organisation_id))


def licences_visible_to(user: Visitor) -> QuerySet[Licence]:
    qs = Licence.objects.select_related("achievement", "licensor", "licensee", "accepted_version")
    if not user.is_authenticated:
        return qs.none()
    if _sees_everything(user):
        return qs
    if not user.organisation_id:
        return qs.none()
    return qs.filter(Q(licensor_id=user.organisation_id) | Q(licensee_id=user.organisation_id))


def versions_with_diffs(inquiry: Inquiry) -> list[dict[str, Any]]:
    """Each version with its field-by-field changes against the previous one."""
    out = []
    previous = None
    for version in inquiry.versions.select_related("proposed_by").order_by("number"):
        out.append({"version": version, "changes": terms_mod.diff(previous, version.terms)})
        previous = version.terms
    return out


def licence_terms(licence: Licence) -> dict[str, Any]:
    """The contract the engine reads: the agreed terms plus ``terminated_on`` once the licence
    ended early (a term of the contract like ``end``, LICENSING.md)."""
    if licence.terminated_on is None:
        return licence.terms
    return {**licence.terms, "terminated_on": licence.terminated_on.isoformat()}


def engine_reports(reports: Sequence[RevenueReport]) -> list[engine.RevenueReport]:
    """Every report of the licence, corrections included (the engine counts the latest
    ``reported_on`` on or before ``as_of``). A correction filed the same day as the report it
    supersedes replaces it here: the records say which came later, the engine's input could
    not (two reports of one period and day are refused there)."""
    replaced = {
        r.supersedes_id
        for r in reports
        if r.supersedes_id is not None
        and any(o.pk == r.supersedes_id and o.reported_on == r.reported_on for o in reports)
    }
    return [
        engine.RevenueReport(r.period_start, r.period_end, r.revenue_amount, r.reported_on)
        for r in reports
        if r.pk not in replaced
    ]


def licence_schedule(licence: Licence, as_of: dt.date) -> engine.Schedule:
    """The engine's schedule of ``licence`` on ``as_of`` from its reports, payments (reversed
    ones with their ``reversed_on``) and milestones; ended early, the terminated view."""
    contract = terms_mod.licence_contract(licence.pk, licence_terms(licence))
    reports = engine_reports(list(licence.revenue_reports.all()))
    payments = [
        engine.Payment(p.paid_on, p.amount, p.ref or None, p.reversed_on)
        for p in licence.payments.all()
    ]
    milestones = [engine.Milestone(m.key, m.achieved_on) for m in licence.milestones.all()]
    return engine.compute_schedule(contract, milestones, reports, payments, as_of)


@dataclass
class Plan:
    """The engine's schedule of a licence with the page's labels.

    ``in_force`` is False before the contract is signed: the plan is then what the agreed
    terms would give, and raises no alerts — nobody owes anything on an unsigned contract.
    A terminated or expired licence is still in force for what was earned (its alerts stand).
    """

    as_of: dt.date
    schedule: engine.Schedule
    rows: list[dict[str, Any]]
    alerts: list[dict[str, Any]]
    in_force: bool = True

    @property
    def totals(self) -> engine.Totals:
        return self.schedule.totals

    def to_json(self) -> dict[str, Any]:
        doc = {
            "as_of": self.as_of.isoformat(),
            "in_force": self.in_force,
            **engine.schedule_to_json(self.schedule),
        }
        if not self.in_force:
            doc["alerts"] = []
        return doc


# How an unsigned licence's plan shows an obligation whose date has passed: not "逾期".
PREVIEW_PAST_DUE = ("已到期（合同未签订）", "text-bg-secondary")


def licence_plan(licence: Licence, as_of: dt.date) -> Plan:
    """The schedule with the page's labels and badges; alerts only while the licence is in
    force (signed, ``active``)."""
    schedule = licence_schedule(licence, as_of)
    # What was earned stays owed after termination or expiry: the alerts still stand.
    in_force = licence.status in SIGNED_LICENCE_STATES
    draft = licence.status == LicenceStatus.DRAFT_CONTRACT
    rows = []
    for o in schedule.obligations:
        if o.kind == engine.ROYALTY:
            what = f"{o.period_start} 至 {o.period_end}"
        elif o.kind == engine.UPFRONT:
            what = "门槛费"
        else:
            what = o.key or ""
        label = OBLIGATION_STATUS_LABELS.get(o.status, o.status)
        badge = OBLIGATION_STATUS_BADGES.get(o.status, "text-bg-light")
        past_due = draft and o.status == engine.OVERDUE
        if past_due:
            label, badge = PREVIEW_PAST_DUE
        rows.append(
            {
                "o": o,
                "kind_label": OBLIGATION_KIND_LABELS.get(o.kind, o.kind),
                "what": what,
                "status_label": label,
                "badge": badge,
                "days_overdue": None if past_due else o.days_overdue,
            }
        )
    alerts = (
        [
            {
                "a": a,
                "label": ALERT_LABELS.get(a.code, a.code),
                "ref": a.key or (a.period_start.isoformat() if a.period_start else ""),
            }
            for a in schedule.alerts
        ]
        if in_force
        else []
    )
    return Plan(as_of=as_of, schedule=schedule, rows=rows, alerts=alerts, in_force=in_force)


# --------------------------------------------------------------------------------------------
# Hall filter, registrations, risk cover, distributions


def has_offer_filter(fee_model: str = "") -> Exists:
    """An EXISTS on the active offers (partial index ``licensing_offer_active_fee``) for the
    hall: any 先使用后付费 offer, or one of ``fee_model`` (an unknown model matches nothing)."""
    qs = LicenceOffer.objects.filter(
        achievement_id=OuterRef("pk"), is_active=True, deal_kind=DealKind.LICENSE
    )
    if fee_model:
        qs = qs.filter(fee_model=fee_model if fee_model in FeeModel.values else "-")
    return Exists(qs)


def active_offer_fee_model() -> Subquery:
    """The fee model of the achievement's active offer, for the 先使用后付费 badge of the cards
    (a correlated subquery on the partial index ``licensing_offer_active_fee``)."""
    qs = LicenceOffer.objects.filter(
        achievement_id=OuterRef("pk"), is_active=True, deal_kind=DealKind.LICENSE
    )
    return Subquery(qs.order_by("-pk").values("fee_model")[:1])


def with_active_offer(qs: QuerySet[Achievement]) -> QuerySet[Achievement]:
    """``offer_id`` and ``offer_fee_model`` of the active offer (None without one), in the
    achievement page's one query (its 先使用后付费 panel, ``licensing_tags.achievement_offer``)."""
    active = LicenceOffer.objects.filter(
        achievement_id=OuterRef("pk"), is_active=True, deal_kind=DealKind.LICENSE
    )
    return qs.annotate(
        offer_id=Subquery(active.order_by("-pk").values("pk")[:1]),
        offer_fee_model=active_offer_fee_model(),
    )


def _org_id(org: Any) -> int:
    return org if isinstance(org, int) else org.pk


def unregistered_contracts(org: Any) -> QuerySet[Licence]:
    """Signed (active) licences of ``org`` as licensor with no 认定登记 yet (oldest first)."""
    return (
        Licence.objects.filter(
            licensor_id=_org_id(org), status=LicenceStatus.ACTIVE, registration__isnull=True
        )
        .select_related("achievement", "licensee")
        .order_by("signed_on", "id")
    )


def registered_contracts(
    org: Any, side: str | None = None
) -> QuerySet[WithAnnotations[ContractRegistration, ReceivedAmount]]:
    """Registrations of the licences ``org`` is a party to (``side``: only as licensor or only
    as licensee), each with ``received_amount``: the sum of the licence's payments (实际到账额).

    For the subsidies app; it decides which side a measure pays.
    """
    org_id = _org_id(org)
    if side == Side.LICENSOR:
        condition = Q(licence__licensor_id=org_id)
    elif side == Side.LICENSEE:
        condition = Q(licence__licensee_id=org_id)
    else:
        condition = Q(licence__licensor_id=org_id) | Q(licence__licensee_id=org_id)
    received = (
        Payment.objects.filter(licence_id=OuterRef("licence_id"), reversed_on__isnull=True)
        .order_by()
        .values("licence_id")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return (
        ContractRegistration.objects.filter(condition)
        .select_related("licence", "licence__licensor", "licence__licensee", "licence__achievement")
        .annotate(
            received_amount=Coalesce(
                Subquery(received, output_field=DecimalField(max_digits=17, decimal_places=2)),
                Value(Decimal("0.00")),
                output_field=DecimalField(max_digits=17, decimal_places=2),
            )
        )
        .order_by("-registered_on", "-id")
    )


def covers_of_provider(user: Visitor) -> QuerySet[RiskCover]:
    if not user.is_authenticated or not user.organisation_id:
        return RiskCover.objects.none()
    return RiskCover.objects.filter(provider_id=user.organisation_id).select_related(
        "licence", "licence__achievement", "licence__licensor", "licence__licensee"
    )


def claims_visible_to(user: Visitor) -> QuerySet[RiskClaim]:
    """The licence's two parties, the cover's provider, reviewers and auditors."""
    qs = RiskClaim.objects.select_related(
        "cover", "cover__provider", "cover__licence", "cover__licence__achievement", "alert"
    )
    if not user.is_authenticated:
        return qs.none()
    if _sees_everything(user):
        return qs
    if not user.organisation_id:
        return qs.none()
    org = user.organisation_id
    return qs.filter(
        Q(cover__provider_id=org)
        | Q(cover__licence__licensor_id=org)
        | Q(cover__licence__licensee_id=org)
    )


def licence_for_cover(*, licence_id: int, licensee_uscc: str) -> Licence | None:
    """A provider names a live licence by its number and the licensee's USCC (both must match,
    so a number alone reveals nothing)."""
    return (
        Licence.objects.filter(
            pk=licence_id,
            licensee__uscc=(licensee_uscc or "").strip().upper(),
            status__in=[LicenceStatus.DRAFT_CONTRACT, LicenceStatus.ACTIVE],
        )
        .select_related("achievement", "licensor", "licensee")
        .first()
    )


def can_see_distributions(user: Visitor, licence: Licence) -> bool:
    """The licensor's members and the department (reviewers, auditors, platform admins). The
    licensee does not see how the unit shares its income."""
    if not user.is_authenticated:
        return False
    return _sees_everything(user) or user.organisation_id == licence.licensor_id


def distributions_visible_to(user: Visitor, licence: Licence) -> QuerySet[DistributionPlan]:
    """A licence's distribution plans, for those who ``can_see_distributions``."""
    qs = DistributionPlan.objects.filter(licence=licence)
    return qs if can_see_distributions(user, licence) else qs.none()


def received_in_year_by_registration(org: Any, side: str | None, year: int) -> dict[str, Decimal]:
    """Registration number → the licence's payments received in ``year`` (not reversed), for the
    licences ``org`` is a party to on ``side``. For the subsidies app: measure 7 pays on the
    amount received within the year (实际到账额)."""
    org_id = _org_id(org)
    if side == Side.LICENSOR:
        condition = Q(licence__licensor_id=org_id)
    elif side == Side.LICENSEE:
        condition = Q(licence__licensee_id=org_id)
    else:
        condition = Q(licence__licensor_id=org_id) | Q(licence__licensee_id=org_id)
    rows = (
        Payment.objects.filter(condition, paid_on__year=year, reversed_on__isnull=True)
        .exclude(licence__registration__isnull=True)
        .order_by()
        .values("licence__registration__registration_number")
        .annotate(total=Sum("amount"))
    )
    return {r["licence__registration__registration_number"]: r["total"] for r in rows}
