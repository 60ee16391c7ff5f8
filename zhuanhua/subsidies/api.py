"""REST endpoints for subsidies: the public catalogue and the what-if calculation."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.security import django_auth

from zhuanhua.accounts.http import AuthedHttpRequest
from zhuanhua.core.inputs import Day, Money14, Text
from zhuanhua.engines.common import money_str
from zhuanhua.subsidies import selectors, services

router = Router(tags=["奖补 subsidies"])


class MeasureOut(Schema):
    code: str
    measure: int
    title: str
    source_text: str
    applicant_types: list[str] | None
    base: str | None
    rate: str | None
    item_cap: str | None
    item_cap_by_level: dict[str, str] | None
    fixed_amount: str | None
    scopes: list[dict[str, Any]]
    case_by_case: bool
    budget_per_year: str | None
    fields: list[str]
    # Local measures (指引第七条（三）): the area and dates; None for the provincial measures.
    local: bool = False
    area: str | None = None
    region: list[str] | None = None
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None


class CatalogueOut(Schema):
    version: str
    source: str
    measures: list[MeasureOut]


class WhatIfIn(Schema):
    measure: Text = Field(..., max_length=64)
    applicant_type: Text | None = Field(None, max_length=32)
    base_amount: Money14 | None = None
    requested_amount: Money14 | None = None
    counterparty: Text = ""
    subject: Text = ""
    level: Text = Field("", max_length=32)
    registered: bool = False
    related_party: bool = False
    paid_in_on: Day | None = None
    loss_confirmed: bool = False
    # For a visitor under a local measure: "5301" (a prefecture) or "P12" (a park's residents).
    applicant_region: Text | None = Field(None, max_length=16)


class WhatIfOut(Schema):
    measure: str
    eligible: bool
    reasons: list[str]
    entitlement: str
    granted: str
    binding: list[str]
    explanation: list[str]
    prior_grants: int


class ApplicationOut(Schema):
    id: int
    measure: str
    status: str
    claim_on: dt.date
    engine_amount: Decimal
    approved_amount: Decimal | None
    engine_explanation: list[str]
    decision_reason: str


def _measure_out(m: Any, areas: dict[str, str]) -> dict[str, Any]:
    return {
        "local": m.code in areas,
        "area": areas.get(m.code),
        "region": sorted(m.region) if m.region else None,
        "effective_from": m.effective_from,
        "effective_to": m.effective_to,
        "code": m.code,
        "measure": m.measure,
        "title": m.title,
        "source_text": m.source_text,
        "applicant_types": sorted(m.applicant_types) if m.applicant_types else None,
        "base": m.base,
        "rate": str(m.rate) if m.rate is not None else None,
        "item_cap": money_str(m.item_cap),
        "fixed_amount": money_str(m.fixed_amount),
        "item_cap_by_level": {k: money_str(v) for k, v in m.item_cap_by_level.items()}
        if m.item_cap_by_level
        else None,
        "scopes": [
            {
                "kind": s.kind,
                "keys": list(s.keys),
                "amount": money_str(s.amount),
                "pool": s.pool,
                "label": s.label,
            }
            for s in m.scopes
        ],
        "case_by_case": m.case_by_case,
        "budget_per_year": money_str(m.budget_per_year),
        "fields": selectors.measure_fields(m),
    }


@router.get("/measures", response=CatalogueOut)
def list_measures(request: HttpRequest) -> dict[str, Any]:
    cat = selectors.catalogue()
    areas = selectors.local_areas()
    return {
        "version": cat.version,
        "source": cat.source,
        "measures": [_measure_out(m, areas) for m in cat.measures.values()],
    }


@router.post("/whatif", response=WhatIfOut)
def whatif(request: HttpRequest, payload: WhatIfIn) -> dict[str, Any]:
    """如果到账 600 万元，可得多少？ A logged-in organisation's earlier grants count."""
    user = request.user
    org = getattr(user, "organisation", None) if user.is_authenticated else None
    if org is not None and org.org_type == "department":
        org = None
    data = payload.dict()
    region = (payload.applicant_region or "") if org is None else None
    try:
        cleaned = services.clean_claim_data(payload.measure, data)
        result = services.compute(
            org=org,
            measure=payload.measure,
            data=cleaned,
            today=timezone.localdate(),
            applicant_type=None if org is not None else (payload.applicant_type or "other"),
            region=region,
        )
    except ValidationError as exc:
        raise HttpError(422, "；".join(exc.messages)) from None
    if region is None:
        region = selectors.applicant_region(org, payload.measure)
    return {
        "measure": payload.measure,
        "eligible": result.eligible,
        "reasons": list(result.reasons),
        "entitlement": money_str(result.entitlement),
        "granted": money_str(result.granted),
        "binding": list(result.binding),
        "explanation": selectors.explanation_of(result, region),
        "prior_grants": len(selectors.prior_grants_of(org)),
    }


@router.get("/applications/{pk}", response=ApplicationOut, auth=django_auth)
def get_application(request: AuthedHttpRequest, pk: int) -> Any:
    return get_object_or_404(selectors.applications_visible_to(request.user), pk=pk)
