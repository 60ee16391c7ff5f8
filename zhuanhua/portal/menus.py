"""What a person may open, in one place (issue 21.1): every link of the header's menu and of the
workbench is an entry here with the predicate its view calls, so a link is shown exactly when
following it would not answer 403. A view that refuses by raising PermissionDenied is named
through `_passes`, so the same function decides both.

The workbench is made of jobs (an enterprise's, a research unit's, a reviewer's …): each job
is a group of entries with a predicate of its own, and a reviewer's queues carry their counts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from zhuanhua.accounts import scope
from zhuanhua.accounts.choices import Role
from zhuanhua.accounts.models import User
from zhuanhua.achievements.choices import AchievementStatus
from zhuanhua.achievements.models import Achievement
from zhuanhua.contracts import selectors as contract_selectors
from zhuanhua.contracts import services as contract_services
from zhuanhua.credit import selectors as credit_selectors
from zhuanhua.credit.choices import ReferralStatus
from zhuanhua.dashboards.selectors import check_department, own_dashboard_org
from zhuanhua.disclosures import selectors as disclosure_selectors
from zhuanhua.disclosures import services as disclosure_services
from zhuanhua.events.services import can_organise
from zhuanhua.exemption.selectors import filed_with_me, is_handler
from zhuanhua.licensing.services import is_cover_provider
from zhuanhua.needs.services import can_post_needs, can_respond
from zhuanhua.organisations.choices import OrganisationStatus, OrganisationType
from zhuanhua.organisations.models import Organisation, SupervisorChange
from zhuanhua.projects.selectors import can_see_performance
from zhuanhua.publicity.choices import NoticeStatus
from zhuanhua.publicity.models import Notice
from zhuanhua.publicity.services import is_publisher_staff
from zhuanhua.subsidies import selectors as subsidy_selectors
from zhuanhua.subsidies import services as subsidy_services
from zhuanhua.transfer.choices import GrantApplicationStatus
from zhuanhua.transfer.models import RightsGrantApplication
from zhuanhua.transfer.selectors import can_supervise_reports, reports_to_receive
from zhuanhua.vouchers import selectors as voucher_selectors
from zhuanhua.vouchers.services import is_voucher_reviewer

Predicate = Callable[[Any], bool]


def _passes(check: Callable[[Any], object]) -> Predicate:
    """A view's guard that raises PermissionDenied, read as a yes/no."""

    def may(user: Any) -> bool:
        try:
            check(user)
        except PermissionDenied:
            return False
        return True

    return may


def signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def anyone(_user: Any) -> bool:
    return True


def _org(user: Any) -> Organisation | None:
    return getattr(user, "organisation", None) if signed_in(user) else None


def publishes_achievements(user: Any) -> bool:
    """A research unit's (or state enterprise's) editor: the achievements views' own check
    (`can_edit_achievements`), narrowed to the organisations that own achievements — an
    enterprise licenses them, it does not register them."""
    org = _org(user)
    return bool(org is not None and org.is_research_unit and user.can_edit_achievements)


def in_research_unit(user: Any) -> bool:
    org = _org(user)
    return bool(org is not None and org.is_research_unit)


def in_enterprise(user: Any) -> bool:
    org = _org(user)
    return bool(org is not None and org.org_type == OrganisationType.ENTERPRISE)


def unit_handler(user: Any) -> bool:
    """尽职免责 and the unit's rules: the exemption views' handler, in a research unit."""
    return in_research_unit(user) and is_handler(user)


def department(user: Any) -> bool:
    return signed_in(user) and bool(user.is_reviewer or user.is_auditor or user.is_platform_admin)


def reviews_subsidies(user: Any) -> bool:
    return signed_in(user) and subsidy_selectors.is_reviewer(user)


def has_own_dashboard(user: Any) -> bool:
    return signed_in(user) and _passes(own_dashboard_org)(user)


def applies_for_subsidies(user: Any) -> bool:
    """An organisation's people file applications; the department reviews them."""
    org = _org(user)
    return org is not None and org.org_type != OrganisationType.DEPARTMENT


def needs_party(user: Any) -> bool:
    """Who posts needs (an enterprise's staff) or answers them (a unit's editors)."""
    return can_post_needs(user) or can_respond(user)


def venture_capital(user: Any) -> bool:
    org = _org(user)
    return bool(org is not None and org.org_type == OrganisationType.VENTURE_CAPITAL)


def park(user: Any) -> bool:
    org = _org(user)
    return bool(org is not None and org.org_type == OrganisationType.PARK_OR_ZONE)


def researcher(user: Any) -> bool:
    return in_research_unit(user) and user.has_role(Role.RESEARCHER)


def platform_admin(user: Any) -> bool:
    return signed_in(user) and bool(user.is_platform_admin)


def technology_manager(user: Any) -> bool:
    return signed_in(user) and user.has_role(Role.TECHNOLOGY_MANAGER)


@dataclass(frozen=True)
class Entry:
    """One link: its label, where it goes, who may follow it; a queue also counts."""

    key: str
    label: str | Promise
    url_name: str
    may: Predicate
    query: str = ""
    count: Callable[[Any], int] | None = None
    anchor: str = ""

    @property
    def url(self) -> str:
        query = f"?{self.query}" if self.query else ""
        return reverse(self.url_name) + query + (f"#{self.anchor}" if self.anchor else "")


@dataclass(frozen=True)
class Job:
    """A part of the workbench for one kind of work, shown to whom it concerns."""

    key: str
    title: str | Promise
    concerns: Predicate
    entries: tuple[Entry, ...] = field(default_factory=tuple)


# The header's 更多 menu, in its order; the divider falls before 诚信管理.
MORE: tuple[Entry, ...] = (
    Entry("whatif", _("奖补测算"), "subsidies:whatif", anyone),
    Entry("my_subsidies", _("我的奖补申请"), "subsidies:applications", applies_for_subsidies),
    Entry("subsidy_review", _("奖补申请审核"), "subsidies:applications", reviews_subsidies),
    Entry("my_needs", _("我的需求与回应"), "needs:mine", needs_party),
    Entry("need_create", _("发布技术需求"), "needs:create", can_post_needs),
    Entry("events", _("对接活动"), "events:list", anyone),
    Entry("event_create", _("举办对接活动"), "events:create", can_organise),
    Entry("directory", _("服务机构名录"), "directory:home", anyone),
    Entry("managers", _("技术经理人"), "directory:manager_list", anyone),
    Entry("requests", _("我的服务委托"), "directory:request_list", signed_in),
    Entry("projects", _("科技计划项目"), "projects:project_list", signed_in),
    Entry("performance", _("单位转化绩效评估"), "projects:performance", can_see_performance),
    Entry("revenue", _("中试平台服务收入"), "directory:revenue", department),
    Entry("credit", _("诚信管理"), "credit:list", anyone),
    Entry("vouchers", _("科技创新券"), "vouchers:ledger", signed_in),
    Entry("voucher_issue", _("发放创新券额度"), "vouchers:issue", is_voucher_reviewer),
    Entry("voucher_queue", _("创新券兑付审核"), "vouchers:queue", is_voucher_reviewer),
    Entry("open_data", _("数据公开"), "dashboards:public", anyone),
    Entry("jobs", _("后台任务"), "core:jobs", platform_admin),
)
MORE_DIVIDER_BEFORE = "credit"

HEADER_DASHBOARD = Entry(
    "department_dashboard", _("数据看板"), "dashboards:department", _passes(check_department)
)


def _count_submitted_achievements(_user: Any) -> int:
    return Achievement.objects.filter(status=AchievementStatus.SUBMITTED).count()


def _count_pending_organisations(_user: Any) -> int:
    return Organisation.objects.filter(status=OrganisationStatus.PENDING).count()


def _count_subsidy_applications(user: Any) -> int:
    """What waits for this reviewer: to decide, or to approve a second time (issue 24.2)."""
    return subsidy_selectors.queue_of(user).count()


def _count_subsidy_batches(user: Any) -> int:
    return subsidy_selectors.batches_to_sign(user).count()


def checks_subsidies(user: Any) -> bool:
    """A prefecture bureau's or supervising department's reviewer: the first check."""
    return signed_in(user) and subsidy_selectors.is_checker(user)


def signs_off_subsidies(user: Any) -> bool:
    """The finance department's reviewer: signs settlement lists off."""
    return signed_in(user) and subsidy_selectors.is_finance(user)


def keeps_investments(user: Any) -> bool:
    return signed_in(user) and subsidy_services.can_keep_investments(user)


def _count_transfer_reports(user: Any) -> int:
    """Reports submitted to this reviewer's department and not yet signed for (issue 24)."""
    return reports_to_receive(user).count()


def supervising(user: Any) -> bool:
    """A supervising department's reviewer (主管部门): its own units' reports, filings, referrals."""
    return signed_in(user) and scope.is_supervising_reviewer(user)


def _count_exemption_filings(user: Any) -> int:
    return filed_with_me(user).filter(closed_at__isnull=True).count()


def _count_supervisor_changes(_user: Any) -> int:
    return SupervisorChange.objects.filter(status=SupervisorChange.Status.PENDING).count()


def _count_open_referrals(user: Any) -> int:
    return credit_selectors.referral_queue(status=ReferralStatus.OPEN, user=user).count()


def _count_objections(_user: Any) -> int:
    """Notices in their period that have received objections not yet answered."""
    return (
        Notice.objects.exclude(status=NoticeStatus.DRAFT)
        .filter(objections__answered_at__isnull=True)
        .distinct()
        .count()
    )


def _count_voucher_claims(_user: Any) -> int:
    return voucher_selectors.voucher_queue().count()


def _count_grant_applications(user: Any) -> int:
    return RightsGrantApplication.objects.filter(
        achievement__owner_id=user.organisation_id, status=GrantApplicationStatus.SUBMITTED
    ).count()


REVIEW_QUEUES: tuple[Entry, ...] = (
    Entry(
        "q_achievements",
        _("成果发布审核"),
        "core:workbench",
        lambda u: signed_in(u) and u.is_reviewer,
        count=_count_submitted_achievements,
        anchor="review-queue",
    ),
    Entry(
        "q_organisations",
        _("机构登记审核"),
        "organisations:review_list",
        lambda u: signed_in(u) and u.is_reviewer,
        count=_count_pending_organisations,
    ),
    Entry(
        "q_subsidies",
        _("奖补申请审核"),
        "subsidies:applications",
        reviews_subsidies,
        query="status=queue",
        count=_count_subsidy_applications,
    ),
    Entry(
        "q_reports",
        _("转化清单（年报）报送"),
        "transfer:report_overview",
        can_supervise_reports,
        count=_count_transfer_reports,
    ),
    Entry(
        "q_referrals",
        _("诚信审查移送"),
        "credit:referrals",
        credit_selectors.can_see_all,
        count=_count_open_referrals,
    ),
    Entry(
        "q_supervisor_changes",
        _("主管部门变更审核"),
        "organisations:supervisor_changes",
        lambda u: signed_in(u) and u.is_reviewer,
        count=_count_supervisor_changes,
    ),
    Entry(
        "q_objections",
        _("公示异议待答复"),
        "publicity:list",
        lambda u: signed_in(u) and u.is_reviewer,
        count=_count_objections,
    ),
    Entry(
        "q_vouchers",
        _("创新券兑付审核"),
        "vouchers:queue",
        is_voucher_reviewer,
        count=_count_voucher_claims,
    ),
)

JOBS: tuple[Job, ...] = (
    Job(
        "review",
        _("审核队列"),
        lambda u: signed_in(u) and (u.is_reviewer or u.is_auditor),
        REVIEW_QUEUES,
    ),
    Job(
        "supervise",
        _("监管与统计"),
        department,
        (
            Entry("dept_dashboard", _("数据看板"), "dashboards:department", department),
            Entry("exemption_all", _("尽职免责案件"), "exemption:list", department),
            Entry(
                "pilots",
                _("单列管理试点单位"),
                "transfer:pilots",
                lambda u: signed_in(u) and u.is_reviewer,
            ),
            Entry("budget", _("奖补预算执行"), "subsidies:budget", subsidy_selectors.is_reader),
            Entry(
                "settlements",
                _("奖补结算拨付"),
                "subsidies:settlements",
                subsidy_selectors.is_reader,
            ),
            Entry("performance_all", _("单位转化绩效评估"), "projects:performance", department),
            Entry("revenue_all", _("中试平台服务收入"), "directory:revenue", department),
            Entry("credit_all", _("诚信管理"), "credit:list", department),
        ),
    ),
    Job(
        "subsidy_government",
        _("奖补初审与财政签核"),
        lambda u: checks_subsidies(u) or signs_off_subsidies(u),
        (
            Entry(
                "q_subsidy_checks",
                _("奖补申请初审"),
                "subsidies:applications",
                checks_subsidies,
                query="status=queue",
                count=_count_subsidy_applications,
            ),
            Entry(
                "local_measures_bureau",
                _("本地奖补措施"),
                "subsidies:local_measures",
                _passes(subsidy_services.can_author_local),
            ),
            Entry(
                "q_subsidy_signoff",
                _("拨付清单待签核"),
                "subsidies:settlements",
                signs_off_subsidies,
                count=_count_subsidy_batches,
            ),
        ),
    ),
    Job(
        "unit",
        _("成果与转化"),
        in_research_unit,
        (
            Entry("create", _("登记新成果"), "achievements:create", publishes_achievements),
            Entry("import", _("Excel 批量导入"), "achievements:import", publishes_achievements),
            Entry(
                "export",
                _("导出本单位成果"),
                "achievements:export",
                publishes_achievements,
                query="scope=mine",
            ),
            Entry("use_first", _("本单位先用后转清单"), "transfer:mine", in_research_unit),
            Entry("licences_unit", _("许可与洽谈"), "licensing:mine", in_research_unit),
            Entry("respond", _("回应技术需求"), "needs:hall", can_respond),
            Entry("notice_create", _("发布公示"), "publicity:create", is_publisher_staff),
            Entry("reports", _("科技成果转化清单（年报）"), "transfer:reports", in_research_unit),
            Entry("supervisor", _("主管部门"), "organisations:supervisor", in_research_unit),
            Entry(
                "grants",
                _("职务成果赋权申请"),
                "transfer:grants",
                in_research_unit,
                count=_count_grant_applications,
            ),
            Entry("ledger", _("单列管理台账"), "transfer:ledger", in_research_unit),
            Entry(
                "disclosure_queue",
                _("披露审核"),
                "disclosures:queue",
                _passes(disclosure_services.check_unit_manager),
                count=disclosure_selectors.queue_count,
            ),
            Entry("exemption", _("尽职免责案件"), "exemption:list", unit_handler),
            Entry("rules", _("单位转化与免责制度"), "exemption:rules", unit_handler),
            Entry("unit_dashboard", _("本机构看板"), "dashboards:mine", has_own_dashboard),
        ),
    ),
    Job(
        "enterprise",
        _("企业事务"),
        in_enterprise,
        (
            Entry("my_needs_e", _("我的需求与回应"), "needs:mine", in_enterprise),
            Entry("need_create_e", _("发布技术需求"), "needs:create", can_post_needs),
            Entry("offers", _("找先使用后付费成果"), "licensing:offer_list", in_enterprise),
            Entry("events_e", _("对接活动报名"), "events:list", in_enterprise),
            Entry("licences_e", _("我的许可、询价与报告"), "licensing:mine", in_enterprise),
            Entry("vouchers_e", _("科技创新券"), "vouchers:ledger", in_enterprise),
            Entry(
                "subsidies_e", _("我的奖补申请"), "subsidies:applications", applies_for_subsidies
            ),
            Entry("e_dashboard", _("本企业看板"), "dashboards:mine", has_own_dashboard),
        ),
    ),
    Job(
        "broker",
        _("技术经纪"),
        technology_manager,
        (
            Entry("broker_deals", _("经纪的许可与洽谈"), "licensing:mine", technology_manager),
            Entry("broker_requests", _("服务委托"), "directory:request_list", technology_manager),
            Entry("broker_needs", _("需求大厅"), "needs:hall", technology_manager),
            Entry("broker_events", _("对接活动"), "events:list", technology_manager),
            Entry(
                "broker_managers", _("技术经理人名录"), "directory:manager_list", technology_manager
            ),
        ),
    ),
    Job(
        "supervising",
        _("主管部门"),
        supervising,
        (
            Entry(
                "s_reports",
                _("所属单位转化清单"),
                "transfer:report_overview",
                supervising,
                count=_count_transfer_reports,
            ),
            Entry(
                "s_exemption",
                _("尽职免责案卷备案"),
                "exemption:list",
                supervising,
                count=_count_exemption_filings,
            ),
            Entry(
                "s_referrals",
                _("诚信审查移送"),
                "credit:referrals",
                supervising,
                count=_count_open_referrals,
            ),
        ),
    ),
    Job(
        "researcher",
        _("科研人员"),
        researcher,
        (
            Entry("r_grants", _("职务成果赋权申请"), "transfer:grants", researcher),
            Entry(
                "r_disclosures",
                _("我的披露"),
                "disclosures:mine",
                _passes(disclosure_services.check_researcher),
            ),
            Entry("r_consent", _("我的意见征求"), "achievements:consent_mine", researcher),
            Entry("r_hall", _("成果大厅"), "achievements:hall", researcher),
        ),
    ),
    Job(
        "cover",
        _("担保与保险（风险分担）"),
        is_cover_provider,
        (
            Entry("covers", _("承保与理赔"), "licensing:covers", is_cover_provider),
            Entry("cover_licences", _("许可合同"), "licensing:mine", is_cover_provider),
        ),
    ),
    Job(
        "investor",
        _("创业投资"),
        venture_capital,
        (
            Entry("vc_hall", _("成果大厅"), "achievements:hall", venture_capital),
            Entry("vc_offers", _("先使用后付费成果"), "licensing:offer_list", venture_capital),
            Entry("vc_use_first", _("先用后转清单"), "transfer:use_first", venture_capital),
            Entry("vc_open_data", _("数据公开"), "dashboards:public", venture_capital),
            Entry("vc_investments", _("创业投资台账"), "subsidies:investments", keeps_investments),
            Entry(
                "vc_subsidies", _("投资风险补助申请"), "subsidies:applications", keeps_investments
            ),
        ),
    ),
    Job(
        "park",
        _("园区服务"),
        park,
        (
            Entry("park_catalogue", _("奖补政策（含本地措施）"), "subsidies:catalogue", park),
            Entry("park_needs", _("需求大厅"), "needs:hall", park),
            Entry("park_events", _("举办对接活动"), "events:create", can_organise),
            Entry("park_directory", _("服务机构名录"), "directory:home", park),
            Entry("park_open_data", _("数据公开"), "dashboards:public", park),
        ),
    ),
)


def _count_registrations(user: Any) -> int:
    return contract_selectors.registrar_queue(user).count()


def _count_plan_filings(user: Any) -> int:
    return contract_selectors.filing_queue(user).count()


def contract_party(user: Any) -> bool:
    """A unit's or an enterprise's people who submit technology contracts or file reward plans."""
    return contract_services.can_submit(user) or contract_services.can_file_plans(user)


# Technology contracts (issue 23.4–5): the submitter's, the registrar's and the filing body's.
JOBS += (
    Job(
        "contracts",
        _("技术合同与奖酬金"),
        contract_party,
        (
            Entry(
                "contracts", _("技术合同认定登记"), "contracts:list", contract_services.can_submit
            ),
            Entry(
                "contract_submit",
                _("提交技术合同"),
                "contracts:submit",
                contract_services.can_submit,
            ),
            Entry(
                "plans",
                _("奖酬金分配方案备案"),
                "contracts:plans",
                contract_services.can_file_plans,
            ),
        ),
    ),
    Job(
        "registrar",
        _("技术合同登记"),
        contract_services.is_registrar_staff,
        (
            Entry(
                "registrar_queue",
                _("认定登记队列"),
                "contracts:queue",
                contract_services.is_registrar_staff,
                count=_count_registrations,
            ),
            Entry(
                "registrar_contracts",
                _("已受理的技术合同"),
                "contracts:list",
                contract_services.is_registrar_staff,
            ),
        ),
    ),
    Job(
        "plan_filings",
        _("奖酬金分配方案备案"),
        contract_services.is_filing_reviewer,
        (
            Entry(
                "plan_filings_queue",
                _("待确认备案的分配方案"),
                "contracts:plans",
                contract_services.is_filing_reviewer,
                count=_count_plan_filings,
            ),
        ),
    ),
)


def visible(user: Any, entries: Iterable[Entry]) -> list[Entry]:
    return [entry for entry in entries if entry.may(user)]


@dataclass(frozen=True)
class Shown:
    entry: Entry
    count: int | None


@dataclass(frozen=True)
class ShownJob:
    job: Job
    entries: list[Shown]


def workbench_jobs(user: User) -> list[ShownJob]:
    """The jobs that concern this person, with the entries they may open (and queue counts)."""
    shown = []
    for job in JOBS:
        if not job.concerns(user):
            continue
        entries = [
            Shown(entry, entry.count(user) if entry.count else None)
            for entry in visible(user, job.entries)
        ]
        if entries:
            shown.append(ShownJob(job, entries))
    return shown


@dataclass(frozen=True)
class HeaderMenu:
    """The header's links for this person, and the key its cached fragment is stored under."""

    more: list[Entry]
    dashboard: Entry | None
    divider_before: str = MORE_DIVIDER_BEFORE

    @property
    def cache_key(self) -> str:
        keys = [entry.key for entry in self.more]
        if self.dashboard:
            keys.append(self.dashboard.key)
        return ",".join(keys)


def header_menu(user: Any) -> HeaderMenu:
    return HeaderMenu(
        more=visible(user, MORE),
        dashboard=HEADER_DASHBOARD if HEADER_DASHBOARD.may(user) else None,
    )
