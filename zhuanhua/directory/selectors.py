"""Reads of the directory app: public profiles and the registry, who sees which request,
training hours, the agency's brokered amounts (M9-2), platform service revenue (M10-2) and the
training base's yearly figures (M12)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict, TypeGuard

from django.db.models import CharField, Count, Q, QuerySet, Sum
from django.db.models.functions import Cast

from zhuanhua.accounts.http import Visitor
from zhuanhua.accounts.models import User
from zhuanhua.directory.choices import ProviderKind, RequestStatus
from zhuanhua.directory.models import (
    Attendance,
    BrokeredDeal,
    Course,
    ServiceProvider,
    ServiceRequest,
    TechnologyManager,
    TrainingBase,
)
from zhuanhua.engines.common import round_money
from zhuanhua.organisations.models import Organisation
from zhuanhua.vouchers.choices import COUNTED_STATES, SpendStatus
from zhuanhua.vouchers.models import VoucherSpend

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

ZERO = Decimal("0.00")
# Platforms whose yearly service revenue measure 10 supports (中试验证等平台).
REVENUE_KINDS = (ProviderKind.PILOT_PLATFORM, ProviderKind.PROOF_OF_CONCEPT_CENTER)
# A licence counts as a deal once its contract is signed.
SIGNED_LICENCE_STATES = ("active", "terminated")


def _sum_amount(value: Any) -> Decimal:
    """An aggregate of a money column (None when there were no rows), in yuan."""
    return round_money(Decimal(value or 0))


def _sees_all(user: Visitor) -> TypeGuard[User]:
    return (
        user.is_authenticated
        and user.is_active
        and (user.is_reviewer or user.is_auditor or user.is_platform_admin)
    )


# --------------------------------------------------------------------------------------------
# Providers


def providers_public(
    kind: str | None = None,
    *,
    enclave: bool | None = None,
) -> QuerySet[ServiceProvider]:
    qs = ServiceProvider.objects.filter(
        is_public=True, organisation__status="approved"
    ).select_related("organisation")
    if kind:
        qs = qs.filter(kind=kind)
    if enclave is not None:
        qs = qs.filter(is_enclave=enclave)
    return qs


def providers_visible_to(user: Visitor) -> QuerySet[ServiceProvider]:
    """Public profiles, plus the user's own organisation's hidden ones."""
    qs = ServiceProvider.objects.select_related("organisation")
    if _sees_all(user):
        return qs
    public = Q(is_public=True, organisation__status="approved")
    if user.is_authenticated and user.organisation_id:
        return qs.filter(public | Q(organisation_id=user.organisation_id))
    return qs.filter(public)


def requests_visible_to(user: User) -> QuerySet[ServiceRequest]:
    """The requesting enterprise and the provider see a request; the department all."""
    qs = ServiceRequest.objects.select_related("offer", "provider", "requester")
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if _sees_all(user):
        return qs
    if user.organisation_id is None:
        return qs.none()
    return qs.filter(
        Q(requester_id=user.organisation_id) | Q(provider__organisation_id=user.organisation_id)
    )


def provider_yearly_revenue(provider: ServiceProvider, year: int) -> Decimal:
    """Service revenue of ``year``: contract amounts of the services delivered in that year."""
    total = ServiceRequest.objects.filter(
        provider=provider,
        status=RequestStatus.DELIVERED,
        delivered_on__year=year,
    ).aggregate(s=Sum("contract_amount"))["s"]
    return _sum_amount(total)


@dataclass
class RevenueRow:
    provider: ServiceProvider
    revenue_amount: Decimal
    delivered_count: int
    voucher_amount: Decimal = ZERO  # of it, innovation vouchers redeemed (measure 14)


def platform_service_revenues(
    year: int,
    kinds: tuple[str, ...] = REVENUE_KINDS,
) -> list[RevenueRow]:
    """Each pilot platform's (and proof-of-concept centre's) service revenue of ``year``, for
    its M10-2 claim, with the part paid by redeemed innovation vouchers; highest first."""
    providers = list(
        ServiceProvider.objects.filter(kind__in=kinds)
        .select_related("organisation")
        .order_by("name", "id")
    )
    delivered = ServiceRequest.objects.filter(
        provider__kind__in=kinds, status=RequestStatus.DELIVERED, delivered_on__year=year
    )
    sums: dict[int, Any] = {
        row["provider_id"]: row
        for row in delivered.order_by()
        .values("provider_id")
        .annotate(s=Sum("contract_amount"), n=Count("id"))
    }
    vouchers = redeemed_vouchers_by_provider(delivered)
    rows = [
        RevenueRow(
            provider=p,
            revenue_amount=_sum_amount((sums.get(p.pk) or {}).get("s")),
            delivered_count=(sums.get(p.pk) or {}).get("n", 0),
            voucher_amount=vouchers.get(p.pk, ZERO),
        )
        for p in providers
    ]
    rows.sort(key=lambda r: (-r.revenue_amount, r.provider.name))
    return rows


# --------------------------------------------------------------------------------------------
# Innovation vouchers on service requests (measure 14)

SERVICE_REQUEST_SUBJECT = "directory.servicerequest"


def _voucher_spends() -> Any:
    return VoucherSpend.objects.filter(subject_type=SERVICE_REQUEST_SUBJECT)


def request_voucher_spends(request: ServiceRequest) -> list[Any]:
    """The vouchers spent on a request (every state), oldest first."""
    return list(_voucher_spends().filter(subject_id=str(request.pk)).order_by("spent_at", "id"))


def request_vouchers_by_id(
    requests: QuerySet[ServiceRequest],
    status: str | None = None,
) -> dict[int, Decimal]:
    """Request id → vouchers spent on it (counted states), or only those in ``status``."""
    ids = requests.annotate(sid=Cast("pk", CharField())).values("sid")
    spends = _voucher_spends().filter(subject_id__in=ids)
    spends = spends.filter(status=status) if status else spends.filter(status__in=COUNTED_STATES)
    out: dict[int, Decimal] = {}
    for subject_id, amount in spends.values_list("subject_id", "voucher_amount"):
        out[int(subject_id)] = out.get(int(subject_id), ZERO) + amount
    return out


def redeemed_vouchers_by_provider(requests: QuerySet[ServiceRequest]) -> dict[int, Decimal]:
    """Provider id → vouchers redeemed (approved) on ``requests``."""
    by_request = request_vouchers_by_id(requests, SpendStatus.REDEEMED)
    out: dict[int, Decimal] = {}
    for pk, provider_id in ServiceRequest.objects.filter(pk__in=list(by_request)).values_list(
        "pk", "provider_id"
    ):
        out[provider_id] = out.get(provider_id, ZERO) + by_request[pk]
    return out


def provider_redeemed_vouchers(provider: ServiceProvider, year: int) -> Decimal:
    """Vouchers redeemed on the provider's services delivered in ``year``."""
    return _sum_amount(
        redeemed_vouchers_by_provider(
            ServiceRequest.objects.filter(
                provider=provider,
                status=RequestStatus.DELIVERED,
                delivered_on__year=year,
            )
        ).get(provider.pk)
    )


def delivered_in_year(provider: ServiceProvider, year: int) -> QuerySet[ServiceRequest]:
    return (
        ServiceRequest.objects.filter(
            provider=provider,
            status=RequestStatus.DELIVERED,
            delivered_on__year=year,
        )
        .select_related("requester", "offer")
        .order_by("delivered_on", "id")
    )


# --------------------------------------------------------------------------------------------
# Technology managers


class _TrainingHours(TypedDict):
    training_hours: Decimal | None


def managers_public() -> QuerySet[WithAnnotations[TechnologyManager, _TrainingHours]]:
    return (
        TechnologyManager.objects.filter(is_public=True)
        .select_related("employer")
        .annotate(training_hours=Sum("attendances__hours"))
    )


def managers_visible_to(user: Visitor) -> QuerySet[TechnologyManager]:
    qs = TechnologyManager.objects.select_related("employer")
    if _sees_all(user):
        return qs
    public = Q(is_public=True)
    if user.is_authenticated:
        own = Q(user_id=user.pk)
        if user.organisation_id:
            own |= Q(employer_id=user.organisation_id)
        return qs.filter(public | own)
    return qs.filter(public)


def training_hours_by_base(manager: TechnologyManager) -> list[dict[str, Any]]:
    """Training hours of a manager, per training base that gave them."""
    rows = (
        Attendance.objects.filter(manager=manager)
        .order_by()
        .values("course__training_base_id", "course__training_base__name")
        .annotate(hours=Sum("hours"), courses=Count("id"))
        .order_by("course__training_base__name")
    )
    return [
        {
            "base_id": r["course__training_base_id"],
            "base": r["course__training_base__name"],
            "hours": r["hours"],
            "courses": r["courses"],
        }
        for r in rows
    ]


def manager_deals(manager: TechnologyManager) -> list[BrokeredDeal]:
    return list(
        BrokeredDeal.objects.filter(broker=manager)
        .select_related("agency", "licence__licensor", "licence__licensee", "licence__achievement")
        .only(
            "id",
            "contract_amount",
            "is_related_party",
            "created_at",
            "agency__id",
            "agency__name",
            "agency",
            "broker_id",
            "licence",
            "licence__id",
            "licence__signed_on",
            "licence__status",
            "licence__licensor",
            "licence__licensor__id",
            "licence__licensor__name",
            "licence__licensee",
            "licence__licensee__id",
            "licence__licensee__name",
            "licence__achievement",
            "licence__achievement__id",
            "licence__achievement__title",
        )
        .order_by("-id")
    )


@dataclass
class AgencyBrokerage:
    """An agency's brokered deals of one year (by contract signing date)."""

    agency: Organisation
    year: int
    deals: list[BrokeredDeal] = field(default_factory=list)
    related_deals: list[BrokeredDeal] = field(default_factory=list)
    contract_amount: Decimal = ZERO  # eligible deals (M9-2 excludes related-party deals)
    related_amount: Decimal = ZERO

    @property
    def deal_count(self) -> int:
        return len(self.deals)


def agency_brokered_amounts(agency: Organisation, year: int) -> AgencyBrokerage:
    """The deals the agency's technology managers brokered whose licence was signed in
    ``year``: eligible ones (for the agency's M9-2 claim: 3% of the contract amounts) and the
    related-party ones it must leave out."""
    qs = BrokeredDeal.objects.filter(
        agency=agency, licence__signed_on__year=year, licence__status__in=SIGNED_LICENCE_STATES
    )
    sums = {
        row["is_related_party"]: row["s"]
        for row in qs.order_by().values("is_related_party").annotate(s=Sum("contract_amount"))
    }
    deals = [d for d in manager_deals_qs(qs)]
    return AgencyBrokerage(
        agency=agency,
        year=year,
        deals=[d for d in deals if not d.is_related_party],
        related_deals=[d for d in deals if d.is_related_party],
        contract_amount=_sum_amount(sums.get(False)),
        related_amount=_sum_amount(sums.get(True)),
    )


def manager_deals_qs(qs: QuerySet[BrokeredDeal]) -> QuerySet[BrokeredDeal]:
    return (
        qs.select_related(
            "broker", "licence__licensor", "licence__licensee", "licence__achievement"
        )
        .only(
            "id",
            "contract_amount",
            "is_related_party",
            "agency_id",
            "broker",
            "broker__id",
            "broker__name",
            "licence",
            "licence__id",
            "licence__signed_on",
            "licence__licensor",
            "licence__licensor__id",
            "licence__licensor__name",
            "licence__licensee",
            "licence__licensee__id",
            "licence__licensee__name",
            "licence__achievement",
            "licence__achievement__id",
            "licence__achievement__title",
        )
        .order_by("licence__signed_on", "id")
    )


# --------------------------------------------------------------------------------------------
# Training bases (measure 12)


def training_base_year(base: TrainingBase, year: int) -> dict[str, Any]:
    """A base's courses of ``year`` with attendance, for its M12 report."""
    courses = list(
        Course.objects.filter(training_base=base, starts_on__year=year)
        .annotate(
            trainees=Count("attendances"),
            passed=Count("attendances", filter=Q(attendances__passed=True)),
            credited_hours=Sum("attendances__hours"),
        )
        .order_by("starts_on", "id")
    )
    totals = Attendance.objects.filter(
        course__training_base=base, course__starts_on__year=year
    ).aggregate(
        n=Count("id"),
        people=Count("manager", distinct=True),
        passed=Count("id", filter=Q(passed=True)),
        hours=Sum("hours"),
    )
    return {
        "courses": courses,
        "attendances": totals["n"],
        "trainees": totals["people"],
        "passed": totals["passed"],
        "hours": totals["hours"] or Decimal("0.0"),
        "practical_courses": sum(1 for c in courses if c.is_practical),
    }
