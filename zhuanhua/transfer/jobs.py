"""Daily jobs of the transfer app, run by `zhuanhua jobs run-due` (settings.ZHUANHUA_DAILY_JOBS)."""

from __future__ import annotations

import datetime as dt

from zhuanhua.transfer import services


def use_first_list_update(today: dt.date) -> dict[str, int]:
    """Move achievements onto / off the 先用后转 list and send the 90/30-day and joined notices.
    Idempotent: a second run on the same day changes nothing and sends nothing."""
    return services.use_first_list_update(today=today)
