"""Status texts that are true (issue 21.5): "公示期间未收到异议" only once the notice has closed,
and ending the investigation asks for confirmation first."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from zhuanhua.publicity.jobs import publicity_close_due


def test_no_objection_is_claimed_only_after_the_notice_closed(
    client: Any, handler_a: Any, in_publicity: Any
) -> None:
    client.force_login(handler_a)
    detail = reverse("exemption:detail", args=[in_publicity.pk])

    during = client.get(detail).content.decode()
    publicity_close_due(in_publicity.notice.ends_on + dt.timedelta(days=1))
    after = client.get(detail).content.decode()

    assert "公示期间，暂未收到异议。" in during
    assert "公示期间未收到异议。" not in during
    assert "公示期间未收到异议。" in after


def test_ending_the_investigation_asks_for_confirmation(
    client: Any, handler_a: Any, case: Any
) -> None:
    client.force_login(handler_a)

    html = client.get(reverse("exemption:detail", args=[case.pk])).content.decode()

    assert 'data-testid="conclude-confirm"' in html
    assert "确认结束调查？结束后：" in html


def test_units_internal_notice_is_in_its_publicity_list_and_nobody_elses(
    client: Any, handler_a: Any, handler_b: Any, in_publicity: Any
) -> None:
    title = in_publicity.notice.title

    client.force_login(handler_a)
    own = client.get(reverse("publicity:list")).content.decode()
    client.force_login(handler_b)
    other = client.get(reverse("publicity:list")).content.decode()
    client.logout()
    public = client.get(reverse("publicity:list")).content.decode()

    assert 'data-testid="internal-notices"' in own
    assert title in own
    assert title not in other
    assert title not in public
