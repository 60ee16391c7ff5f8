"""Pages: public list and detail, the unit's create/publish/answer/close, the objection form."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from zhuanhua.publicity import services
from zhuanhua.publicity.models import Notice, Objection


@pytest.fixture
def live_notice(manager_a, price_data):
    """Published today, so the period is running on the real clock."""
    notice = services.notice_create(
        user=manager_a, data={**price_data, "starts_on": timezone.localdate()}
    )
    return services.notice_publish(user=manager_a, notice=notice)


def test_list_shows_public_notices_and_filters(client, open_notice, draft_notice):
    body = client.get(reverse("publicity:list")).content.decode()
    assert open_notice.title in body
    assert 'data-testid="notice-count">1<' in body
    filtered = client.get(reverse("publicity:list") + "?kind=unit_rules").content.decode()
    assert 'data-testid="notice-count">0<' in filtered


def test_detail_states_the_period_and_the_extension(client, open_notice):
    body = client.get(reverse("publicity:detail", args=[open_notice.pk])).content.decode()
    assert 'data-testid="ends-on">2025-10-09<' in body
    assert "是（期间届满日为法定休假日" in body
    assert "公示期已届满" in body
    assert "120,000.00 元" in body


def test_detail_counts_days_left(client, live_notice):
    left = (live_notice.ends_on - timezone.localdate()).days
    body = client.get(reverse("publicity:detail", args=[live_notice.pk])).content.decode()
    assert f"剩余 {left} 天" in body


def test_draft_is_hidden_from_the_public(client, draft_notice):
    assert client.get(reverse("publicity:detail", args=[draft_notice.pk])).status_code == 404


def test_unit_creates_a_notice_through_the_form(client, manager_a, published_a, enterprise):
    client.force_login(manager_a)
    start = timezone.localdate()
    response = client.post(
        reverse("publicity:create"),
        {
            "kind": "agreement_price",
            "title": "协议定价公示",
            "content": "拟许可。",
            "starts_on": start.isoformat(),
            "period_days": "15",
            "period_unit": "calendar",
            "achievement": str(published_a.pk),
            "licensee": str(enterprise.pk),
            "price_amount": "50000",
            "pricing_method": "agreement",
        },
    )
    notice = Notice.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("publicity:detail", args=[notice.pk])
    assert notice.ends_on == services.publicity_period_end(start, 15).ends_on

    client.post(reverse("publicity:publish", args=[notice.pk]))
    notice.refresh_from_db()
    assert notice.status == "published"


def test_form_shows_the_15_day_error(client, manager_a, published_a, enterprise):
    client.force_login(manager_a)
    response = client.post(
        reverse("publicity:create"),
        {
            "kind": "agreement_price",
            "title": "协议定价公示",
            "content": "拟许可。",
            "starts_on": timezone.localdate().isoformat(),
            "period_days": "10",
            "period_unit": "calendar",
            "achievement": str(published_a.pk),
            "licensee": str(enterprise.pk),
            "price_amount": "50000",
            "pricing_method": "agreement",
        },
    )
    assert response.status_code == 200
    assert services.ERR_AGREEMENT_DAYS in response.content.decode()
    assert Notice.objects.count() == 0


def test_create_page_is_forbidden_to_non_managers(client, outsider):
    client.force_login(outsider)
    assert client.get(reverse("publicity:create")).status_code == 403


def test_objection_answer_and_objector_visibility(
    client, live_notice, outsider, manager_a, reviewer
):
    client.force_login(outsider)
    response = client.post(
        reverse("publicity:objection_file", args=[live_notice.pk]), {"content": "价格明显偏低"}
    )
    assert response.status_code == 302
    objection = Objection.objects.get()

    client.force_login(manager_a)
    client.post(
        reverse("publicity:objection_answer", args=[objection.pk]), {"answer": "价格依据评估报告。"}
    )
    objection.refresh_from_db()
    assert objection.answer == "价格依据评估报告。"
    own = client.get(reverse("publicity:detail", args=[live_notice.pk])).content.decode()
    assert 'data-testid="objector">outsider（云南白药测试企业）<' in own

    client.force_login(reviewer)
    dept = client.get(reverse("publicity:detail", args=[live_notice.pk])).content.decode()
    assert 'data-testid="objector"' in dept

    client.logout()
    public = client.get(reverse("publicity:detail", args=[live_notice.pk])).content.decode()
    assert "价格明显偏低" in public
    assert "价格依据评估报告。" in public
    assert "outsider" not in public


def test_close_page_refuses_before_the_end(client, live_notice, manager_a):
    client.force_login(manager_a)
    response = client.post(reverse("publicity:close", args=[live_notice.pk]), follow=True)
    live_notice.refresh_from_db()
    assert live_notice.status == "published"
    assert f"公示期至 {live_notice.ends_on.isoformat()} 届满，届满前不能结束公示" in (
        response.content.decode()
    )


def test_close_page_closes_after_the_end(client, open_notice, manager_a):
    client.force_login(manager_a)
    response = client.post(
        reverse("publicity:close", args=[open_notice.pk]),
        {"note": "无异议，按公示价格签约。"},
        follow=True,
    )
    open_notice.refresh_from_db()
    assert open_notice.status == "closed_no_objection"
    assert open_notice.close_note == "无异议，按公示价格签约。"
    assert "公示已结束：公示结束（无异议）。" in response.content.decode()


def test_attachment_uploaded_with_the_draft_is_downloadable_once_public(
    client, manager_a, price_data
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    pdf = SimpleUploadedFile("评估报告.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    notice = services.notice_create(
        user=manager_a,
        upload=pdf,
        data={
            **price_data,
            "starts_on": timezone.localdate() + dt.timedelta(days=1),
        },
    )
    attachment = notice.attachments.get()
    url = reverse("publicity:attachment_download", args=[attachment.pk])
    assert client.get(url).status_code == 404  # draft
    services.notice_publish(user=manager_a, notice=notice)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_attachment_upload_on_a_draft_and_refused_once_published(client, manager_a, draft_notice):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(manager_a)
    url = reverse("publicity:attachment_upload", args=[draft_notice.pk])
    pdf = SimpleUploadedFile("决议.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    client.post(url, {"file": pdf})
    assert draft_notice.attachments.count() == 1

    services.notice_publish(user=manager_a, notice=draft_notice, today=draft_notice.starts_on)
    late = SimpleUploadedFile("补充.pdf", b"%PDF-1.4\n%late\n", content_type="application/pdf")
    response = client.post(url, {"file": late}, follow=True)
    assert "当前状态（公示中）不能执行该操作" in response.content.decode()
    assert draft_notice.attachments.count() == 1


def test_unit_edits_its_draft(client, manager_a, draft_notice, manager_b):
    url = reverse("publicity:edit", args=[draft_notice.pk])
    client.force_login(manager_b)
    assert client.get(url).status_code == 404

    client.force_login(manager_a)
    page = client.get(url).content.decode()
    assert draft_notice.title in page
    response = client.post(
        url,
        {
            "kind": "agreement_price",
            "title": "修改后的标题",
            "content": draft_notice.content,
            "starts_on": "2025-09-01",
            "period_days": "20",
            "period_unit": "calendar",
            "achievement": str(draft_notice.achievement_id),
            "licensee": str(draft_notice.licensee_id),
            "price_amount": "130000.50",
            "pricing_method": "auction",
        },
    )
    assert response.status_code == 302
    draft_notice.refresh_from_db()
    assert (draft_notice.title, draft_notice.period_days, draft_notice.pricing_method) == (
        "修改后的标题",
        20,
        "auction",
    )
    assert str(draft_notice.price_amount) == "130000.50"
    assert draft_notice.ends_on == dt.date(2025, 9, 22)  # 09-21 is a Sunday → Monday 09-22
