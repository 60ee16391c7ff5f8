"""The one NinjaAPI: each app contributes a Router from its api.py."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.errors import ValidationError as SchemaValidationError
from ninja.security import django_auth

from zhuanhua.achievements.api import router as achievements_router
from zhuanhua.achievements.consent_api import router as consent_router
from zhuanhua.contracts.api import router as contracts_router
from zhuanhua.core.api_errors import ERR_BAD_BODY, schema_errors
from zhuanhua.credit.api import router as credit_router
from zhuanhua.dashboards.api import router as dashboards_router
from zhuanhua.directory.api import router as directory_router
from zhuanhua.disclosures.api import router as disclosures_router
from zhuanhua.events.api import router as events_router
from zhuanhua.exemption.api import router as exemption_router
from zhuanhua.licensing.api import router as licensing_router
from zhuanhua.licensing.risk_api import router as licensing_risk_router
from zhuanhua.licensing.termination_api import router as licensing_termination_router
from zhuanhua.needs.api import router as needs_router
from zhuanhua.organisations.api import router as organisations_router
from zhuanhua.projects.api import router as projects_router
from zhuanhua.publicity.api import router as publicity_router
from zhuanhua.search.api import router as search_router
from zhuanhua.subsidies.api import router as subsidies_router
from zhuanhua.transfer.api import router as transfer_router
from zhuanhua.vouchers.api import router as vouchers_router

api = NinjaAPI(
    title="转化 Zhuanhua API",
    version="1.0",
    description="云南省科技成果转移转化服务平台 REST API。会话认证（登录后携带 CSRF 令牌）。",
    urls_namespace="api",
)
api.add_router("/achievements", achievements_router)
api.add_router("/consent", consent_router)  # the completers' consent (guide 7(1))
api.add_router("/organisations", organisations_router)
api.add_router("/licensing", licensing_router)
api.add_router("/licensing", licensing_termination_router)  # ending early, 更正, 冲正
api.add_router("/licensing", licensing_risk_router)  # claims and payouts, credit referral
api.add_router("/transfer", transfer_router)
api.add_router("/disclosures", disclosures_router)
api.add_router("/publicity", publicity_router)
api.add_router("/credit", credit_router)
api.add_router("/contracts", contracts_router)
api.add_router("/vouchers", vouchers_router)
api.add_router("/subsidies", subsidies_router)
api.add_router("/exemption", exemption_router)
api.add_router("/projects", projects_router)
api.add_router("/directory", directory_router)
api.add_router("/dashboards", dashboards_router)
api.add_router("/needs", needs_router)
api.add_router("/events", events_router)
api.add_router("/search", search_router)


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors: list[dict[str, str | None]]
    if hasattr(exc, "error_dict"):
        errors = [{"field": f, "message": m} for f, msgs in exc.message_dict.items() for m in msgs]
    else:
        errors = [{"field": None, "message": m} for m in exc.messages]
    return api.create_response(request, {"detail": errors}, status=422)


@api.exception_handler(SchemaValidationError)
def _schema_error(request: HttpRequest, exc: SchemaValidationError) -> HttpResponse:
    """Pydantic's refusals, in Chinese, in the same `{field, message}` shape (plus `loc`/`type`)."""
    return api.create_response(request, {"detail": schema_errors(exc.errors)}, status=422)


@api.exception_handler(MultiPartParserError)
def _bad_multipart(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    return api.create_response(request, {"detail": ERR_BAD_BODY}, status=400)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """Ninja's own 400 for a body it cannot parse (invalid JSON …) says so in Chinese."""
    message = str(exc)
    if exc.status_code == 400 and message.startswith("Cannot parse request body"):
        message = ERR_BAD_BODY
    return api.create_response(request, {"detail": message}, status=exc.status_code)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "无权执行该操作"}, status=403)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "未找到"}, status=404)


__all__ = ["api", "django_auth"]
