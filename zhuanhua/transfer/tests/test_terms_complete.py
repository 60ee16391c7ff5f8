"""The unit confirms on /transfer/mine/ that use-first-pay-later terms are in place when a
licensing offer already exists for a listed achievement."""

from __future__ import annotations

import datetime as dt
from typing import Any

from zhuanhua.licensing.services import offer_publish
from zhuanhua.transfer.models import UseFirstListEntry

OFFER_DATA = {
    "summary": "许可中小微企业先使用后付费。",
    "fee_standard": "门槛费 0 元；按年度收入 3% 提成。",
    "fee_model": "royalty",
    "terms": {"upfront_fee": "0", "royalty": {"rate": "0.03", "period": "year"}},
    "license_mode": "non_exclusive",
    "term_months": 36,
}


def test_terms_complete_button(
    client: Any, published_a: Any, manager_a: Any, manager_b: Any
) -> None:
    # An offer published before the achievement joined the list (licensing marks the terms
    # itself when the offer comes after): the unit confirms them here.
    offer_publish(user=manager_a, achievement=published_a, data=dict(OFFER_DATA))
    UseFirstListEntry.objects.create(achievement=published_a, joined_on=dt.date(2025, 5, 11))
    client.force_login(manager_a)
    page = client.get("/transfer/mine/")
    assert b'data-testid="terms-complete"' in page.content

    client.force_login(manager_b)
    url = f"/transfer/mine/{published_a.pk}/terms-completed/"
    assert client.post(url).status_code == 404
    client.force_login(manager_a)
    assert client.post(url).status_code == 302
    entry = UseFirstListEntry.objects.get()
    assert entry.terms_completed_on is not None
    assert not entry.needs_terms
