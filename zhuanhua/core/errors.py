"""The site's own error pages (config/urls.py handler400/403/404/500), in Chinese with the header.

A page request gets the full page extending base.html; an htmx request gets only the message, so
the part of the page that asked shows it (static `zhuanhua/htmx-errors.js` lets htmx swap error
responses); the API answers JSON as its own handlers do (config/api.py). A refusal's reason is the
PermissionDenied message when it is a Chinese sentence (the services' ERR_ constants), never an
internal English text.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.html import escape
from django.utils.translation import gettext, gettext_noop

# Shown when a page cannot be drawn at all (the 500 template itself failed).
FALLBACK_500 = (
    '<!doctype html><html lang="zh-hans"><head><meta charset="utf-8">'
    "<title>服务器内部错误</title></head><body><h1>500</h1>"
    '<p>服务器内部错误，请稍后再试。</p><p><a href="/">返回首页</a></p></body></html>'
)

# What each status says when there is no particular reason to give. Chinese msgids (docs/i18n.md).
TITLES = {
    400: gettext_noop("请求有误"),
    403: gettext_noop("没有权限"),
    404: gettext_noop("页面不存在"),
    429: gettext_noop("请求过于频繁"),
    500: gettext_noop("服务器内部错误"),
}
MESSAGES = {
    400: gettext_noop("请求无法处理，请检查后重试。"),
    403: gettext_noop("您没有权限访问此页面或执行此操作。"),
    404: gettext_noop("您访问的页面不存在或已被移除，请检查网址。"),
    429: gettext_noop("请求过于频繁，请稍后再试。"),
    500: gettext_noop("服务器出现问题，请稍后再试。我们已记录此错误。"),
}

# The API's own words for these (config/api.py), so an unknown /api/ address reads like the rest.
API_DETAILS = {403: "无权执行该操作", 404: "未找到"}

_CJK = re.compile(r"[\u4e00-\u9fff]")


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def reason_of(exception: Exception | None) -> str:
    """The exception's message when it is meant for a person (a Chinese sentence), else ""."""
    if exception is None or not exception.args:
        return ""
    text = exception.args[0]
    return text if isinstance(text, str) and _CJK.search(text) else ""


def error_response(
    request: HttpRequest,
    status: int,
    reason: str = "",
    *,
    with_request: bool = True,
) -> HttpResponse:
    """The error page (or, for htmx, the message alone) for `status`.

    `with_request=False` draws the page without the request's context processors (no user, no
    database): the 500 page and the rate limiter, which runs before sessions, use it.
    """
    title = gettext(TITLES[status])
    message = reason or gettext(MESSAGES[status])
    if is_api(request):
        return JsonResponse(
            {"detail": reason or API_DETAILS.get(status, message)},
            status=status,
            json_dumps_params={"ensure_ascii": False},
        )
    context: dict[str, Any] = {
        "status": status,
        "title": title,
        "message": message,
        "PLATFORM_NAME": gettext("云南省科技成果转移转化服务平台"),
    }
    response = HttpResponse(status=status, content_type="text/html; charset=utf-8")
    if is_htmx(request):
        template = "includes/error_message.html"
        # The failed request did not happen: keep the address bar where it was.
        response["HX-Push-Url"] = "false"
    else:
        template = f"{status}.html"
    response.content = loader.render_to_string(
        template, context, request=request if with_request else None
    )
    return response


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 403, reason_of(exception))


# Django's own reason (e.g. "CSRF token missing.") is English and for developers: not shown.
ERR_CSRF = gettext_noop("页面已过期或缺少安全校验，请刷新页面后重试。")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """settings.CSRF_FAILURE_VIEW: a refused form post gets the site's 403 page."""
    return error_response(request, 403, gettext(ERR_CSRF))


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Drawn without the request's context (the database may be what failed); if even that
    fails, a fixed page."""
    try:
        return error_response(request, 500, with_request=False)
    except Exception:
        if settings.DEBUG:
            raise
        return HttpResponse(FALLBACK_500, status=500, content_type="text/html; charset=utf-8")


def too_many_requests(request: HttpRequest, message: str) -> HttpResponse:
    """The rate limiter's answer (zhuanhua.core.ratelimit): drawn without the request's context
    because the limiter runs before sessions, so a flood costs no database work."""
    try:
        return error_response(request, 429, message, with_request=False)
    except Exception:
        body = f'<!doctype html><html lang="zh-hans"><meta charset="utf-8"><p>{escape(message)}</p>'
        return HttpResponse(body, status=429, content_type="text/html; charset=utf-8")
