"""REST endpoints for subsidies: the public catalogue and the what-if calculation."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.security import django_auth

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


class CatalogueOut(Schema):
    version: str
    source: str
    measures: list[MeasureOut]


class WhatIfIn(Schema):
    measure: str
    applicant_type: str | None = None
    base_amount: Decimal | None = None
    requested_amount: Decimal | None = None
    counterparty: str = ""
    subject: str = ""
    level: str = ""
    registered: bool = False
    related_party: bool = False
    paid_in_on: dt.date | None = None
    loss_confirmed: bool = False


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


def _measure_out(m: Any) -> dict[str, Any]:
    return {
        "code": m.code, "measure": m.measure, "title": m.title, "source_text": m.source_text,
        "applicant_types": sorted(m.applicant_types) if m.applicant_types else None,
        "base": m.base, "rate": str(m.rate) if m.rate is not None else None,
        "item_cap": money_str(m.item_cap), "fixed_amount": money_str(m.fixed_amount),
        "item_cap_by_level": {k: money_str(v) for k, v in m.item_cap_by_level.items()}
        if m.item_cap_by_level else None,
        "scopes": [{"kind": s.kind, "keys": list(s.keys), "amount": money_str(s.amount),
                    "pool": s.pool, "label": s.label} for s in m.scopes],
        "case_by_case": m.case_by_case, "budget_per_year": money_str(m.budget_per_year),
        "fields": selectors.measure_fields(m),
    }


@router.get("/measures", response=CatalogueOut)
def list_measures(request: HttpRequest) -> dict[str, Any]:
    cat = selectors.catalogue()
    return {"version": cat.version, "source": cat.source,
            "measures": [_measure_out(m) for m in cat.measures.values()]}


@router.post("/whatif", response=WhatIfOut)
def whatif(request: HttpRequest, payload: WhatIfIn) -> dict[str, Any]:
    """如果到账 600 万元，可得多少？ A logged-in organisation's earlier grants count."""
    user = request.user
    org = getattr(user, "organisation", None) if user.is_authenticated else None
    if org is not None and org.org_type == "department":
        org = None
    data = payload.dict()
    try:
        cleaned = services.clean_claim_data(payload.measure, data)
        result = services.compute(org=org, measure=payload.measure, data=cleaned,
                                  today=timezone.localdate(),
                                  applicant_type=None if org is not None
                                  else (payload.applicant_type or "other"))
    except ValidationError as exc:
        raise HttpError(422, "；".join(exc.messages)) from None
    return {"measure": payload.measure, "eligible": result.eligible,
            "reasons": list(result.reasons), "entitlement": money_str(result.entitlement),
            "granted": money_str(result.granted), "binding": list(result.binding),
            "explanation": list(result.explanation),
            "prior_grants": len(selectors.prior_grants_of(org))}


@router.get("/applications/{pk}", response=ApplicationOut, auth=django_auth)
def get_application(request: HttpRequest, pk: int) -> Any:
    return get_object_or_404(selectors.applications_visible_to(request.user), pk=pk)
