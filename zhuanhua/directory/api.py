"""REST endpoints of the service directory and the technology-manager registry.

Public: providers with their active offers, the registry. A service request is visible to the
enterprise and the provider (else 404); only the provider's admin answers it (403).
"""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.security import django_auth

from zhuanhua.accounts.http import AuthedHttpRequest
from zhuanhua.core.inputs import Day, LongText, Money, Text
from zhuanhua.directory import services
from zhuanhua.directory.models import (
    BrokeredDeal,
    ServiceOffer,
    ServiceProvider,
    ServiceRequest,
    TechnologyManager,
)
from zhuanhua.directory.selectors import (
    AgencyBrokerage,
    RevenueRow,
    agency_brokered_amounts,
    managers_public,
    platform_service_revenues,
    providers_public,
    providers_visible_to,
    requests_visible_to,
    training_hours_by_base,
)
from zhuanhua.directory.views import ERR_NOT_DEPARTMENT
from zhuanhua.organisations.models import Organisation

router = Router(tags=["服务机构与技术经理人 directory"])


class ProviderFilters(Schema):
    kind: Text | None = Field(None, max_length=32)


class RequestIn(Schema):
    offer_id: int
    description: LongText = Field(..., max_length=5000)


class AcceptIn(Schema):
    contract_amount: Money
    contract_signed_on: Day


class DeliverIn(Schema):
    delivered_on: Day
    note: LongText = Field("", max_length=5000)


class YearIn(Schema):
    year: int = Field(..., ge=2000, le=2100)


class DirectoryOfferOut(Schema):
    id: int
    category: str
    title: str
    description: str
    price: str
    capacity: str
    is_active: bool


class DirectoryProviderOut(Schema):
    id: int
    kind: str
    name: str
    organisation_id: int
    organisation_name: str = Field(..., alias="organisation.name")
    is_enclave: bool
    prefecture: str
    location: str
    introduction: str
    capacity: str
    contact_name: str
    contact_phone: str
    contact_email: str


class DirectoryProviderDetailOut(DirectoryProviderOut):
    offers: list[DirectoryOfferOut]

    @staticmethod
    def resolve_offers(obj: ServiceProvider) -> list[ServiceOffer]:
        return list(obj.offers.filter(is_active=True))


class DirectoryRequestOut(Schema):
    id: int
    offer_id: int
    provider_id: int
    requester_id: int
    description: str
    status: str
    contract_amount: str | None  # a zero amount reads null, as it always has
    contract_signed_on: dt.date | None
    delivered_on: dt.date | None
    delivery_note: str
    decline_reason: str

    @staticmethod
    def resolve_contract_amount(obj: ServiceRequest) -> str | None:
        return str(obj.contract_amount) if obj.contract_amount else None


class DirectoryRevenueOut(Schema):
    provider_id: int = Field(..., alias="provider.pk")
    name: str = Field(..., alias="provider.name")
    kind: str = Field(..., alias="provider.kind")
    revenue_amount: str
    delivered_count: int

    @staticmethod
    def resolve_revenue_amount(obj: RevenueRow) -> str:
        return str(obj.revenue_amount)


class DirectoryTrainingOut(Schema):
    base_id: int
    base: str
    hours: str
    courses: int

    @staticmethod
    def resolve_hours(obj: dict[str, Any]) -> str:
        return str(obj["hours"])


class DirectoryManagerOut(Schema):
    id: int
    name: str
    level: str
    employer_id: int | None
    employer_name: str | None
    fields: list[str]
    training_hours: str
    training: list[DirectoryTrainingOut]

    @staticmethod
    def resolve_employer_name(obj: TechnologyManager) -> str | None:
        return obj.employer.name if obj.employer else None

    @staticmethod
    def resolve_training_hours(obj: Any) -> str:
        return str(obj.training_hours or 0)

    @staticmethod
    def resolve_training(obj: TechnologyManager) -> list[dict[str, Any]]:
        return training_hours_by_base(obj)


class DirectoryBrokeredDealOut(Schema):
    id: int
    licence_id: int
    licensor_id: int = Field(..., alias="licence.licensor_id")
    licensee_id: int = Field(..., alias="licence.licensee_id")
    broker_id: int
    contract_amount: str

    @staticmethod
    def resolve_contract_amount(obj: BrokeredDeal) -> str:
        return str(obj.contract_amount)


class DirectoryBrokerageOut(Schema):
    agency_id: int = Field(..., alias="agency.pk")
    year: int
    deal_count: int
    contract_amount: str
    related_amount: str
    deals: list[DirectoryBrokeredDealOut]

    @staticmethod
    def resolve_contract_amount(obj: AgencyBrokerage) -> str:
        return str(obj.contract_amount)

    @staticmethod
    def resolve_related_amount(obj: AgencyBrokerage) -> str:
        return str(obj.related_amount)


@router.get("/providers", response=list[DirectoryProviderOut], summary="科技服务机构（公开）")
def list_providers(request: HttpRequest, filters: Query[ProviderFilters]) -> list[ServiceProvider]:
    return list(providers_public(filters.kind)[:500])


@router.get(
    "/providers/{provider_id}",
    response=DirectoryProviderDetailOut,
    summary="服务机构详情与服务项目",
)
def get_provider(request: HttpRequest, provider_id: int) -> ServiceProvider:
    return get_object_or_404(providers_visible_to(request.user), pk=provider_id)


@router.get(
    "/requests",
    response=list[DirectoryRequestOut],
    auth=django_auth,
    summary="本单位的服务委托",
)
def list_requests(request: AuthedHttpRequest) -> list[ServiceRequest]:
    return list(requests_visible_to(request.user)[:300])


@router.post(
    "/requests", response={201: DirectoryRequestOut}, auth=django_auth, summary="委托科技服务"
)
def create_request(request: AuthedHttpRequest, payload: RequestIn) -> Status:
    offer = get_object_or_404(
        ServiceOffer, pk=payload.offer_id, provider__in=providers_visible_to(request.user)
    )
    req = services.request_create(user=request.user, offer=offer, description=payload.description)
    return Status(201, req)


@router.get(
    "/requests/{request_id}",
    response=DirectoryRequestOut,
    auth=django_auth,
    summary="服务委托详情",
)
def get_request(request: AuthedHttpRequest, request_id: int) -> ServiceRequest:
    return get_object_or_404(requests_visible_to(request.user), pk=request_id)


@router.post(
    "/requests/{request_id}/accept",
    response=DirectoryRequestOut,
    auth=django_auth,
    summary="受理并登记合同金额（服务机构）",
)
def accept_request(
    request: AuthedHttpRequest, request_id: int, payload: AcceptIn
) -> ServiceRequest:
    req = get_object_or_404(requests_visible_to(request.user), pk=request_id)
    return services.request_accept(
        user=request.user,
        request=req,
        contract_amount=payload.contract_amount,
        contract_signed_on=payload.contract_signed_on,
    )


@router.post(
    "/requests/{request_id}/deliver",
    response=DirectoryRequestOut,
    auth=django_auth,
    summary="登记交付（服务机构）",
)
def deliver_request(
    request: AuthedHttpRequest, request_id: int, payload: DeliverIn
) -> ServiceRequest:
    req = get_object_or_404(requests_visible_to(request.user), pk=request_id)
    return services.request_deliver(
        user=request.user, request=req, delivered_on=payload.delivered_on, note=payload.note
    )


@router.get(
    "/revenue",
    response=list[DirectoryRevenueOut],
    auth=django_auth,
    summary="中试验证等平台年度服务性收入（主管部门）",
)
def revenue(request: AuthedHttpRequest, params: Query[YearIn]) -> list[RevenueRow]:
    user = request.user
    if not (user.is_reviewer or user.is_auditor or user.is_platform_admin):
        raise PermissionDenied(ERR_NOT_DEPARTMENT)
    return platform_service_revenues(params.year)


@router.get("/managers", response=list[DirectoryManagerOut], summary="技术经理人名录（公开）")
def list_managers(request: HttpRequest) -> list[TechnologyManager]:
    return list(managers_public()[:500])


@router.get(
    "/agencies/{org_id}/brokerage",
    response=DirectoryBrokerageOut,
    auth=django_auth,
    summary="服务机构年度促成技术交易（M9-2 申报依据）",
)
def brokerage(request: AuthedHttpRequest, org_id: int, params: Query[YearIn]) -> AgencyBrokerage:
    agency = get_object_or_404(Organisation, pk=org_id)
    user = request.user
    if not (services.is_org_admin(user, agency.pk) or user.is_reviewer or user.is_auditor):
        raise Http404
    return agency_brokered_amounts(agency, params.year)
