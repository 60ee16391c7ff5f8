"""Only the two parties (and department reviewers/auditors) see an inquiry and its licence."""

from __future__ import annotations

import pytest

from zhuanhua.licensing.models import Message, Payment, RevenueReport, TermVersion
from zhuanhua.licensing.tests.conftest import VERSION_TERMS, post_json


@pytest.fixture
def urls(licence):
    inquiry = licence.inquiry
    return {
        "pages": [f"/licensing/inquiries/{inquiry.pk}/", f"/licensing/licences/{licence.pk}/"],
        "api": [f"/api/licensing/inquiries/{inquiry.pk}", f"/api/licensing/licences/{licence.pk}"],
        "posts": [
            (f"/api/licensing/inquiries/{inquiry.pk}/messages", {"body": "插话"}),
            (f"/api/licensing/inquiries/{inquiry.pk}/versions", {"terms": VERSION_TERMS}),
            (f"/api/licensing/inquiries/{inquiry.pk}/versions/1/accept", {}),
            (
                f"/api/licensing/licences/{licence.pk}/payments",
                {"amount": "1", "paid_on": "2025-02-01"},
            ),
            (
                f"/api/licensing/licences/{licence.pk}/revenue-reports",
                {"period_start": "2025-01-01", "revenue_amount": "1"},
            ),
        ],
        "page_posts": [
            f"/licensing/inquiries/{inquiry.pk}/messages/",
            f"/licensing/inquiries/{inquiry.pk}/versions/",
            f"/licensing/inquiries/{inquiry.pk}/versions/1/accept/",
            f"/licensing/licences/{licence.pk}/payments/",
            f"/licensing/licences/{licence.pk}/revenue-reports/",
            f"/licensing/licences/{licence.pk}/activate/",
        ],
    }


def _counts():
    return (
        Message.objects.count(),
        TermVersion.objects.count(),
        Payment.objects.count(),
        RevenueReport.objects.count(),
    )


def test_a_third_organisation_gets_404_everywhere(client, urls, outsider, manager_b, licence):
    before = _counts()
    for user in (outsider, manager_b):
        client.force_login(user)
        for url in urls["pages"] + urls["api"]:
            assert client.get(url).status_code == 404, url
        for url, body in urls["posts"]:
            assert post_json(client, url, body).status_code == 404, url
        for url in urls["page_posts"]:
            assert client.post(url, {"body": "x", "amount": "1"}).status_code == 404, url
        assert client.get("/api/licensing/inquiries").json() == []
    assert _counts() == before
    licence.refresh_from_db()
    assert licence.status == "draft_contract"


def test_anonymous_gets_nothing(client, urls):
    for url in urls["pages"]:
        response = client.get(url)
        assert response.status_code == 302
        assert "/login" in response["Location"] or "login" in response["Location"]
    for url in urls["api"]:
        assert client.get(url).status_code == 401


def test_both_parties_see_inquiry_and_licence(
    client, urls, licensee_user, manager_a, make_user, enterprise
):
    colleague = make_user("colleague", enterprise, ["researcher"])  # reads, cannot act
    for user in (licensee_user, manager_a, colleague):
        client.force_login(user)
        for url in urls["pages"] + urls["api"]:
            assert client.get(url).status_code == 200, url
    client.force_login(colleague)
    assert post_json(client, urls["posts"][0][0], {"body": "hi"}).status_code == 403


def test_reviewers_and_auditors_read_but_do_not_act(client, urls, reviewer, auditor):
    before = _counts()
    for user in (reviewer, auditor):
        client.force_login(user)
        for url in urls["pages"] + urls["api"]:
            assert client.get(url).status_code == 200, url
        assert post_json(client, urls["posts"][0][0], {"body": "审核意见"}).status_code == 403
        assert post_json(client, *urls["posts"][3]).status_code == 403
    assert _counts() == before


def test_my_list_shows_only_my_inquiries_and_licences(client, licence, licensee_user, outsider):
    client.force_login(licensee_user)
    html = client.get("/licensing/").content.decode()
    assert html.count("一种固态储氢材料的制备方法") == 2  # the inquiry and the licence
    client.force_login(outsider)
    html = client.get("/licensing/").content.decode()
    assert "一种固态储氢材料的制备方法" not in html
    assert "暂无商洽" in html
