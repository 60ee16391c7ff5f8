"""A real agreement-price notice (协议定价公示) cleared for a licence: published, its 15-day period
run, closed with no objection — what signing a negotiated price requires (pricing.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from zhuanhua.publicity.models import Notice
from zhuanhua.publicity.services import notice_close, notice_create, notice_publish

NOTICE_START = dt.date(2024, 11, 1)


def clear_agreement_price(user: Any, licence: Any, *, start: dt.date = NOTICE_START) -> Notice:
    notice = notice_create(
        user=user,
        data={
            "kind": "agreement_price",
            "title": f"关于{licence.achievement.title}协议定价的公示",
            "content": "拟以协议定价方式许可使用，现予公示。",
            "starts_on": start,
            "period_days": 15,
            "achievement": licence.achievement,
            "licensee": licence.licensee,
            "price_amount": Decimal("120000.00"),
            "pricing_method": "agreement",
        },
    )
    notice = notice_publish(user=user, notice=notice, today=start)
    return notice_close(user=user, notice=notice, today=notice.ends_on + dt.timedelta(days=1))
