"""The permissions matrix: every page (from the URL configuration) and every API operation (from
the OpenAPI schema) × every role → the expected outcome, read from `permissions.md`.

See docs/permissions.md for how to read and extend the table.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.security.world import MISSING, ROLES, World

TABLE = Path(__file__).with_name("permissions.md")
COLUMNS = {"anonymous": "anon", "reviewer": "rev", "auditor": "aud", "platform_admin": "padm"}
for _org in ("a", "b"):
    for _role, _short in [
        ("org_admin", "admin"),
        ("achievement_manager", "ach"),
        ("technology_manager", "tech"),
        ("researcher", "res"),
        ("licensee_staff", "lic"),
    ]:
        COLUMNS[f"{_org}_{_role}"] = f"{_org}.{_short}"
DENIED = {"401", "403", "404", "405"}
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

# Path parameters: endpoint (URL name, or "METHOD /api/path") → {variant: {parameter: value}}.
# "@name" is the pk of world.objects[name] (MISSING when the world could not build it); other
# values are used as they are. A variant "" gives the row the bare endpoint name.
P = dict  # brevity below
PARAMS: dict[str, dict[str, dict[str, Any]]] = {
    # accounts: a reset link no user matches (the page says the link is invalid)
    "accounts:password_reset_confirm": {"invalid": P(uidb64="MA", token="invalid-token")},
    # portal: a home-page notice; the world has none, so a missing one is 404 to everyone
    "core:announcement": {"missing": P(pk=MISSING)},
    # a background job is seen by whoever started it and platform admins (tests beside the view)
    "core:job": {"missing": P(job_id="00000000-0000-0000-0000-000000000000")},
    "core:job_file": {"missing": P(job_id="00000000-0000-0000-0000-000000000000")},
    # achievements
    "achievements:detail": {"draft": P(pk="@draft"), "published": P(pk="@published")},
    "achievements:edit": {"draft": P(pk="@draft")},
    "achievements:attachment_upload": {"draft": P(pk="@draft")},
    "achievements:transition": {"draft": P(pk="@draft", action="submit")},
    "achievements:attachment_download": {"missing": P(pk=MISSING)},
    # a queued import is seen only by its uploader (tests beside the view); nobody else's exists
    "achievements:import_job": {"missing": P(job_id="00000000-0000-0000-0000-000000000000")},
    # organisations
    "organisations:review": {"unit": P(pk="@unit", decision="approve")},
    "organisations:profile": {"unit": P(pk="@unit")},
    "organisations:supervisor_change_decide": {"missing": P(pk=MISSING, decision="approve")},
    # licensing
    "licensing:offer_detail": {"": P(pk="@offer")},
    "licensing:inquiry_open": {"": P(pk="@offer")},
    "licensing:offer_edit": {"published": P(achievement_pk="@published")},
    "licensing:inquiry_detail": {"": P(pk="@inquiry")},
    "licensing:message_post": {"": P(pk="@inquiry")},
    "licensing:version_propose": {"": P(pk="@inquiry")},
    "licensing:version_accept": {"": P(pk="@inquiry", number=1)},
    "licensing:inquiry_withdraw": {"": P(pk="@inquiry")},
    # assignment and equity deals (issue 23.3): an equity deal's shares (POST), a listing's report
    "licensing:share_register": {"": P(pk="@licence")},
    "licensing:evaluation_report": {"": P(pk="@offer")},
    **{
        f"licensing:{n}": {"": P(pk="@licence")}
        for n in (
            "licence_detail",
            "revenue_report",
            "payment",
            "milestone",
            "activate",
            "contract_pdf",
            "pricing",
            "signed_pdf",
            "registration",
            "distribution",
            "revenue_import",
            "revenue_template",
            "payment_import",
            "payment_template",
        )
    },
    # ending early, corrections, reversals (issue 20.2-3): POST-only pages
    **{
        f"licensing:{n}": {"": P(pk="@licence")}
        for n in ("cure_notice", "terminate", "termination_propose", "report_correct")
    },
    "licensing:cure_notice_close": {"missing": P(pk="@licence", notice_pk=MISSING)},
    "licensing:termination_answer": {
        "missing": P(pk="@licence", proposal_pk=MISSING, action="confirm")
    },
    "licensing:payment_reverse": {"missing": P(pk="@licence", payment_pk=MISSING)},
    "licensing:claim_handle": {"missing": P(pk=MISSING)},
    "licensing:claim_decide": {"missing": P(pk=MISSING)},
    "licensing:claim_open": {"": P(pk="@licence")},
    "licensing:credit_refer": {"": P(pk="@licence")},
    # transfer
    "transfer:terms_complete": {"published": P(achievement_id="@published")},
    **{
        f"transfer:{n}": {"": P(pk="@report")}
        for n in (
            "report_detail",
            "report_regenerate",
            "report_receive",
            "report_xlsx",
            "report_pdf",
        )
    },
    "transfer:holders": {"published": P(achievement_id="@published")},
    "transfer:grant_apply": {"published": P(achievement_id="@published")},
    **{
        f"transfer:{n}": {"missing": P(pk=MISSING)}
        for n in ("grant_detail", "ledger_entry", "equity_decision", "equity_document")
    },
    # disclosures (职务成果披露): nobody sees a disclosure that does not exist
    **{
        f"disclosures:{n}": {"missing": P(pk=MISSING)}
        for n in ("detail", "edit", "submit", "decide")
    },
    **{
        f"{m} /api/disclosures/{{disclosure_id}}{tail}": {"missing": P(disclosure_id=MISSING)}
        for m, tail in (("GET", ""), ("PUT", ""), ("POST", "/submit"), ("POST", "/decide"))
    },
    # the completers' consent before publishing (achievements/consent.py)
    "achievements:consent": {"published": P(pk="@published", purpose="use_first_licence")},
    "achievements:consent_answer": {"missing": P(pk=MISSING)},
    **{
        f"{m} /api/consent/achievements/{{achievement_id}}/{{purpose}}{tail}": {
            "published": P(achievement_id="@published", purpose="use_first_licence")
        }
        for m, tail in (("GET", ""), ("POST", ""), ("POST", "/override"))
    },
    "POST /api/consent/achievements/{achievement_id}/{purpose}/offline/{answer_id}": {
        "published": P(achievement_id="@published", purpose="use_first_licence", answer_id=MISSING)
    },
    "POST /api/consent/answers/{answer_id}": {"missing": P(answer_id=MISSING)},
    # publicity
    **{
        f"publicity:{n}": {"": P(pk="@notice")}
        for n in ("detail", "edit", "publish", "close", "objection_file", "attachment_upload")
    },
    "publicity:objection_answer": {"missing": P(pk=MISSING)},
    "publicity:attachment_download": {"missing": P(pk=MISSING)},
    # 认定登记 through a registrar: the licensor submits the signed licence (POST only)
    "licensing:registration_submit": {"": P(pk="@licence")},
    # contracts: the world has no technology contract nor reward plan (a registrar sees only
    # what was submitted to it: zhuanhua/contracts/tests), so a missing one is 404 to everyone
    **{
        f"contracts:{name}": {"missing": P(pk=MISSING)}
        for name in (
            "detail",
            "pdf",
            "register",
            "return",
            "resubmit",
            "income",
            "plan_detail",
            "plan_acknowledge",
        )
    },
    # credit
    **{
        f"credit:{n}": {"missing": P(pk=MISSING)}
        for n in ("detail", "appeal", "evidence_upload", "evidence_download")
    },
    **{
        f"credit:{n}": {"missing": P(pk=MISSING)}
        for n in ("referral_detail", "referral_record", "referral_dismiss")
    },
    # vouchers
    "vouchers:spend_detail": {"missing": P(pk=MISSING)},
    "vouchers:claim": {"missing": P(pk=MISSING)},
    "vouchers:decide": {"missing": P(pk=MISSING, decision="approve")},
    "vouchers:document_download": {"missing": P(pk=MISSING)},
    # subsidies
    "subsidies:apply": {"M7-1": P(code="M7-1")},
    "subsidies:preview": {"M7-1": P(code="M7-1")},
    **{f"subsidies:{n}": {"": P(pk="@application")} for n in ("detail", "decide", "resubmit")},
    **{
        f"subsidies:{n}": {"missing": P(pk=MISSING)}
        for n in ("evidence", "settlement", "disbursement", "mark_paid", "sign_off")
    },
    # exemption
    **{
        f"exemption:{n}": {"missing": P(pk=MISSING)}
        for n in ("rules_adopt", "rules_publicise", "rules_file", "record_file")
    },
    **{
        f"exemption:{n}": {"": P(pk="@case")}
        for n in (
            "detail",
            "person_add",
            "record_add",
            "minutes_add",
            "conclude",
            "publicise",
            "decide",
            "effects",
            "dossier",
        )
    },
    "exemption:review": {"missing": P(pk="@case", objection_pk=MISSING)},
    "exemption:person": {"": P(pk="@person")},
    "exemption:person_decide": {"": P(pk="@person")},
    # projects
    **{
        f"projects:{n}": {"missing": P(pk=MISSING)}
        for n in ("project_detail", "project_link", "duty_add", "project_accept")
    },
    "projects:performance_unit": {"unit": P(org_pk="@unit")},
    "projects:project_post_evaluate": {"missing": P(pk=MISSING)},
    "projects:performance_records": {"unit": P(org_pk="@unit", metric="funding_amount")},
    # directory
    **{
        f"directory:{n}": {"missing": P(pk=MISSING)}
        for n in (
            "provider_detail",
            "offer_create",
            "provider_revenue",
            "request_create",
            "request_detail",
            "manager_detail",
            "certificate_add",
            "base_detail",
            "course_create",
        )
    },
    "directory:request_action": {"missing": P(pk=MISSING, action="accept")},
    "directory:attendance_record": {"missing": P(pk=MISSING, course_pk=MISSING)},
    "directory:deal_create": {"": P(licence_pk="@licence")},
    "directory:agency_brokerage": {"unit": P(org_pk="@unit")},
    # dashboards
    "dashboards:table": {"": P(key="achievements_by_prefecture")},
    "dashboards:xlsx": {"": P(key="achievements_by_prefecture")},
    "dashboards:mine_table": {"unit": P(key="unit_deals"), "enterprise": P(key="ent_needs")},
    "dashboards:mine_xlsx": {"unit": P(key="unit_deals")},
    "dashboards:annual_report": {"2025": P(year=2025)},
    "dashboards:annual_report_queue": {"2025": P(year=2025)},
    "dashboards:public_table": {"": P(key="achievements_by_prefecture")},
    "dashboards:public_xlsx": {"": P(key="achievements_by_prefecture")},
    # needs
    **{
        f"needs:{n}": {"draft": P(pk="@need_draft"), "published": P(pk="@need")}
        for n in ("detail",)
    },
    "needs:edit": {"draft": P(pk="@need_draft")},
    "needs:transition": {"draft": P(pk="@need_draft", action="publish")},
    "needs:respond": {"published": P(pk="@need")},
    "needs:match_inquiry": {"published": P(pk="@need", achievement_pk="@published")},
    **{
        f"needs:{n}": {"missing": P(pk=MISSING)}
        for n in ("response_detail", "response_message", "response_inquiry")
    },
    # events
    **{
        f"events:{n}": {"missing": P(pk=MISSING)}
        for n in ("detail", "edit", "present", "register", "withdraw", "propose", "intention")
    },
    "events:transition": {"missing": P(pk=MISSING, action="publish")},
    # search
    "search:achievement_needs": {"published": P(pk="@published")},
    # API
    "GET /api/achievements/{achievement_id}": {
        "draft": P(achievement_id="@draft"),
        "published": P(achievement_id="@published"),
    },
    "PATCH /api/achievements/{achievement_id}": {"draft": P(achievement_id="@draft")},
    "POST /api/achievements/{achievement_id}/transition": {"draft": P(achievement_id="@draft")},
    "GET /api/organisations/{organisation_id}": {
        "unit": P(organisation_id="@unit"),
        "firm": P(organisation_id="@firm"),
    },
    "GET /api/licensing/offers/{offer_id}": {"": P(offer_id="@offer")},
    "POST /api/licensing/offers/{offer_id}/inquiries": {"": P(offer_id="@offer")},
    "GET /api/licensing/inquiries/{inquiry_id}": {"": P(inquiry_id="@inquiry")},
    "POST /api/licensing/inquiries/{inquiry_id}/messages": {"": P(inquiry_id="@inquiry")},
    "POST /api/licensing/inquiries/{inquiry_id}/versions": {"": P(inquiry_id="@inquiry")},
    "POST /api/licensing/inquiries/{inquiry_id}/versions/{number}/accept": {
        "": P(inquiry_id="@inquiry", number=1)
    },
    "POST /api/licensing/inquiries/{inquiry_id}/withdraw": {"": P(inquiry_id="@inquiry")},
    "GET /api/licensing/licences/{licence_id}": {"": P(licence_id="@licence")},
    "GET /api/licensing/deals/{licence_id}": {"": P(licence_id="@licence")},
    "POST /api/licensing/deals/{licence_id}/shares": {"": P(licence_id="@licence")},
    "POST /api/licensing/licences/{licence_id}/revenue-reports": {"": P(licence_id="@licence")},
    "POST /api/licensing/licences/{licence_id}/payments": {"": P(licence_id="@licence")},
    "POST /api/licensing/licences/{licence_id}/milestones": {"": P(licence_id="@licence")},
    **{
        f"{m} /api/licensing/licences/{{licence_id}}/{n}": {"": P(licence_id="@licence")}
        for m, n in (
            ("POST", "pricing-method"),
            ("POST", "signing"),
            ("POST", "registration"),
            ("GET", "covers"),
            ("GET", "distributions"),
            ("POST", "distributions"),
        )
    },
    **{
        f"{m} /api/licensing/licences/{{licence_id}}/{n}": {"": P(licence_id="@licence")}
        for m, n in (
            ("POST", "revenue-reports/corrections"),
            ("GET", "cure-notices"),
            ("POST", "cure-notices"),
            ("POST", "termination"),
            ("POST", "termination-proposals"),
        )
    },
    "POST /api/licensing/licences/{licence_id}/payments/{payment_id}/reversal": {
        "missing": P(licence_id="@licence", payment_id=MISSING)
    },
    "POST /api/licensing/licences/{licence_id}/termination-proposals/{proposal_id}/{action}": {
        "missing": P(licence_id="@licence", proposal_id=MISSING, action="confirm")
    },
    "POST /api/licensing/claims/{claim_id}/handle": {"missing": P(claim_id=MISSING)},
    "POST /api/licensing/claims/{claim_id}/decision": {"missing": P(claim_id=MISSING)},
    "POST /api/licensing/licences/{licence_id}/claims": {"": P(licence_id="@licence")},
    "POST /api/licensing/licences/{licence_id}/credit-referral": {"": P(licence_id="@licence")},
    "GET /api/publicity/{notice_id}": {"": P(notice_id="@notice")},
    "POST /api/publicity/{notice_id}/objections": {"": P(notice_id="@notice")},
    "GET /api/credit/{event_id}": {"missing": P(event_id=MISSING)},
    "GET /api/contracts/{contract_id}": {"missing": P(contract_id=MISSING)},
    "POST /api/contracts/{contract_id}/register": {"missing": P(contract_id=MISSING)},
    "POST /api/contracts/{contract_id}/return": {"missing": P(contract_id=MISSING)},
    "POST /api/contracts/{contract_id}/resubmit": {"missing": P(contract_id=MISSING)},
    "POST /api/contracts/{contract_id}/incomes": {"missing": P(contract_id=MISSING)},
    "GET /api/contracts/plans/{plan_id}": {"missing": P(plan_id=MISSING)},
    "POST /api/contracts/plans/{plan_id}/acknowledge": {"missing": P(plan_id=MISSING)},
    "POST /api/credit/{event_id}/appeal": {"missing": P(event_id=MISSING)},
    "POST /api/vouchers/spends/{spend_id}/claim": {"missing": P(spend_id=MISSING)},
    "POST /api/vouchers/spends/{spend_id}/decision": {"missing": P(spend_id=MISSING)},
    "GET /api/subsidies/applications/{pk}": {"": P(pk="@application")},
    "GET /api/exemption/cases/{case_id}": {"": P(case_id="@case")},
    "PUT /api/exemption/cases/{case_id}/persons/{person_id}/checklist": {
        "": P(case_id="@case", person_id="@person")
    },
    "POST /api/exemption/cases/{case_id}/persons/{person_id}/decision": {
        "": P(case_id="@case", person_id="@person")
    },
    "POST /api/exemption/cases/{case_id}/conclude": {"": P(case_id="@case")},
    "GET /api/projects/{project_id}": {"missing": P(project_id=MISSING)},
    "POST /api/projects/{project_id}/achievements": {"missing": P(project_id=MISSING)},
    "POST /api/projects/{project_id}/accept": {"missing": P(project_id=MISSING)},
    "GET /api/directory/providers/{provider_id}": {"missing": P(provider_id=MISSING)},
    "GET /api/directory/requests/{request_id}": {"missing": P(request_id=MISSING)},
    "POST /api/directory/requests/{request_id}/accept": {"missing": P(request_id=MISSING)},
    "POST /api/directory/requests/{request_id}/deliver": {"missing": P(request_id=MISSING)},
    "GET /api/directory/agencies/{org_id}/brokerage": {"unit": P(org_id="@unit")},
    "GET /api/dashboards/charts/{key}": {"": P(key="achievements_by_prefecture")},
    "GET /api/dashboards/public/charts/{key}": {"": P(key="achievements_by_prefecture")},
    "GET /api/dashboards/mine/charts/{key}": {
        "unit": P(key="unit_deals"),
        "enterprise": P(key="ent_needs"),
    },
    "GET /api/needs/{need_id}": {
        "draft": P(need_id="@need_draft"),
        "published": P(need_id="@need"),
    },
    "GET /api/needs/{need_id}/matches": {"published": P(need_id="@need")},
    **{
        f"{m} /api/events/{{event_id}}{tail}": {"missing": P(event_id=MISSING)}
        for m, tail in (
            ("GET", ""),
            ("PUT", "/registration"),
            ("GET", "/meetings"),
            ("POST", "/intentions"),
        )
    },
}

# Resolver entries that are not rows: the admin beyond its index, and the API operations (which
# come from the OpenAPI schema instead).
NINJA_OWN = {"api:openapi-json", "api:openapi-view", "api:api-root"}


@dataclass(frozen=True)
class Endpoint:
    key: str  # the row's first cell
    method: str
    path: str  # filled path
    api: bool
    body: Any = None
    content_type: str | None = None
    query: Any = None


def _walk(
    patterns: list[Any], prefix: str = "", namespace: str | None = None
) -> Iterator[tuple[str, str, list[str]]]:
    from django.urls import URLResolver

    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace
            full = f"{namespace}:{ns}" if namespace and ns else ns or namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), full)
        else:
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name or ""
            yield name, prefix + str(p.pattern), list(p.pattern.converters)


def page_names() -> list[tuple[str, list[str]]]:
    """(URL name, its path parameters) of every page the matrix covers, in URL order."""
    from django.urls import get_resolver

    out = []
    for name, route, params in _walk(get_resolver().url_patterns):
        if route.startswith(("static/", "media/")) or (
            route.startswith("admin/") and name != "admin:index"
        ):
            continue
        if name.startswith("api:") and name not in NINJA_OWN:
            continue
        if not name:
            raise AssertionError(f"URL pattern {route!r} has no name: give it one and a row")
        out.append((name, params))
    return out


def api_operations() -> list[tuple[str, str, dict[str, Any]]]:
    from config.api import api

    schema = api.get_openapi_schema()
    return [
        (method.upper(), path, op)
        for path, ops in schema["paths"].items()
        for method, op in ops.items()
    ]


def _resolve(value: Any, world: World) -> Any:
    if isinstance(value, str) and value.startswith("@"):
        return world.pk(value[1:])
    return value


def _variants(key: str, params: list[str]) -> dict[str, dict[str, Any]] | None:
    if not params:
        return {"": {}}
    return PARAMS.get(key)


def _by_name(name: str) -> Any:
    if name.endswith(("_on", "_start", "_end")) or name in ("start", "end", "as_of", "due"):
        return "2025-06-30"
    if name.endswith("amount") or name.endswith("_fee"):
        return "100.00"
    if name == "year":
        return 2025
    return None


# Body fields that name an object: filled from the world so a write reaches its permission check
# on any database (primary keys differ between SQLite and PostgreSQL runs). Any other `*_id`
# gets MISSING.
BODY_IDS = {
    "achievement_id": "@published",
    "enterprise_id": "@firm",
    "organisation_id": "@firm",
    "lead_id": "@unit",
    "licence_id": "@licence",
}
_ids: dict[str, Any] = {}


def example(
    schema: dict[str, Any], components: dict[str, Any], depth: int = 0, name: str = ""
) -> Any:
    """A small value that satisfies `schema` (required fields only), so a write reaches the
    handler's permission check instead of stopping at body validation."""
    if "$ref" in schema:
        return example(components[schema["$ref"].rsplit("/", 1)[1]], components, depth, name)
    if name in _ids:
        return _ids[name]
    if name.endswith("_id") and schema.get("type") == "integer":
        return MISSING
    if _by_name(name) is not None and "enum" not in schema:
        return _by_name(name)
    alternatives = re.fullmatch(r"\^\(([\w|-]+)\)\$", schema.get("pattern", ""))
    if alternatives:
        return alternatives.group(1).split("|")[0]
    if "default" in schema:
        return schema["default"]
    if "enum" in schema:
        return schema["enum"][0]
    for combo in ("allOf", "anyOf", "oneOf"):
        if combo in schema:
            options = [s for s in schema[combo] if s.get("type") != "null"] or schema[combo]
            return example(options[0], components, depth, name)
    kind = schema.get("type")
    fmt = schema.get("format")
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        return {
            k: example(props[k], components, depth + 1, k)
            for k in schema.get("required", [])
            if k in props
        }
    if kind == "array":
        n = schema.get("minItems", 0)
        return [example(schema.get("items", {}), components, depth + 1) for _ in range(n)]
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "number":
        return max(1, schema.get("minimum", 1))
    if kind == "boolean":
        return True
    if fmt == "date":
        return "2025-06-30"
    if fmt == "date-time":
        return "2025-06-30T10:00:00+08:00"
    if fmt == "decimal" or schema.get("pattern", "").startswith("^(?!^[-+.]*$)"):
        return "100.00"
    return "测试"


def endpoints(world: World) -> tuple[list[Endpoint], list[str]]:
    """Every row the current URL configuration and schema produce, and the endpoints that have
    path parameters but no PARAMS entry."""
    from django.urls import reverse

    from config.api import api

    components = api.get_openapi_schema().get("components", {}).get("schemas", {})
    _ids.clear()
    _ids.update({k: _resolve(v, world) for k, v in BODY_IDS.items()})
    rows: list[Endpoint] = []
    unfilled: list[str] = []
    for name, params in page_names():
        variants = _variants(name, params)
        if variants is None:
            unfilled.append(name)
            continue
        for variant, kwargs in variants.items():
            path = reverse(name, kwargs={k: _resolve(v, world) for k, v in kwargs.items()})
            key = f"{name} [{variant}]" if variant else name
            rows.append(Endpoint(key, "GET", path, api=False))
    for method, path, op in api_operations():
        base = f"{method} {path}"
        params = re.findall(r"{(\w+)}", path)
        variants = _variants(base, params)
        if variants is None:
            unfilled.append(base)
            continue
        body = content_type = None
        content = op.get("requestBody", {}).get("content", {})
        if "application/json" in content:
            body = example(content["application/json"]["schema"], components)
            content_type = "application/json"
        elif "multipart/form-data" in content:
            body = example(content["multipart/form-data"]["schema"], components)
            content_type = "multipart/form-data"
        query = {
            p["name"]: example(p.get("schema", {}), components, 0, p["name"])
            for p in op.get("parameters", [])
            if p["in"] == "query" and p.get("required")
        }
        for variant, kwargs in variants.items():
            filled = path
            for k, v in kwargs.items():
                filled = filled.replace("{" + k + "}", str(_resolve(v, world)))
            key = f"{base} [{variant}]" if variant else base
            rows.append(
                Endpoint(
                    key,
                    method,
                    filled,
                    api=True,
                    body=body,
                    content_type=content_type,
                    query=query or None,
                )
            )
    return rows, unfilled


def outcome(endpoint: Endpoint, response: Any) -> str:
    """The table's word for a response."""
    from django.conf import settings

    status = response.status_code
    if status >= 500:
        return str(status)
    if status in (301, 302, 303):
        location = response.get("Location", "")
        from django.shortcuts import resolve_url

        login = resolve_url(settings.LOGIN_URL)
        return "login" if location.startswith((login, "/admin/login/")) else "302"
    if endpoint.method in WRITE_METHODS and str(status) not in DENIED:
        return "ok"
    return str(status)


def read_table(path: Path = TABLE) -> tuple[list[str], dict[str, dict[str, str]]]:
    """(column roles, {row key: {role: cell}}) from the Markdown table."""
    by_short = {v: k for k, v in COLUMNS.items()}
    header: list[str] = []
    rows: dict[str, dict[str, str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells[0] == "endpoint":
            header = [by_short[c] for c in cells[1:]]
            continue
        if set(cells[0]) <= {"-", ":"}:
            continue
        key = cells[0].strip("`")
        if key in rows:
            raise AssertionError(f"row {key!r} appears twice in {path.name}")
        rows[key] = dict(zip(header, cells[1:], strict=True))
    return header, rows


def write_table(observed: dict[str, dict[str, str]], path: Path = TABLE) -> None:
    """Rewrite the table (rows in URL and schema order), keeping the text above it."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    head = text.split("\n| endpoint ", 1)[0].rstrip("\n") + "\n\n" if text else ""
    cols = [COLUMNS[r] for r in ROLES]
    width = max(len(k) for k in observed) + 2
    lines = [
        "| " + "endpoint".ljust(width) + " | " + " | ".join(c.ljust(6) for c in cols) + " |",
        "|" + "-" * (width + 2) + "|" + "|".join("-" * 8 for _ in cols) + "|",
    ]
    for key, cells in observed.items():
        lines.append(
            "| "
            + f"`{key}`".ljust(width)
            + " | "
            + " | ".join(cells[r].ljust(6) for r in ROLES)
            + " |"
        )
    path.write_text(head + "\n".join(lines) + "\n", encoding="utf-8")
