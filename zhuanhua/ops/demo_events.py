"""Demo matchmaking events (对接活动) in every state: one held with meetings and intentions, two
open (one with registrations and proposed meetings), a draft and a cancelled one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from zhuanhua.accounts.choices import Role
from zhuanhua.accounts.models import User
from zhuanhua.achievements.choices import AchievementStatus
from zhuanhua.achievements.models import Achievement
from zhuanhua.events import services
from zhuanhua.events.models import MatchmakingEvent
from zhuanhua.events.services import EventInput, IntentionInput
from zhuanhua.needs.choices import NeedStatus
from zhuanhua.needs.models import TechnologyNeed
from zhuanhua.needs.selectors import matches_for_need
from zhuanhua.organisations.models import Organisation


def _agent(org: Organisation) -> User | None:
    people = User.objects.filter(organisation=org, is_active=True).order_by("id")
    return next((u for u in people if u.has_role(Role.LICENSEE_STAFF, Role.ORG_ADMIN)), None)


def _titled(words: tuple[str, ...], limit: int) -> list[int]:
    found: list[int] = []
    for word in words:
        found += Achievement.objects.filter(
            status=AchievementStatus.PUBLISHED, title__contains=word
        ).values_list("pk", flat=True)[:3]
    return list(dict.fromkeys(found))[:limit]


def _event(organiser: User, days: int, **fields: Any) -> MatchmakingEvent:
    today = timezone.localdate()
    return services.event_create(
        user=organiser,
        data=EventInput(
            held_on=today + dt.timedelta(days=days),
            registration_deadline=today + dt.timedelta(days=max(0, days - 3)),
            **fields,
        ),
    )


def _register(event: MatchmakingEvent, needs: list[TechnologyNeed]) -> list[TechnologyNeed]:
    registered = []
    for need in needs:
        agent = _agent(need.owner)
        if agent is not None:
            services.event_register(
                user=agent, event=event, need_ids=[need.pk], note="希望安排面谈"
            )
            registered.append(need)
    return registered


def load_events(*, users: dict[str, Any]) -> dict[str, int]:
    """Run through the services as the department and an agency would; a held event is made
    in the future and moved back to its day (the services refuse a past date, as they should)."""
    dept, agency = users["dept_reviewer"], users["tech_manager2"]
    needs = list(TechnologyNeed.objects.filter(status=NeedStatus.PUBLISHED).order_by("id"))
    matched = [
        m.object.pk for need in needs for m in matches_for_need(need, 3) if m.object is not None
    ]

    held = _event(
        dept,
        1,
        title="2026 年云南省科技成果路演（新能源与新材料专场）",
        kind="roadshow",
        description="围绕储氢、光伏、锡基与稀土材料，组织高校院所路演，邀请省内企业携需求对接。",
        place="昆明市呈贡区云南省科技创新园",
        prefecture="530100",
    )
    services.event_present(
        user=dept,
        event=held,
        achievement_ids=list(dict.fromkeys(matched[:6] + _titled(("储氢", "光伏", "锡"), 6))),
    )
    services.event_transition(user=dept, event=held, action="publish")
    attendees = _register(held, needs[:4])
    services.meetings_propose(user=dept, event=held)
    MatchmakingEvent.objects.filter(pk=held.pk).update(
        held_on=timezone.localdate() - dt.timedelta(days=40),
        registration_deadline=timezone.localdate() - dt.timedelta(days=43),
    )
    held.refresh_from_db()
    services.event_transition(
        user=dept,
        event=held,
        action="hold",
        text="12 项成果路演，到会企业 37 家，现场洽谈 21 场。",
    )
    presented = list(held.presented.values_list("achievement_id", flat=True))
    for n, need in enumerate(attendees[:3]):
        services.intention_record(
            user=dept,
            event=held,
            data=IntentionInput(
                achievement_id=presented[n % len(presented)],
                enterprise_id=need.owner_id,
                kind=("license", "joint_development", "assignment")[n],
                amount=(Decimal("300000"), None, Decimal("1200000"))[n],
                note="会后进入许可商洽" if n == 0 else "",
            ),
        )

    tea = _event(
        dept,
        20,
        title="高原特色农业（茶叶、咖啡、花卉）成果供需对接会",
        kind="matchmaking",
        description="面向普洱、保山、临沧的茶叶、咖啡加工企业和花卉企业，发布加工与种植技术成果。",
        place="普洱市思茅区普洱学院",
        prefecture="530800",
    )
    services.event_present(
        user=dept, event=tea, achievement_ids=_titled(("咖啡", "茶", "花卉", "鲜花"), 10)
    )
    services.event_transition(user=dept, event=tea, action="publish")
    _register(tea, needs[4:7] or needs[:2])
    services.meetings_propose(user=dept, event=tea)

    herbs = _event(
        agency,
        35,
        title="生物医药与中药材（三七、天麻）专场对接",
        kind="special",
        description="文山三七、昭通天麻种植加工技术成果专场，欢迎药企与合作社报名。",
        place="文山州文山市三七国际交易市场",
        prefecture="532600",
    )
    services.event_present(user=agency, event=herbs, achievement_ids=_titled(("三七", "天麻"), 8))
    services.event_transition(user=agency, event=herbs, action="publish")

    _event(
        agency,
        60,
        title="数字经济与智慧农业成果路演（筹备中）",
        kind="roadshow",
        description="筹备中：拟邀请大数据、物联网方向成果参加。",
        place="曲靖市麒麟区",
        prefecture="530300",
    )
    cancelled = _event(
        dept,
        15,
        title="有色金属新材料专场（原定红河州）",
        kind="special",
        description="锡基、铝基新材料成果专场。",
        place="红河州个旧市",
        prefecture="532500",
    )
    services.event_present(user=dept, event=cancelled, achievement_ids=_titled(("锡", "铝"), 4))
    services.event_transition(user=dept, event=cancelled, action="publish")
    services.event_transition(
        user=dept, event=cancelled, action="cancel", text="与省级展会时间冲突，延期另行通知。"
    )
    return {"events": MatchmakingEvent.objects.count(), "attendees": len(attendees)}


def events_delete(orgs: Any) -> None:
    """The demo organisations' events and what hangs on them (before needs and achievements)."""
    MatchmakingEvent.objects.filter(organiser__in=orgs).delete()
