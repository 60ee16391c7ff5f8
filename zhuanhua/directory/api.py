"""REST endpoints of the service directory and the technology-manager registry.

Public: providers with their active offers, the registry. A service request is visible to the
enterprise and the provider (else 404); only the provider's admin answers it (403).
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.security import django_auth

from zhuanhua.accounts.http import AuthedHttpRequest
from zhuanhua.core.inputs import Day, LongText, Money, Text
from zhuanhua.directory import services
from zhuanhua.directory.models import ServiceOffer, ServiceProvider, ServiceRequest
from zhuanhua.directory.selectors import (
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


def _offer_out(o: ServiceOffer) -> dict[str, Any]:
    return {
        "id": o.pk,
        "category": o.category,
        "title": o.title,
        "description": o.description,
        "price": o.price,
        "capacity": o.capacity,
        "is_active": o.is_active,
    }


def _provider_out(p: ServiceProvider, offers: bool = False) -> dict[str, Any]:
    out = {
        "id": p.pk,
        "kind": p.kind,
        "name": p.name,
        "organisation_id": p.organisation_id,
        "organisation_name": p.organisation.name,
        "is_enclave": p.is_enclave,
        "prefecture": p.prefecture,
        "location": p.location,
        "introduction": p.introduction,
        "capacity": p.capacity,
        "contact_name": p.contact_name,
        "contact_phone": p.contact_phone,
        "contact_email": p.contact_email,
    }
    if offers:
        out["offers"] = [_offer_out(o) for o in p.offers.filter(is_active=True)]
    return out


def _request_out(r: ServiceRequest) -> dict[str, Any]:
    return {
        "id": r.pk,
        "offer_id": r.offer_id,
        "provider_id": r.provider_id,
        "requester_id": r.requester_id,
        "description": r.description,
        "status": r.status,
        "contract_amount": str(r.contract_amount) if r.contract_amount else None,
        "contract_signed_on": r.contract_signed_on.isoformat() if r.contract_signed_on else None,
        "delivered_on": r.delivered_on.isoformat() if r.delivered_on else None,
        "delivery_note": r.delivery_note,
        "decline_reason": r.decline_reason,
    }


@router.get("/providers", response=list[dict], summary="科技服务机构（公开）")
def list_providers(request: HttpRequest, filters: Query[ProviderFilters]) -> list[dict[str, Any]]:
    return [_provider_out(p) for p in providers_public(filters.kind)[:500]]


@router.get("/providers/{provider_id}", response=dict, summary="服务机构详情与服务项目")
def get_provider(request: HttpRequest, provider_id: int) -> dict[str, Any]:
    return _provider_out(
        get_object_or_404(providers_visible_to(request.user), pk=provider_id), offers=True
    )


@router.get("/requests", response=list[dict], auth=django_auth, summary="本单位的服务委托")
def list_requests(request: AuthedHttpRequest) -> list[dict[str, Any]]:
    return [_request_out(r) for r in requests_visible_to(request.user)[:300]]


@router.post("/requests", response={201: dict}, auth=django_auth, summary="委托科技服务")
def create_request(request: AuthedHttpRequest, payload: RequestIn) -> Status:
    offer = get_object_or_404(
        ServiceOffer, pk=payload.offer_id, provider__in=providers_visible_to(request.user)
    )
    req = services.request_create(user=request.user, offer=offer, description=payload.description)
    return Status(201, _request_out(req))


@router.get("/requests/{request_id}", response=dict, auth=django_auth, summary="服务委托详情")
def get_request(request: AuthedHttpRequest, request_id: int) -> dict[str, Any]:
    return _request_out(get_object_or_404(requests_visible_to(request.user), pk=request_id))


@router.post(
    "/requests/{request_id}/accept",
    response=dict,
    auth=django_auth,
    summary="受理并登记合同金额（服务机构）",
)
def accept_request(
    request: AuthedHttpRequest, request_id: int, payload: AcceptIn
) -> dict[str, Any]:
    req = get_object_or_404(requests_visible_to(request.user), pk=request_id)
    return _request_out(
        services.request_accept(
            user=request.user,
            request=req,
            contract_amount=payload.contract_amount,
            contract_signed_on=payload.contract_signed_on,
        )
    )


@router.post(
    "/requests/{request_id}/deliver",
    response=dict,
    auth=django_auth,
    summary="登记交付（服务机构）",
)
def deliver_request(
    request: AuthedHttpRequest, request_id: int, payload: DeliverIn
) -> dict[str, Any]:
    req = get_object_or_404(requests_visible_to(request.user), pk=request_id)
    return _request_out(
        services.request_deliver(
            user=request.user, request=req, delivered_on=payload.delivered_on, note=payload.note
        )
    )


@router.get(
    "/revenue",
    response=list[dict],
    auth=django_auth,
    summary="中试验证等平台年度服务性收入（主管部门）",
)
def revenue(request: AuthedHttpRequest, params: Query[YearIn]) -> list[dict[str, Any]]:
    user = request.user
    if not (user.is_reviewer or user.is_auditor or user.is_platform_admin):
        raise PermissionDenied(ERR_NOT_DEPARTMENT)
    return [
        {
            "provider_id": r.provider.pk,
            "name": r.provider.name,
            "kind": r.provider.kind,
            "revenue_amount": str(r.revenue_amount),
            "delivered_count": r.delivered_count,
        }
        for r in platform_service_revenues(params.year)
    ]


@router.get("/managers", response=list[dict], summary="技术经理人名录（公开）")
def list_managers(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "id": m.pk,
            "name": m.name,
            "level": m.level,
            "employer_id": m.employer_id,
            "employer_name": m.employer.name if m.employer else None,
            "fields": m.fields,
            "training_hours": str(m.training_hours or 0),
            "training": [{**t, "hours": str(t["hours"])} for t in training_hours_by_base(m)],
        }
        for m in managers_public()[:500]
    ]


@router.get(
    "/agencies/{org_id}/brokerage",
    response=dict,
    auth=django_auth,
    summary="服务机构年度促成技术交易（M9-2 申报依据）",
)
def brokerage(request: AuthedHttpRequest, org_id: int, params: Query[YearIn]) -> dict[str, Any]:
    agency = get_object_or_404(Organisation, pk=org_id)
    user = request.user
    if not (services.is_org_admin(user, agency.pk) or user.is_reviewer or user.is_auditor):
        raise Http404
    result = agency_brokered_amounts(agency, params.year)
    return {
        "agency_id": agency.pk,
        "year": params.year,
        "deal_count": result.deal_count,
        "contract_amount": str(result.contract_amount),
        "related_amount": str(result.related_amount),
        "deals": [
            {
                "id": d.pk,
                "licence_id": d.licence_id,
                "licensor_id": d.licence.licensor_id,
                "licensee_id": d.licence.licensee_id,
                "broker_id": d.broker_id,
                "contract_amount": str(d.contract_amount),
            }
            for d in result.deals
        ],
    }
