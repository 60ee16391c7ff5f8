"""Smoke tests of the site as a visitor meets it: home, the hall, the workbench, log-in and
uploads (portal sits on top, so its tests may drive every app)."""

import pytest

from zhuanhua.achievements import views
from zhuanhua.achievements.services import achievement_create, achievement_transition


def test_home_shows_counts_and_newest(client, published_a):
    body = client.get("/").content.decode()
    assert published_a.title in body
    assert 'data-testid="count-published">1<' in body


def test_hall_keyword_search_finds_chinese_keyword(client, published_a):
    response = client.get("/achievements/", {"q": "储氢"})
    assert published_a.title in response.content.decode()


def test_hall_filter_excludes_other_types(client, published_a):
    response = client.get("/achievements/", {"ip_type": "plant_variety"})
    assert published_a.title not in response.content.decode()


def test_hall_htmx_request_returns_partial(client, published_a):
    response = client.get("/achievements/", {"q": "储氢"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert published_a.title in body
    assert "<html" not in body


@pytest.mark.parametrize("query", ["😀😀", "！！？？", "x" * 5000, ""])
def test_hall_survives_odd_queries(client, published_a, query):
    assert client.get("/achievements/", {"q": query}).status_code == 200


def test_pages_carry_a_strict_csp_without_inline_scripts(client, db):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "<script>" not in response.content.decode()


def test_login_locks_out_after_repeated_failures(client, manager_a):
    for _ in range(5):
        client.post("/accounts/login/", {"username": "manager_a", "password": "wrong"})
    response = client.post(
        "/accounts/login/", {"username": "manager_a", "password": "zhuanhua-test-pw"}
    )
    assert "登录失败次数过多" in response.content.decode()


def test_login_and_workbench(client, manager_a, draft_a):
    response = client.post(
        "/accounts/login/", {"username": "manager_a", "password": "zhuanhua-test-pw"}
    )
    assert response.status_code == 302
    body = client.get("/workbench/").content.decode()
    assert draft_a.title in body


def test_reviewer_workbench_lists_submissions(client, draft_a, manager_a, reviewer):
    achievement_transition(user=manager_a, achievement=draft_a, action="submit")
    client.force_login(reviewer)
    assert draft_a.title in client.get("/workbench/").content.decode()


def test_attachment_with_mismatched_content_is_refused(client, draft_a, manager_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(manager_a)
    fake = SimpleUploadedFile("证书.pdf", b"this is not a pdf", content_type="application/pdf")
    client.post(f"/achievements/{draft_a.pk}/attachments/", {"file": fake})
    assert draft_a.attachments.count() == 0


def test_attachment_over_20mb_is_refused(client, draft_a, manager_a, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.ZHUANHUA_MAX_UPLOAD_BYTES = 1000
    client.force_login(manager_a)
    pdf = SimpleUploadedFile(
        "证书.pdf", b"%PDF-1.4\n" + b"0" * 2000, content_type="application/pdf"
    )
    response = client.post(f"/achievements/{draft_a.pk}/attachments/", {"file": pdf}, follow=True)
    assert "文件超过 20 MB 上限" in response.content.decode()
    assert draft_a.attachments.count() == 0


def test_attachment_is_served_only_to_those_who_may_see_it(client, draft_a, manager_a, manager_b):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(manager_a)
    pdf = SimpleUploadedFile("证书.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    client.post(f"/achievements/{draft_a.pk}/attachments/", {"file": pdf})
    attachment = draft_a.attachments.get()
    assert client.get(f"/achievements/attachments/{attachment.pk}/").status_code == 200
    client.force_login(manager_b)
    assert client.get(f"/achievements/attachments/{attachment.pk}/").status_code == 404


def test_search_matches_words_jieba_does_not_know(client, manager_a, reviewer, achievement_data):
    """An unknown word (脱氟) is found although jieba splits it differently in text and query."""
    achievement_data.update(title="磷石膏脱氟净化新工艺", keywords=["脱氟"])
    a = achievement_create(user=manager_a, data=achievement_data, completers=[{"name": "周八"}])
    achievement_transition(user=manager_a, achievement=a, action="submit")
    achievement_transition(user=reviewer, achievement=a, action="publish")
    assert a.title in client.get("/achievements/", {"q": "脱氟"}).content.decode()
    assert a.title in client.get("/achievements/", {"q": "磷石膏 净化"}).content.decode()
    assert a.title not in client.get("/achievements/", {"q": "脱硫"}).content.decode()


def test_hall_count_is_capped_for_broad_queries(client, published_a, monkeypatch):
    monkeypatch.setattr(views, "COUNT_CAP", 0)
    monkeypatch.setattr(views, "KEYWORD_COUNT_CAP", 0)
    # The database keyword path (no ranker); the ranked path's cap: search/tests.
    monkeypatch.setattr("zhuanhua.achievements.selectors.HALL_RANKERS", [])
    body = client.get("/achievements/").content.decode()
    assert 'data-testid="hall-count">0+<' in body
    assert published_a.title in body
    assert 'data-testid="hall-count">0+<' in client.get("/achievements/?q=储氢").content.decode()
