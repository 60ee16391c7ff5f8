"""Reads of the transfer app: the public 先用后转 section and a unit's own list."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from zhuanhua.accounts import scope
from zhuanhua.accounts.models import User
from zhuanhua.achievements.choices import AchievementStatus, TransferStatus
from zhuanhua.achievements.models import Achievement
from zhuanhua.engines import transfer_deadline
from zhuanhua.organisations.choices import RESEARCH_UNIT_TYPES, OrganisationStatus
from zhuanhua.organisations.models import Organisation
from zhuanhua.transfer.choices import ReportStatus, RightsGrantKind, ShareHolderKind
from zhuanhua.transfer.models import (
    EquityContribution,
    EquityDecision,
    LedgerEntry,
    RightsGrant,
    RightsGrantApplication,
    TransferReminder,
    TransferReport,
    UseFirstListEntry,
)
from zhuanhua.transfer.services import joins_on_for


@dataclass
class UseFirstQuery:
    prefecture: str = ""
    industry_field: str = ""
    ip_type: str = ""


def use_first_public(query: UseFirstQuery | None = None) -> QuerySet[UseFirstListEntry]:
    """What the public sees: entries currently on the list whose achievement is published."""
    query = query or UseFirstQuery()
    qs = UseFirstListEntry.objects.filter(
        left_on__isnull=True, achievement__status=AchievementStatus.PUBLISHED
    )
    if query.prefecture:
        qs = qs.filter(achievement__prefecture=query.prefecture)
    if query.industry_field:
        qs = qs.filter(achievement__industry_field=query.industry_field)
    if query.ip_type:
        qs = qs.filter(achievement__ip_type=query.ip_type)
    return qs.select_related("achievement", "achievement__owner").order_by(
        "-joined_on", "-achievement_id"
    )


def _org_id(user: User) -> int | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return user.organisation_id


def use_first_mine(user: User) -> QuerySet[UseFirstListEntry]:
    """Every entry of the user's own unit, drafts included, current ones first."""
    org_id = _org_id(user)
    if org_id is None:
        return UseFirstListEntry.objects.none()
    return (
        UseFirstListEntry.objects.filter(achievement__owner_id=org_id)
        .select_related("achievement")
        .order_by("left_on", "-joined_on", "-id")
    )


@dataclass
class Upcoming:
    achievement: Achievement
    joins_on: dt.date
    days_left: int


def use_first_upcoming(user: User, today: dt.date, within_days: int = 90) -> list[Upcoming]:
    """The unit's untransferred achievements that will join the list within `within_days`."""
    org_id = _org_id(user)
    if org_id is None:
        return []
    candidates = Achievement.objects.filter(
        owner_id=org_id,
        fiscally_funded=True,
        is_applied_technology=True,
        ip_acquired_on__isnull=False,
        transfer_status=TransferStatus.UNTRANSFERRED,
        ip_acquired_on__lte=today + dt.timedelta(days=within_days) - dt.timedelta(days=2 * 365 - 2),
    )
    rows = []
    for achievement in candidates:
        joins = joins_on_for(achievement, None)
        if joins is None or transfer_deadline.on_list(joins, None, today):
            continue
        days = (joins - today).days
        if 0 < days <= within_days:
            rows.append(Upcoming(achievement=achievement, joins_on=joins, days_left=days))
    return sorted(rows, key=lambda r: (r.joins_on, r.achievement.pk))


def reminders_mine(user: User, limit: int = 50) -> QuerySet[TransferReminder]:
    """The in-app record of notices sent to the user's unit, newest first."""
    org_id = _org_id(user)
    if org_id is None:
        return TransferReminder.objects.none()
    return (
        TransferReminder.objects.filter(achievement__owner_id=org_id)
        .select_related("achievement")
        .order_by("-sent_on", "-id")[:limit]
    )


# --- 转化清单 -----------------------------------------------------------------------------------


def _can_supervise(user: User) -> bool:
    """Province-wide: the provincial department's reviewers, auditors, platform admins."""
    return bool(getattr(user, "is_authenticated", False)) and (
        user.is_reviewer or user.is_auditor or user.is_platform_admin
    )


def can_supervise_reports(user: User) -> bool:
    """The supervisor's side: the provincial department (every unit) and a supervising
    department's reviewers (主管部门, their own units only: measure 4)."""
    return _can_supervise(user) or (
        bool(getattr(user, "is_authenticated", False)) and scope.is_supervising_reviewer(user)
    )


def report_visible_to(user: User) -> QuerySet[TransferReport]:
    """A unit's members see its reports (drafts included); the provincial department sees every
    submitted one, a supervising department those submitted to it."""
    if not getattr(user, "is_authenticated", False):
        return TransferReport.objects.none()
    condition = Q(pk__in=[])
    if user.organisation_id:
        condition |= Q(organisation_id=user.organisation_id)
    if _can_supervise(user):
        condition |= Q(status=ReportStatus.SUBMITTED)
    elif scope.is_supervising_reviewer(user):
        condition |= Q(status=ReportStatus.SUBMITTED, supervisor_id=user.organisation_id)
    return TransferReport.objects.filter(condition).select_related("organisation", "supervisor")


def reports_to_receive(user: User) -> QuerySet[TransferReport]:
    """The queue: submitted reports this reviewer's department has not signed for yet."""
    if _can_supervise(user) and not scope.is_provincial_reviewer(user):
        return TransferReport.objects.none()  # auditors read, they do not sign
    qs = TransferReport.objects.filter(status=ReportStatus.SUBMITTED, received_at__isnull=True)
    if scope.is_provincial_reviewer(user):
        return qs.filter(supervisor__isnull=True).select_related("organisation")
    if scope.is_supervising_reviewer(user):
        return qs.filter(supervisor_id=user.organisation_id).select_related("organisation")
    return TransferReport.objects.none()


def reports_mine(user: User) -> QuerySet[TransferReport]:
    org_id = _org_id(user)
    if org_id is None:
        return TransferReport.objects.none()
    return TransferReport.objects.filter(organisation_id=org_id).order_by("-year", "-period_end")


@dataclass
class OverviewRow:
    organisation: Organisation
    report: TransferReport | None

    @property
    def submitted(self) -> bool:
        return self.report is not None


def report_overview(year: int, period_kind: str, user: User | None = None) -> list[OverviewRow]:
    """Every approved research unit and its submitted report for the period (None: not yet);
    for a supervising department's reviewer, only the units it supervises."""
    reports = TransferReport.objects.filter(
        year=year, period_kind=period_kind, status=ReportStatus.SUBMITTED
    )
    orgs = Organisation.objects.filter(
        org_type__in=RESEARCH_UNIT_TYPES, status=OrganisationStatus.APPROVED
    ).order_by("name", "pk")
    if user is not None and not _can_supervise(user):
        if not scope.is_supervising_reviewer(user):
            return []
        orgs = orgs.filter(supervisor_id=user.organisation_id)
        reports = reports.filter(supervisor_id=user.organisation_id)
    submitted = {r.organisation_id: r for r in reports}
    return [OverviewRow(organisation=o, report=submitted.get(o.pk)) for o in orgs]


# --- 赋权 ---------------------------------------------------------------------------------------


@dataclass
class Holder:
    name: str
    kind: str  # 单位 / 成果完成人
    right: str  # 所有权 / 共同所有权 / 长期使用权
    share: Decimal | None


def with_rights_grant_flag(qs: QuerySet[Achievement]) -> QuerySet[Achievement]:
    """Annotate `has_rights_grant`, so achievement_holders need not ask for a grant that most
    achievements never had (the public detail page)."""
    return qs.annotate(
        has_rights_grant=Exists(RightsGrant.objects.filter(achievement=OuterRef("pk")))
    )


def achievement_holders(
    achievement: Achievement,
    completers: list[Any] | None = None,
) -> tuple[RightsGrant | None, list[Holder]]:
    """Who holds the rights in an achievement now: the unit alone unless a grant says otherwise.
    `completers`: the achievement's completers when the caller has read them already."""
    grant = None
    if getattr(achievement, "has_rights_grant", True):
        grant = (
            achievement.rights_grants.prefetch_related("shares")
            .order_by("-granted_on", "-pk")
            .first()
        )
    owner = achievement.owner.name
    if grant is None:
        right = "所有权" if achievement.is_service else "所有权（非职务成果）"
        return None, [Holder(owner, "单位", right, Decimal("100.00"))]
    shares = list(grant.shares.all())
    shares_of_completers = [s for s in shares if s.holder_kind == ShareHolderKind.COMPLETER]
    names = [s.holder_name for s in shares_of_completers] or [
        c.name for c in (achievement.completers.all() if completers is None else completers)
    ]
    by_name = {s.holder_name: s.share for s in shares_of_completers}
    if grant.kind == RightsGrantKind.CO_OWNERSHIP:
        rows = [
            Holder(s.holder_name, s.get_holder_kind_display(), "共同所有权", s.share)
            for s in shares
        ]
    elif grant.kind == RightsGrantKind.ASSIGNMENT:
        rows = [Holder(n, "成果完成人", "所有权", by_name.get(n)) for n in names]
    else:
        rows = [Holder(owner, "单位", "所有权", Decimal("100.00"))]
        rows += [
            Holder(n, "成果完成人", f"长期使用权（{grant.use_years} 年）", by_name.get(n))
            for n in names
        ]
    return grant, rows


def grant_applications_for(user: User) -> QuerySet[RightsGrantApplication]:
    """A unit's editors see every application on its achievements; an applicant sees their own."""
    if not getattr(user, "is_authenticated", False):
        return RightsGrantApplication.objects.none()
    condition = Q(applicant_id=user.pk)
    if user.organisation_id and user.can_edit_achievements:
        condition |= Q(achievement__owner_id=user.organisation_id)
    return RightsGrantApplication.objects.filter(condition).select_related(
        "achievement", "applicant", "notice", "grant"
    )


# --- 单列管理 / 台账 -----------------------------------------------------------------------------


def ledger_entries_for(user: User) -> QuerySet[LedgerEntry]:
    """Only the user's own unit's ledger; another unit's entries do not exist for them (404)."""
    org_id = _org_id(user)
    if org_id is None:
        return LedgerEntry.objects.none()
    return LedgerEntry.objects.filter(organisation_id=org_id).select_related("achievement")


def ledger_contributions_for(user: User) -> QuerySet[EquityContribution]:
    org_id = _org_id(user)
    if org_id is None:
        return EquityContribution.objects.none()
    return EquityContribution.objects.filter(entry__organisation_id=org_id).select_related(
        "entry", "entry__achievement"
    )


def ledger_decisions_for(user: User) -> QuerySet[EquityDecision]:
    org_id = _org_id(user)
    if org_id is None:
        return EquityDecision.objects.none()
    return EquityDecision.objects.filter(contribution__entry__organisation_id=org_id)
