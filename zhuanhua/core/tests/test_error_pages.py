"""The site's own error pages: Chinese, with the header, the refusal's reason, JSON for the API,
the message alone for htmx; the 500 page without the database; the hall's rate limit in the page."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path

from config import urls as site_urls
from zhuanhua.core import errors, ratelimit

REASON = "只有主管部门可以查看预算与结算"


def _raises_bad_request(request: HttpRequest) -> HttpResponse:
    raise BadRequest("malformed")


def _refuses_with_reason(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied(REASON)


def _refuses_in_english(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied("internal: CSRF cookie not set")


def _crashes(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("boom")


# This module is the URL configuration of the tests below: the site plus views that fail.
urlpatterns = [
    path("test-errors/400/", _raises_bad_request),
    path("test-errors/403/", _refuses_with_reason),
    path("test-errors/403-english/", _refuses_in_english),
    path("test-errors/500/", _crashes),
    *site_urls.urlpatterns,
]
handler400 = site_urls.handler400
handler403 = site_urls.handler403
handler404 = site_urls.handler404
handler500 = site_urls.handler500


@pytest.fixture
def failing_urls(settings):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False
    return settings


def _has_header(body: str) -> bool:
    return 'class="navbar navbar-expand-lg navbar-dark zh-navbar"' in body and "成果大厅" in body


def test_site_error_handlers_are_the_chinese_pages():
    assert site_urls.handler400 == "zhuanhua.core.errors.bad_request"
    assert site_urls.handler403 == "zhuanhua.core.errors.permission_denied"
    assert site_urls.handler404 == "zhuanhua.core.errors.page_not_found"
    assert site_urls.handler500 == "zhuanhua.core.errors.server_error"


def test_unknown_url_answers_the_chinese_404_page_with_the_header(client, db):
    response = client.get("/no-such-page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="zh-hans">' in body
    assert _has_header(body)
    assert "<title>页面不存在 · 转化</title>" in body
    assert f'data-testid="error-message">{errors.MESSAGES[404]}</p>' in body


def test_404_page_of_a_signed_in_user_shows_their_header(client, manager_a):
    client.force_login(manager_a)
    body = client.get("/no-such-page/").content.decode()
    assert "工作台" in body
    assert "退出登录" in body


def test_bad_request_answers_the_chinese_400_page(failing_urls, client, db):
    response = client.get("/test-errors/400/")
    body = response.content.decode()
    assert response.status_code == 400
    assert _has_header(body)
    assert "<title>请求有误 · 转化</title>" in body
    assert f'data-testid="error-message">{errors.MESSAGES[400]}</p>' in body
    assert "malformed" not in body


def test_403_page_shows_the_refusals_reason(failing_urls, client, db):
    response = client.get("/test-errors/403/")
    body = response.content.decode()
    assert response.status_code == 403
    assert _has_header(body)
    assert "<title>没有权限 · 转化</title>" in body
    assert f'data-testid="error-message">{REASON}</p>' in body


def test_403_page_never_shows_an_internal_english_reason(failing_urls, client, db):
    body = client.get("/test-errors/403-english/").content.decode()
    assert "CSRF cookie" not in body
    assert f'data-testid="error-message">{errors.MESSAGES[403]}</p>' in body


def test_a_real_refusal_shows_its_reason(client, manager_a):
    client.force_login(manager_a)
    response = client.get("/subsidies/budget/")
    assert response.status_code == 403
    assert f'data-testid="error-message">{REASON}</p>' in response.content.decode()


def test_500_page_is_chinese_with_the_header_and_needs_no_database(failing_urls):
    # No `db` fixture: pytest-django refuses every query, as a database that is down would.
    client = Client(raise_request_exception=False)
    response = client.get("/test-errors/500/")
    body = response.content.decode()
    assert response.status_code == 500
    assert _has_header(body)
    assert "<title>服务器内部错误 · 转化</title>" in body
    assert f'data-testid="error-message">{errors.MESSAGES[500]}</p>' in body
    assert "boom" not in body


def test_500_falls_back_to_a_fixed_page_when_the_template_fails(failing_urls, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("template storage gone")

    monkeypatch.setattr(errors.loader, "render_to_string", broken)
    response = Client(raise_request_exception=False).get("/test-errors/500/")
    assert response.status_code == 500
    assert response.content.decode() == errors.FALLBACK_500


def test_htmx_request_gets_the_message_alone(failing_urls, client, db):
    response = client.get("/test-errors/403/", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 403
    assert "<html" not in body
    assert f">{REASON}</div>" in body
    assert response["HX-Push-Url"] == "false"


def test_api_unknown_url_stays_json(client, db):
    response = client.get("/api/no-such-endpoint/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "未找到"}


def test_api_refusal_stays_the_apis_json(client, db):
    """A missing record under /api/ is answered by the API's own handler, as before."""
    response = client.get("/api/achievements/999999")
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到"}


# --------------------------------------------------------------------------- the hall's rate limit


@pytest.fixture
def search_limited(settings):
    # An hour: a slow run cannot straddle a window boundary between the two requests.
    settings.ZHUANHUA_RATE_LIMITS = {"search": (1, 3600)}
    cache.clear()
    yield settings
    cache.clear()


def test_rate_limited_live_search_answers_a_message_the_hall_shows(search_limited, published_a):
    client = Client(REMOTE_ADDR="10.9.0.1")
    assert client.get("/achievements/?q=储氢", HTTP_HX_REQUEST="true").status_code == 200
    response = client.get("/achievements/?q=储氢", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 429
    assert body.strip().startswith('<div class="alert alert-warning zh-error-message"')
    assert f">{ratelimit.ERR_RATE_LIMITED}</div>" in body
    assert response["HX-Push-Url"] == "false"
    assert 1 <= int(response["Retry-After"]) <= 3600


def test_rate_limited_page_is_the_chinese_429_page_with_the_header(search_limited, published_a):
    client = Client(REMOTE_ADDR="10.9.0.2")
    client.get("/achievements/?q=储氢")
    response = client.get("/achievements/?q=储氢")
    body = response.content.decode()
    assert response.status_code == 429
    assert _has_header(body)
    assert "<title>请求过于频繁 · 转化</title>" in body
    assert f'data-testid="error-message">{ratelimit.ERR_RATE_LIMITED}</p>' in body


def test_pages_load_the_htmx_error_script(client, db):
    body = client.get("/achievements/").content.decode()
    assert '<script src="/static/zhuanhua/htmx-errors.js"></script>' in body


def test_a_form_post_without_csrf_token_gets_the_chinese_403_page(manager_a):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "manager_a", "password": "x"})
    body = response.content.decode()
    assert response.status_code == 403
    assert _has_header(body)
    assert f'data-testid="error-message">{errors.ERR_CSRF}</p>' in body
    assert "CSRF token" not in body
    assert "_auth_user_id" not in client.session
