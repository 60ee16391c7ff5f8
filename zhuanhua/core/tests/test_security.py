"""Web security: CSRF, CSP, production settings, attachment headers, escaping, lockout, rate limits."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from zhuanhua.achievements.models import Achievement
from zhuanhua.achievements.services import (
    achievement_create,
    achievement_transition,
    attachment_add,
)
from zhuanhua.core import ratelimit

PASSWORD = "zhuanhua-test-pw"
XSS = "<script>alert(1)</script>"
XSS_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def csrf_client(user=None) -> Client:
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    return client


def csrf_token(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return (
        response.cookies["csrftoken"].value
        if "csrftoken" in response.cookies
        else client.cookies["csrftoken"].value
    )


# --------------------------------------------------------------------------- CSRF


def test_login_form_post_without_csrf_token_is_refused(manager_a):
    client = csrf_client()
    response = client.post("/accounts/login/", {"username": "manager_a", "password": PASSWORD})
    assert response.status_code == 403
    token = csrf_token(client, "/accounts/login/")
    response = client.post(
        "/accounts/login/",
        {"username": "manager_a", "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302


def test_form_post_without_csrf_token_is_refused(manager_a, achievement_data):
    client = csrf_client(manager_a)
    data = {**achievement_data, "keywords": "固态储氢", "ip_acquired_on": "2023-05-10"}
    response = client.post("/achievements/new/", data)
    assert response.status_code == 403
    assert not Achievement.objects.exists()


def test_state_change_post_without_csrf_token_is_refused(manager_a, draft_a):
    client = csrf_client(manager_a)
    assert client.post(f"/achievements/{draft_a.pk}/submit/").status_code == 403
    draft_a.refresh_from_db()
    assert draft_a.status == "draft"


def test_api_write_without_csrf_token_is_refused(manager_a, achievement_data):
    client = csrf_client(manager_a)
    body = {**achievement_data, "ip_acquired_on": "2023-05-10", "completers": [{"name": "张三"}]}
    response = client.post("/api/achievements/", json.dumps(body), content_type="application/json")
    assert response.status_code == 403
    assert not Achievement.objects.exists()
    token = csrf_token(client, "/workbench/")
    response = client.post(
        "/api/achievements/",
        json.dumps(body),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 201, response.content
    assert Achievement.objects.count() == 1


# --------------------------------------------------------------------------- CSP


@pytest.mark.parametrize(
    "path", ["/", "/achievements/", "/accounts/login/", "/organisations/sign-up/"]
)
def test_csp_header_forbids_inline_script(client, path, published_a):
    response = client.get(path)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    directives = dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";") if part.strip()
    )
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    inline = re.findall(r"<script\b(?![^>]*\bsrc=)[^>]*>", response.content.decode())
    assert inline == [], "inline <script> (CSP would block it)"
    assert not re.search(r"\son[a-z]+\s*=", response.content.decode()), "on*= handler"


# --------------------------------------------------------------------------- production settings


def _production_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        ZHUANHUA_AUDIT_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="zhuanhua.example.gov.cn",
        **extra,
    )
    return env


def test_check_deploy_is_clean_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=django_settings.BASE_DIR,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_cookies_and_hsts():
    code = (
        "import json; from django.conf import settings as s; print(json.dumps([s.DEBUG, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
        "s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_CONTENT_TYPE_NOSNIFF, s.X_FRAME_OPTIONS, str(s.MEDIA_ROOT), str(s.STATIC_ROOT)]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=django_settings.BASE_DIR,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    (
        debug,
        session_secure,
        csrf_secure,
        httponly,
        hsts,
        subdomains,
        ssl_redirect,
        nosniff,
        frame,
        media,
        static,
    ) = json.loads(result.stdout.strip().splitlines()[-1])
    assert (debug, session_secure, csrf_secure, httponly) == (False, True, True, True)
    assert hsts >= 31536000
    assert (subdomains, ssl_redirect, nosniff) == (True, True, True)
    assert frame == "DENY"
    assert not Path(media).is_relative_to(Path(static))


# --------------------------------------------------------------------------- attachments


def test_attachment_is_a_download_with_nosniff_from_outside_the_static_root(
    client,
    manager_a,
    draft_a,
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = tmp_path / "media"
    html_in_pdf = b"%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF\n"
    attachment = attachment_add(
        user=manager_a,
        achievement=draft_a,
        upload=SimpleUploadedFile("报告.pdf", html_in_pdf, content_type="text/html"),
    )
    path = Path(attachment.file.path).resolve()
    assert path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert not path.is_relative_to(Path(settings.STATIC_ROOT).resolve())

    client.force_login(manager_a)
    response = client.get(f"/achievements/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == html_in_pdf
    # Not reachable directly under MEDIA_URL or STATIC_URL.
    relative = attachment.file.name
    assert client.get(f"{settings.MEDIA_URL}{relative}").status_code == 404
    assert client.get(f"{settings.STATIC_URL}{relative}").status_code == 404
    client.logout()
    assert client.get(f"/achievements/attachments/{attachment.pk}/").status_code in (302, 404)


def test_upload_with_html_content_under_a_pdf_name_is_refused(client, manager_a, draft_a):
    client.force_login(manager_a)
    fake = SimpleUploadedFile(
        "x.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf"
    )
    client.post(f"/achievements/{draft_a.pk}/attachments/", {"file": fake})
    assert draft_a.attachments.count() == 0


# --------------------------------------------------------------------------- escaping


def test_user_text_is_escaped_on_hall_detail_home_and_profile(
    client, manager_a, reviewer, achievement_data, unit_a
):
    achievement_data.update(title=XSS, summary=f"摘要{XSS}", keywords=[XSS, "储氢"])
    achievement = achievement_create(
        user=manager_a, data=achievement_data, completers=[{"name": XSS, "employer": XSS}]
    )
    achievement_transition(user=manager_a, achievement=achievement, action="submit")
    achievement_transition(user=reviewer, achievement=achievement, action="publish")
    unit_a.introduction = XSS
    unit_a.save()
    pages = [
        "/",
        "/achievements/",
        f"/achievements/{achievement.pk}/",
        f"/organisations/{unit_a.pk}/",
        "/achievements/?q=储氢",
    ]
    for path in pages:
        body = client.get(path).content.decode()
        assert XSS not in body, path
        assert XSS_ESCAPED in body, path
    # The API returns the text as data, never as HTML.
    response = client.get(f"/api/achievements/{achievement.pk}")
    assert response["Content-Type"].startswith("application/json")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.json()["title"] == XSS
    client.force_login(reviewer)
    body = client.get("/workbench/").content.decode()
    assert XSS not in body


# --------------------------------------------------------------------------- login lockout


def test_login_is_locked_after_five_failures(client, manager_a):
    for _ in range(5):
        client.post("/accounts/login/", {"username": "manager_a", "password": "wrong-password"})
    response = client.post("/accounts/login/", {"username": "manager_a", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


# --------------------------------------------------------------------------- rate limits


@pytest.fixture
def limited(settings):
    assert "zhuanhua.core.ratelimit.RateLimitMiddleware" in settings.MIDDLEWARE
    # Hour-long windows: a fixed window that rolls over mid-test (a slow, loaded machine) would
    # reset the count and make the test flaky; the window's length is not what is tested here.
    settings.ZHUANHUA_RATE_LIMITS = {"login": (3, 3600), "sign_up": (2, 3600), "search": (4, 3600)}
    cache.clear()
    yield settings
    cache.clear()


def test_login_is_rate_limited_per_address(limited, manager_a):
    client = Client(REMOTE_ADDR="10.0.0.1")
    for n in range(3):
        response = client.post("/accounts/login/", {"username": f"nobody{n}", "password": "x"})
        assert response.status_code == 200
    response = client.post("/accounts/login/", {"username": "nobody9", "password": "x"})
    assert response.status_code == 429
    assert ratelimit.ERR_RATE_LIMITED in response.content.decode()
    assert 1 <= int(response["Retry-After"]) <= 3600
    assert client.get("/accounts/login/").status_code == 200  # showing the form is not limited
    other = Client(REMOTE_ADDR="10.0.0.2")
    response = other.post("/accounts/login/", {"username": "manager_a", "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.django_db  # the re-shown form lists the supervising departments from the DB
def test_sign_up_is_rate_limited(limited):
    client = Client(REMOTE_ADDR="10.0.0.3")
    for _ in range(2):
        assert client.post("/organisations/sign-up/", {"name": "x"}).status_code == 200
    response = client.post("/organisations/sign-up/", {"name": "x"})
    assert response.status_code == 429
    assert ratelimit.ERR_RATE_LIMITED in response.content.decode()


def test_public_search_is_rate_limited_but_browsing_is_not(limited, published_a):
    client = Client(REMOTE_ADDR="10.0.0.4")
    for _ in range(4):
        assert client.get("/achievements/?q=储氢").status_code == 200
    assert client.get("/achievements/?q=储氢").status_code == 429
    assert client.get("/api/achievements/?q=储氢").status_code == 429
    for _ in range(6):
        assert client.get("/achievements/").status_code == 200
        assert client.get("/achievements/?q=").status_code == 200
    api = Client(REMOTE_ADDR="10.0.0.5")
    for _ in range(4):
        assert api.get("/api/achievements/?q=储氢").status_code == 200
    response = api.get("/api/achievements/?q=储氢")
    assert response.status_code == 429
    assert response.json() == {"detail": ratelimit.ERR_RATE_LIMITED}


def test_every_keyword_search_counts_alike(limited, published_a):
    client = Client(REMOTE_ADDR="10.0.0.7")
    paths = ["/search/?q=储氢", "/needs/?q=储氢", "/api/search/?q=储氢", "/api/needs/?q=储氢"]
    for path in paths:
        assert client.get(path).status_code == 200, path
    for path in [*paths, "/achievements/?q=储氢"]:
        assert client.get(path).status_code == 429, path
    assert client.get("/needs/").status_code == 200  # browsing without a keyword is not counted


def test_signed_in_people_are_limited_per_account_not_per_office(limited, manager_a, manager_b):
    office = "10.0.0.8"  # one NAT address for the whole office
    first, second, anonymous = (Client(REMOTE_ADDR=office) for _ in range(3))
    first.force_login(manager_a)
    second.force_login(manager_b)
    for _ in range(4):
        assert first.get("/achievements/?q=储氢").status_code == 200
    assert first.get("/achievements/?q=储氢").status_code == 429
    for _ in range(4):  # a colleague behind the same address still searches
        assert second.get("/achievements/?q=储氢").status_code == 200
        assert anonymous.get("/achievements/?q=储氢").status_code == 200
    assert anonymous.get("/achievements/?q=储氢").status_code == 429


def test_a_forged_session_cookie_counts_against_the_address(limited, published_a):
    client = Client(REMOTE_ADDR="10.0.0.9")
    for n in range(4):
        client.cookies["sessionid"] = f"forged{n}"
        assert client.get("/achievements/?q=储氢").status_code == 200
    client.cookies["sessionid"] = "forged-again"
    assert client.get("/achievements/?q=储氢").status_code == 429


def test_a_rule_set_to_none_is_off(limited, db):
    limited.ZHUANHUA_RATE_LIMITS = {"login": None}
    client = Client(REMOTE_ADDR="10.0.0.6")
    for n in range(12):  # different usernames: axes would lock one username after 5
        assert (
            client.post("/accounts/login/", {"username": f"x{n}", "password": "y"}).status_code
            == 200
        )


def test_forwarded_address_is_used_only_when_trusted(limited, db):
    limited.ZHUANHUA_RATE_LIMITS = {"login": (1, 3600)}
    a = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.1")
    b = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.2")
    assert a.post("/accounts/login/", {"username": "x", "password": "y"}).status_code == 200
    assert b.post("/accounts/login/", {"username": "x", "password": "y"}).status_code == 429
    cache.clear()
    limited.ZHUANHUA_RATELIMIT_TRUST_X_FORWARDED_FOR = True
    assert a.post("/accounts/login/", {"username": "x", "password": "y"}).status_code == 200
    assert b.post("/accounts/login/", {"username": "x", "password": "y"}).status_code == 200
    spoofed = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.1")
    assert spoofed.post("/accounts/login/", {"username": "x", "password": "y"}).status_code == 429


def test_fixed_window_resets_in_the_next_window():
    cache.clear()
    assert ratelimit.hit("rl:test:k", 2, 60, now=120.0) == (True, 60)
    assert ratelimit.hit("rl:test:k", 2, 60, now=150.0) == (True, 30)
    assert ratelimit.hit("rl:test:k", 2, 60, now=179.0) == (False, 1)
    assert ratelimit.hit("rl:test:k", 2, 60, now=180.0) == (True, 60)
