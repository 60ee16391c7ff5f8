"""Chinese by default, English on request: the header switch, the language cookie and the pages."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

SET_LANGUAGE = "/i18n/setlang/"
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


@pytest.fixture(autouse=True)
def _chinese_afterwards() -> Iterator[None]:
    yield
    translation.activate(settings.LANGUAGE_CODE)


def choose(client: Client, language: str, next_url: str = "/") -> Any:
    return client.post(SET_LANGUAGE, {"language": language, "next": next_url})


def page(client: Client, url: str, **extra: Any) -> str:
    response = client.get(url, **extra)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def visible_text(body: str) -> str:
    """The page's text without tags, scripts, attribute values or <option>s (choice labels come
    from the apps' choices, which are not translated yet)."""
    body = re.sub(r"<(script|style|select)\b.*?</\1>", " ", body, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def test_a_visitor_who_has_not_chosen_gets_chinese_whatever_the_browser_asks(client, db):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    body = response.content.decode()
    assert '<html lang="zh-hans">' in body
    assert "让科技成果走出实验室，走进企业" in body
    assert response["Content-Language"] == "zh-hans"
    assert "Cookie" in response["Vary"]
    assert "Accept-Language" not in response["Vary"]


def test_switching_to_english_and_back_on_home_and_hall(client, published_a):
    response = choose(client, "en", "/achievements/?q=储氢")
    assert response.status_code == 302
    assert response["Location"] == "/achievements/?q=%E5%82%A8%E6%B0%A2"  # 储氢
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    home = page(client, "/")
    assert '<html lang="en">' in home
    assert "From the laboratory into the enterprise" in home
    assert ">Achievement hall</a>" in home
    assert ">Log in</a>" in home
    assert 'lang="zh-hans">中文</button>' in home
    hall = page(client, "/achievements/", data={"q": "储氢"})
    assert '<html lang="en">' in hall
    assert 'data-testid="hall-count">1</strong> achievement for “储氢”' in hall
    assert "Export these results (Excel)" in hall
    assert published_a.title in hall  # the records themselves stay as written
    detail = page(client, f"/achievements/{published_a.pk}/")
    assert "Technology readiness" in detail

    response = choose(client, "zh-hans", "/")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    home = page(client, "/")
    assert '<html lang="zh-hans">' in home
    assert "让科技成果走出实验室，走进企业" in home
    assert 'lang="en">English</button>' in home
    assert "From the laboratory" not in home


def test_the_hall_partial_htmx_loads_follows_the_choice(client, published_a):
    choose(client, "en")
    body = page(client, "/achievements/", data={"q": "储氢"}, HTTP_HX_REQUEST="true")
    assert "<html" not in body
    assert "1</strong> achievement" in body


def test_search_and_login_pages_answer_in_english(client, db):
    choose(client, "en")
    assert "Search achievements and needs" in page(client, reverse("search:search"))
    login = page(client, reverse("accounts:login"))
    mark = ' <span class="text-danger" aria-hidden="true">*</span></label>'
    assert f'<label class="form-label" for="id_username">Username{mark}' in login
    assert f'<label class="form-label" for="id_password">Password{mark}' in login


def test_the_workbench_and_notification_centre_chrome_answer_in_english(client, manager_a):
    client.force_login(manager_a)
    choose(client, "en")
    assert "Register an achievement" in page(client, reverse("core:workbench"))
    inbox = page(client, reverse("notifications:inbox"))
    assert "Mark all as read" in inbox
    # The link's name is its visible text (WCAG 2.5.3): "Notifications", then "n unread" when any.
    assert '/notifications/">Notifications</a>' in inbox
    assert ">Log out</button>" in inbox


@pytest.mark.parametrize("url", ["/", "/accounts/login/"])
def test_translated_pages_leave_no_chinese_in_english(client, db, url):
    choose(client, "en")
    text = visible_text(page(client, url))
    # The only Chinese left: the switch back to 中文 and the logo mark 转.
    leftovers = CJK.findall(text.replace("中文", "").replace("转", ""))
    assert leftovers == [], "".join(leftovers)


@pytest.mark.parametrize(
    ("name", "needs_login"),
    [
        ("core:home", False),
        ("achievements:hall", False),
        ("search:search", False),
        ("accounts:login", False),
        # Pages of apps whose own text is not translated yet still carry the switch.
        ("licensing:offer_list", False),
        ("publicity:list", False),
        ("subsidies:catalogue", False),
        ("directory:home", False),
        ("needs:hall", False),
        ("credit:list", False),
        ("transfer:use_first", False),
        ("core:workbench", True),
        ("notifications:inbox", True),
        ("vouchers:ledger", True),
        ("projects:project_list", True),
        ("dashboards:mine", True),
    ],
)
def test_every_page_has_the_switch_back_to_itself(client, manager_a, name, needs_login):
    if needs_login:
        client.force_login(manager_a)
    url = reverse(name)
    body = page(client, url + "?page=1")
    form = re.search(
        r'<form class="zh-lang-switch[^"]*" method="post" action="/i18n/setlang/"'
        r".*?</form>",
        body,
        flags=re.S,
    )
    assert form, f"no language switch on {url}"
    assert 'name="csrfmiddlewaretoken"' not in form.group(0)
    assert f'<input type="hidden" name="next" value="{url}?page=1">' in form.group(0)
    assert (
        '<button class="btn btn-outline-light btn-sm" name="language" value="en" lang="en">English</button>'
        in form.group(0)
    )


def test_the_switch_needs_no_csrf_token_so_anonymous_pages_stay_cacheable(db):
    client = Client(enforce_csrf_checks=True)
    body = page(client, "/achievements/")
    assert "csrfmiddlewaretoken" not in body
    assert "csrftoken" not in client.cookies
    response = choose(client, "en")
    assert response.status_code == 302
    assert '<html lang="en">' in page(client, "/")


def test_the_switch_never_sends_the_visitor_off_site(client, db):
    response = choose(client, "en", "https://evil.example/phish")
    assert response["Location"] == "/"


@pytest.mark.parametrize("cookie", ["fr", "xx-bogus", ""])
def test_an_unknown_language_cookie_falls_back_to_chinese(client, db, cookie):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie
    assert '<html lang="zh-hans">' in page(client, "/")


def test_english_does_not_outlive_the_request(client, db):
    choose(client, "en")
    page(client, "/")
    assert translation.get_language() == settings.LANGUAGE_CODE


def test_choosing_english_survives_the_browser_session(client, db):
    morsel = choose(client, "en").cookies[settings.LANGUAGE_COOKIE_NAME]
    assert morsel["max-age"] == 365 * 24 * 3600
    assert morsel["httponly"]
    assert morsel["samesite"] == "Lax"
