"""The weekly "new for you" digest (匹配推荐周报): a daily job that acts on Mondays only.

Each enterprise with published needs gets the best achievements published in the last 7 days
that match its needs; each research unit with published achievements gets the best needs
published in the last 7 days that match its achievements. One digest per organisation and week
(MatchDigestSent is unique per (organisation, week_on)); nothing new, nothing sent.

The index rebuild and the two weekly digests also run as background jobs on the task queue
(core/tasks.py; the page that started them polls their progress).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from zhuanhua.achievements.choices import AchievementStatus
from zhuanhua.achievements.models import Achievement
from zhuanhua.core.models import BackgroundJob
from zhuanhua.core.tasks import JobOutcome, Progress
from zhuanhua.needs.choices import NeedStatus
from zhuanhua.needs.models import TechnologyNeed
from zhuanhua.notifications.services import notify, weekly_digest
from zhuanhua.search.models import MatchDigestSent
from zhuanhua.search.services import get_service, index_rebuild

DIGEST_ITEMS = 5
MATCHES_PER_SOURCE = 20
TITLE_ENTERPRISE = "本周为您推荐的科技成果（{n} 项）"
TITLE_UNIT = "本周与您的成果匹配的技术需求（{n} 项）"


def _week_window(today: dt.date) -> tuple[Any, Any]:
    tz = timezone.get_current_timezone()
    end = timezone.make_aware(dt.datetime.combine(today, dt.time.min), tz)
    return end - dt.timedelta(days=7), end


def _best(pairs: list[tuple[float, Any, list[str]]]) -> list[tuple[float, Any, list[str]]]:
    best: dict[int, tuple[float, Any, list[str]]] = {}
    for score, obj, reasons in pairs:
        if obj.pk not in best or best[obj.pk][0] < score:
            best[obj.pk] = (score, obj, reasons)
    return sorted(best.values(), key=lambda item: (-item[0], item[1].pk))[:DIGEST_ITEMS]


def _send(
    org_id: int,
    week_on: dt.date,
    title: str,
    items: list[tuple[float, Any, list[str]]],
    url_of: Any,
) -> bool:
    lines = [f"· {obj.title}（{'；'.join(reasons[:3])}）" for _, obj, reasons in items]
    try:
        with transaction.atomic():
            MatchDigestSent.objects.create(
                organisation_id=org_id, week_on=week_on, items=len(items)
            )
            users = get_user_model().objects.filter(is_active=True, organisation_id=org_id)
            notify(
                users=users,
                kind="match_digest",
                title=title.format(n=len(items)),
                body="\n".join(lines),
                url=url_of(items[0][1]),
            )
    except IntegrityError:  # already sent this week (another run got there first)
        return False
    return True


def match_digest(today: dt.date | None = None) -> dict[str, int]:
    """Send the week's digests (Mondays only); the number of organisations notified."""
    today = today or timezone.localdate()
    sent = {"enterprises": 0, "units": 0}
    if today.weekday() != 0:
        return sent
    start, end = _week_window(today)
    already = set(
        MatchDigestSent.objects.filter(week_on=today).values_list("organisation_id", flat=True)
    )
    service = get_service()
    new_achievements = set(
        Achievement.objects.filter(
            status=AchievementStatus.PUBLISHED,
            published_at__gte=start,
            published_at__lt=end,
        ).values_list("pk", flat=True)
    )
    if new_achievements:
        by_org: dict[int, list[TechnologyNeed]] = {}
        for need in TechnologyNeed.objects.filter(status=NeedStatus.PUBLISHED).order_by("pk"):
            by_org.setdefault(need.owner_id, []).append(need)
        for org_id, needs in by_org.items():
            if org_id in already:
                continue
            pairs = [
                (m.score, m.object, m.reasons)
                for need in needs
                for m in service.match_for_need(need, MATCHES_PER_SOURCE)
                if m.object.pk in new_achievements and m.object.owner_id != org_id
            ]
            items = _best(pairs)
            if items and _send(
                org_id, today, TITLE_ENTERPRISE, items, lambda a: f"/achievements/{a.pk}/"
            ):
                sent["enterprises"] += 1
    new_needs = set(
        TechnologyNeed.objects.filter(
            status=NeedStatus.PUBLISHED,
            published_at__gte=start,
            published_at__lt=end,
        ).values_list("pk", flat=True)
    )
    if new_needs:
        by_unit: dict[int, list[Achievement]] = {}
        for a in Achievement.objects.filter(status=AchievementStatus.PUBLISHED).order_by("pk"):
            by_unit.setdefault(a.owner_id, []).append(a)
        for org_id, achievements in by_unit.items():
            if org_id in already:
                continue
            pairs = [
                (m.score, m.object, m.reasons)
                for a in achievements
                for m in service.match_for_achievement(a, MATCHES_PER_SOURCE)
                if m.object.pk in new_needs and m.object.owner_id != org_id
            ]
            items = _best(pairs)
            if items and _send(org_id, today, TITLE_UNIT, items, lambda n: f"/needs/{n.pk}/"):
                sent["units"] += 1
    return sent


def index_rebuild_job(job: BackgroundJob, progress: Progress) -> JobOutcome:
    """The search index rebuild as a background job (the platform admin's button, `zhuanhua
    search rebuild --queue`). The new index is written beside the old one and named current
    only when complete, so a failed rebuild leaves the old index in use."""
    progress(0, 0, "正在读取已发布的成果与需求")
    info = index_rebuild(on_progress=lambda done, total: progress(done, total))
    classifier = "领域分类器已训练" if info["classifier"] else "领域分类器未训练（标注文档不足）"
    return JobOutcome(
        message=f"检索索引已重建：{info['documents']} 条文档，{classifier}，用时 {info['seconds']} 秒"
    )


def weekly_digests_job(job: BackgroundJob, progress: Progress) -> JobOutcome:
    """The two Monday digests (unread-message e-mails, notifications.services.weekly_digest, and
    the match digest above) as one background job for the week of ``params["date"]`` (default:
    this week's Monday), in one transaction: a failure sends no digest record at all. Each digest
    is sent once per person or organisation and week, so a second run adds nothing."""
    day = dt.date.fromisoformat(job.params["date"]) if job.params.get("date") else None
    today = day or timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    progress(0, 2, "正在发送未读消息周摘要")
    with transaction.atomic():
        mails = weekly_digest(monday)
        progress(1, 2, "正在发送匹配推荐周报")
        matches = match_digest(monday)
    return JobOutcome(
        message=(
            f"{monday.isoformat()} 一周的周报已发送：未读消息摘要 {mails['sent']} 人，"
            f"匹配推荐 {matches['enterprises']} 家企业、{matches['units']} 家单位"
        )
    )
