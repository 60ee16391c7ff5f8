"""Sending notifications: one call puts a message in each person's centre and e-mails it,
honouring their settings. Apps call `notify` explicitly from their services (no signals)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from zhuanhua.accounts.models import User
from zhuanhua.notifications.choices import NotificationKind
from zhuanhua.notifications.models import Notification, NotificationSettings


def _settings_for(user_ids: list[int]) -> dict[int, NotificationSettings]:
    return {s.user_id: s for s in NotificationSettings.objects.filter(user_id__in=user_ids)}


def notify(
    *,
    users: Iterable[Any],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    email: bool = True,
) -> list[Notification]:
    """Create a notification for each active user who has not muted `kind`, and e-mail those
    with an address who have not turned e-mail off for it. E-mail goes out after the caller's
    transaction commits, so a rolled-back action sends nothing."""
    if kind not in NotificationKind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    people = {u.pk: u for u in users if u is not None and u.is_active}
    prefs = _settings_for(list(people))
    created = []
    for user in people.values():
        pref = prefs.get(user.pk)
        if pref and kind in pref.muted_kinds:
            continue
        created.append(Notification(user=user, kind=kind, title=title[:200], body=body, url=url))
    Notification.objects.bulk_create(created)
    if email:
        recipients = [
            n
            for n in created
            if n.user.email
            and not (prefs.get(n.user_id) and kind in prefs[n.user_id].no_email_kinds)
        ]
        if recipients:
            transaction.on_commit(lambda: _email(recipients))
    return created


def _email(notifications: list[Notification]) -> None:
    link_base = getattr(settings, "ZHUANHUA_SITE_URL", "")
    for n in notifications:
        text = n.body + (f"\n\n{link_base}{n.url}" if n.url else "")
        send_mail(f"【转化平台】{n.title}", text, None, [n.user.email], fail_silently=True)
    Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(
        emailed_at=timezone.now()
    )


def notification_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all unread when ids is None); returns how many."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


def notification_settings_update(
    *, user: User, muted_kinds: list[str], no_email_kinds: list[str], weekly_digest: bool
) -> NotificationSettings:
    valid = set(NotificationKind.values)
    obj, _ = NotificationSettings.objects.update_or_create(
        user=user,
        defaults={
            "muted_kinds": sorted(set(muted_kinds) & valid),
            "no_email_kinds": sorted(set(no_email_kinds) & valid),
            "weekly_digest": weekly_digest,
        },
    )
    return obj


def weekly_digest(today: dt.date) -> dict[str, int]:
    """Daily job: on Mondays, e-mail each person who wants it a summary of unread messages of
    the past week. Runs once per Monday: a digest is marked by its date in `DigestSent`."""
    from django.contrib.auth import get_user_model

    from zhuanhua.notifications.models import DigestSent

    if today.weekday() != 0:
        return {"sent": 0}
    since = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=7), dt.time()))
    opted_out = set(
        NotificationSettings.objects.filter(weekly_digest=False).values_list("user_id", flat=True)
    )
    sent = 0
    users = (
        get_user_model()
        .objects.filter(
            is_active=True,
            notifications__read_at__isnull=True,
            notifications__created_at__gte=since,
        )
        .exclude(email="")
        .distinct()
    )
    for user in users:
        if user.pk in opted_out:
            continue
        _, created = DigestSent.objects.get_or_create(user=user, week_of=today)
        if not created:
            continue
        unread = list(
            Notification.objects.filter(user=user, read_at__isnull=True, created_at__gte=since)[:50]
        )
        lines = [f"· {n.get_kind_display()}：{n.title}" for n in unread]
        send_mail(
            "【转化平台】本周未读消息摘要", "\n".join(lines), None, [user.email], fail_silently=True
        )
        sent += 1
    return {"sent": sent}
