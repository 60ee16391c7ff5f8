"""Daily job of the publicity app: close the notices whose period has ended.

Register as ``"zhuanhua.publicity.jobs.publicity_close_due"`` in ``ZHUANHUA_DAILY_JOBS``.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Count, Q

from zhuanhua.publicity.choices import NoticeStatus
from zhuanhua.publicity.models import Notice
from zhuanhua.publicity.services import notice_close_locked


def publicity_close_due(today: dt.date) -> dict[str, int]:
    """Close every published notice whose end date lies before ``today`` and whose objections
    are all answered (as the system, audited with no actor). A notice still waiting for an
    answer stays published and is counted in ``waiting``. Idempotent: a closed notice is no
    longer published, so a second run the same day closes nothing."""
    closed = 0
    waiting = 0
    due = (
        Notice.objects.filter(status=NoticeStatus.PUBLISHED, ends_on__lt=today)
        .annotate(unanswered=Count("objections", filter=Q(objections__answered_at__isnull=True)))
        .order_by("ends_on", "pk")
    )
    for notice in due:
        if notice.unanswered:
            waiting += 1
            continue
        with transaction.atomic():
            locked = Notice.objects.select_for_update().get(pk=notice.pk)
            # Re-checked under the lock: an objection may have arrived since the query.
            if (
                locked.status != NoticeStatus.PUBLISHED
                or locked.objections.filter(answered_at__isnull=True).exists()
            ):
                waiting += locked.status == NoticeStatus.PUBLISHED
                continue
            notice_close_locked(locked, user=None, today=today, note="")
            closed += 1
    return {"closed": closed, "waiting": waiting}
