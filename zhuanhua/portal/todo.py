"""The workbench's "需要处理": what really waits for this person, counted from every app they act
in — a reviewer's queues, a unit's returned records and drafts, each side's licensing steps — so
the panel never says "暂无待处理事项" while work waits (issue 19.3: 33 achievements did)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.urls import reverse

from zhuanhua.accounts import scope
from zhuanhua.accounts.models import User
from zhuanhua.achievements.choices import AchievementStatus
from zhuanhua.achievements.consent import consent_answers_for
from zhuanhua.achievements.models import Achievement
from zhuanhua.contracts import selectors as contract_selectors
from zhuanhua.contracts import services as contract_services
from zhuanhua.credit.selectors import referral_queue
from zhuanhua.disclosures.selectors import queue_count as disclosure_queue_count
from zhuanhua.exemption.selectors import filed_with_me
from zhuanhua.licensing import todo as licensing_todo
from zhuanhua.organisations.choices import OrganisationStatus
from zhuanhua.organisations.models import Organisation, SupervisorChange
from zhuanhua.publicity.choices import NoticeStatus
from zhuanhua.publicity.models import Notice, Objection
from zhuanhua.subsidies import selectors as subsidy_selectors
from zhuanhua.subsidies.selectors import is_reviewer as is_subsidy_reviewer
from zhuanhua.transfer.selectors import reports_to_receive


@dataclass(frozen=True)
class Waiting:
    """One line of "需要处理": what, how many, where to act."""

    label: str
    count: int
    url: str


def waiting_for(user: User, today: dt.date) -> list[Waiting]:
    items: list[tuple[str, int, str]] = []
    if user.is_reviewer:
        items += [
            (
                "成果待审核",
                Achievement.objects.filter(status=AchievementStatus.SUBMITTED).count(),
                "#review-queue",
            ),
            (
                "机构登记待审核",
                Organisation.objects.filter(status=OrganisationStatus.PENDING).count(),
                reverse("organisations:review_list"),
            ),
        ]
    if is_subsidy_reviewer(user) or subsidy_selectors.is_checker(user):
        items.append(
            (
                "奖补申请待初审" if subsidy_selectors.is_checker(user) else "奖补申请待审定或复核",
                subsidy_selectors.queue_of(user).count(),
                reverse("subsidies:applications") + "?status=queue",
            )
        )
    if subsidy_selectors.is_finance(user):
        items.append(
            (
                "奖补拨付清单待签核",
                subsidy_selectors.batches_to_sign(user).count(),
                reverse("subsidies:settlements"),
            )
        )
    if user.organisation_id is not None and user.can_edit_achievements:
        unanswered = Objection.objects.filter(notice=OuterRef("pk"), answered_at__isnull=True)
        items.append(
            (
                "公示异议待答复",
                Notice.objects.filter(publisher_id=user.organisation_id)
                .exclude(status=NoticeStatus.DRAFT)
                .filter(Exists(unanswered))
                .count(),
                reverse("publicity:list"),
            )
        )
    items.append(("职务成果披露待审核", disclosure_queue_count(user), reverse("disclosures:queue")))
    items.append(
        (
            "成果完成人意见征求待答复",
            consent_answers_for(user).filter(answer="pending").count(),
            reverse("achievements:consent_mine"),
        )
    )
    items += government_waiting(user)
    if contract_services.is_registrar_staff(user):
        items.append(
            (
                "技术合同待认定登记",
                contract_selectors.registrar_queue(user).count(),
                reverse("contracts:queue"),
            )
        )
    if contract_services.is_filing_reviewer(user):
        items.append(
            (
                "奖酬金分配方案待确认备案",
                contract_selectors.filing_queue(user).count(),
                reverse("contracts:plans"),
            )
        )
    if contract_services.can_submit(user):
        items.append(
            (
                "技术合同认定登记被退回",
                contract_selectors.returned_to(user).count(),
                reverse("contracts:list"),
            )
        )
    items += licensing_todo.waiting_for(user, today)
    return [Waiting(label, count, url) for label, count, url in items if count]


def government_waiting(user: User) -> list[tuple[str, int, str]]:
    """What waits for a supervising department or the provincial department (issue 24): reports
    to sign for, dossiers filed, credit referrals, supervisor changes to review."""
    items: list[tuple[str, int, str]] = []
    if not (scope.is_provincial_reviewer(user) or scope.is_supervising_reviewer(user)):
        return items
    items += [
        (
            "转化清单待签收",
            reports_to_receive(user).count(),
            reverse("transfer:report_overview"),
        ),
        (
            "尽职免责案卷备案",
            filed_with_me(user).filter(closed_at__isnull=True).count(),
            reverse("exemption:list"),
        ),
        ("诚信审查移送待处理", referral_queue(user=user).count(), reverse("credit:referrals")),
    ]
    if scope.is_provincial_reviewer(user):
        items.append(
            (
                "主管部门变更待审核",
                SupervisorChange.objects.filter(status=SupervisorChange.Status.PENDING).count(),
                reverse("organisations:supervisor_changes"),
            )
        )
    return items
