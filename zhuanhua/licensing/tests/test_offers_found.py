"""Offers found where people look (issue 19.4): the 先使用后付费 badge with the fee model in words
on the hall's cards, the achievement page, search results and a need's matches; the achievement
page's button that starts an inquiry, or the reason this visitor cannot."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhuanhua.licensing import services, todo
from zhuanhua.licensing.models import Inquiry
from zhuanhua.licensing.templatetags import licensing_tags
from zhuanhua.licensing.tests.conftest import OFFER_DATA
from zhuanhua.needs.services import need_create, need_transition
from zhuanhua.search import services as search_services

BADGE = 'data-testid="ufpl-badge" title="可先使用后付费：门槛费+阶段性支付+收入提成"'
BADGE_TEXT = "先使用后付费 · 门槛费+阶段性支付+收入提成"


def _hall_queries(client: Any) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        html = client.get("/achievements/").content.decode()
    return len(ctx.captured_queries), html


def test_hall_cards_show_the_badge_in_one_query(client, published_a, manager_a):
    before, html = _hall_queries(client)
    assert "ufpl-badge" not in html
    services.offer_publish(user=manager_a, achievement=published_a, data=dict(OFFER_DATA))
    after, html = _hall_queries(client)
    assert BADGE in html
    assert BADGE_TEXT in html
    assert after == before


def test_a_withdrawn_offer_shows_no_badge(client, offer):
    offer.is_active = False
    offer.save(update_fields=["is_active"])
    assert "ufpl-badge" not in client.get("/achievements/").content.decode()


def test_the_badge_names_the_latest_active_offers_model(client, offer, manager_a, published_a):
    data = dict(OFFER_DATA, fee_model="royalty", terms={"royalty": OFFER_DATA["terms"]["royalty"]})
    services.offer_publish(user=manager_a, achievement=published_a, data=data)
    html = client.get("/achievements/").content.decode()
    assert "先使用后付费 · 门槛费+收入提成" in html
    assert BADGE_TEXT not in html


def _page(client: Any, achievement: Any, user: Any = None) -> str:
    if user is not None:
        client.force_login(user)
    return client.get(f"/achievements/{achievement.pk}/").content.decode()


def test_the_public_sees_the_badge_and_is_asked_to_sign_in(client, offer, published_a):
    html = _page(client, published_a)
    assert BADGE_TEXT in html
    assert f'href="/licensing/offers/{offer.pk}/"' in html
    assert licensing_tags.WHY_SIGN_IN in html
    assert "inquiry-start" not in html


def test_an_enterprise_agent_starts_an_inquiry_from_the_achievement_page(
    client, offer, published_a, licensee_user
):
    html = _page(client, published_a, licensee_user)
    assert f'action="/licensing/offers/{offer.pk}/inquire/"' in html
    assert 'data-testid="inquiry-start"' in html
    response = client.post(f"/licensing/offers/{offer.pk}/inquire/", {"message": "希望承接"})
    inquiry = Inquiry.objects.get()
    assert response.url == f"/licensing/inquiries/{inquiry.pk}/"
    html = _page(client, published_a)
    assert f'href="/licensing/inquiries/{inquiry.pk}/" data-testid="inquiry-continue"' in html
    assert "inquiry-start" not in html


@pytest.mark.parametrize(
    ("who", "why"),
    [
        (
            "manager_b",
            "您以高等院校（昆明理工大学（测试））身份登录：只有企业（或其他经营主体）可以承接成果。",
        ),
        ("researcher", licensing_tags.WHY_NO_ROLE),
        ("pending", licensing_tags.WHY_NOT_APPROVED),
    ],
)
def test_who_cannot_inquire_is_told_why(
    client, offer, published_a, manager_b, make_user, make_org, enterprise, who, why
):
    users = {
        "manager_b": manager_b,
        "researcher": make_user("ent_researcher", enterprise, ["researcher"]),
        "pending": make_user(
            "pending_agent",
            make_org(name="待审企业", org_type="enterprise", status="pending"),
            ["licensee_staff"],
        ),
    }
    html = _page(client, published_a, users[who])
    assert f'<p class="small mb-0" data-testid="inquiry-why">{why}' in html
    assert "inquiry-start" not in html


def test_the_owner_unit_sees_no_inquiry_button(client, offer, published_a, manager_a):
    html = _page(client, published_a, manager_a)
    assert BADGE_TEXT in html
    assert "inquiry-start" not in html
    assert "inquiry-why" not in html


@pytest.fixture
def search_dir(settings: Any, tmp_path: Any) -> Any:
    settings.ZHUANHUA_SEARCH_DIR = str(tmp_path / "search")
    search_services._services.clear()
    yield
    search_services._services.clear()


def test_search_results_and_need_matches_show_the_badge(
    client, search_dir, offer, published_a, licensee_user
):
    html = client.get("/search/", {"q": published_a.title[:4]}).content.decode()
    assert 'data-testid="hit-achievement"' in html
    assert BADGE_TEXT in html
    need = need_create(
        user=licensee_user,
        data={
            "title": published_a.title,
            "description": published_a.summary,
            "keywords": list(published_a.keywords),
            "industry_field": published_a.industry_field,
            "indicators": "",
            "budget_amount": "500000",
            "fee_model": "royalty",
            "prefecture": "530100",
        },
    )
    need_transition(user=licensee_user, need=need, action="publish")
    html = client.get(f"/needs/{need.pk}/").content.decode()
    assert 'data-testid="match"' in html
    assert BADGE_TEXT in html


# --------------------------------------------------------------------------------------------
# The licensee's licence page: when the next report opens, and its form then


def test_next_report_opens_the_day_after_its_period_and_falls_due_30_days_later(
    active_licence, licensee_user
):
    before = todo.next_report(active_licence, dt.date(2025, 3, 20))
    assert before == todo.NextReport(
        dt.date(2025, 1, 1),
        dt.date(2025, 3, 31),
        dt.date(2025, 4, 1),
        dt.date(2025, 4, 30),
        is_open=False,
        is_late=False,
    )
    opened = todo.next_report(active_licence, dt.date(2025, 4, 1))
    assert (opened.is_open, opened.is_late) == (True, False)
    assert todo.next_report(active_licence, dt.date(2025, 5, 1)).is_late
    services.revenue_report_file(
        user=licensee_user,
        licence=active_licence,
        period_start="2025-01-01",
        revenue_amount="1000",
        reported_on="2025-04-10",
    )
    after = todo.next_report(active_licence, dt.date(2025, 4, 10))
    assert (after.period_start, after.opens_on, after.is_open) == (
        dt.date(2025, 4, 1),
        dt.date(2025, 7, 1),
        False,
    )


def test_the_licence_page_says_when_the_report_opens_and_offers_its_form(
    client, active_licence, licensee_user
):
    client.force_login(licensee_user)
    html = client.get(f"/licensing/licences/{active_licence.pk}/").content.decode()
    # Today the licence (2025–2026) has ended periods without reports: the form is offered.
    assert "2025-01-01 至 2025-03-31 的收入报告已开放报送，截止 2025-04-30" in html
    assert f'action="/licensing/licences/{active_licence.pk}/revenue-reports/"' in html
