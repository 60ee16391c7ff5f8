"""The home page's notices are links to their text (issue 21.5); a notice not public is not shown."""

import datetime as dt

from zhuanhua.core.models import Announcement


def test_home_notice_links_to_its_text(client, db):
    notice = Announcement.objects.create(
        title="关于申报2026年度成果转化奖补的通知",
        body="申报截止日期为6月30日。\n请通过平台提交。",
        published_on=dt.date(2026, 3, 1),
    )

    home = client.get("/").content.decode()
    page = client.get(f"/notices/{notice.pk}/")

    assert f'href="/notices/{notice.pk}/"' in home
    assert page.status_code == 200
    body = page.content.decode()
    assert "关于申报2026年度成果转化奖补的通知" in body
    assert "<p>申报截止日期为6月30日。<br>请通过平台提交。</p>" in body


def test_internal_notice_is_not_found(client, db):
    notice = Announcement.objects.create(
        title="内部通知", body="仅限内部。", published_on=dt.date(2026, 3, 1), is_public=False
    )

    assert client.get(f"/notices/{notice.pk}/").status_code == 404
