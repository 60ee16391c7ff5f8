"""Demo 尽职免责 (exemption) cases and funded projects, walked through their services.

Two research units (云南大学 handled by ynu_manager, 云南省农业科学院 by yaas_manager) adopt and
publicise their rules — the exemption rules with time limits in working days — and hold cases in
every state: investigation (one within its limit, one overdue), concluded, internal publicity,
objections waiting for review, reviewed, decided (filed with the supervising department) and
closed. The department (dept_reviewer) registers funded projects with transfer duties: one
accepted by a panel with an enterprise expert and post-evaluated a year later, one accepted
recently with a duty still running, one that failed acceptance, one overdue duty with its
reminder, and an enterprise-led project under way. A past step is taken with ``today`` set to
its day where the service takes one; timestamps the services stamp "now" are moved back after.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.test.utils import override_settings
from django.utils import timezone

from zhuanhua.achievements.choices import TransferStatus
from zhuanhua.achievements.models import Achievement
from zhuanhua.exemption import services as ex
from zhuanhua.exemption.choices import RulesKind
from zhuanhua.exemption.models import (
    CaseRecord,
    CaseReview,
    ExemptionCase,
    MeetingMinutes,
    UnitRules,
)
from zhuanhua.licensing.models import Licence
from zhuanhua.organisations.models import Organisation
from zhuanhua.projects import services as pj
from zhuanhua.projects.jobs import project_duty_reminders
from zhuanhua.projects.models import FundedProject
from zhuanhua.publicity.choices import NoticeKind
from zhuanhua.publicity.models import Notice
from zhuanhua.publicity.services import notice_close, objection_file

DILIGENT = {
    "democratic_procedure": True,
    "reasonable_care": True,
    "supervision": True,
    "no_illegal_gain": True,
}
CHECKLISTS: dict[str, dict[str, Any]] = {
    "leader": {"diligence": DILIGENT, "grounds": ["7.7"]},
    "manager": {"diligence": DILIGENT, "grounds": ["8.4"]},
    "researcher": {"diligence": DILIGENT, "minor_fault": True},
}
# A manager who did not supervise: the evaluator recommends 不予免责.
UNSUPERVISED = {"diligence": {**DILIGENT, "supervision": False}, "grounds": ["8.4"]}

PANEL = [
    {"name": "杨光明", "employer": "云南大学", "enterprise": False},
    {"name": "李春华", "employer": "昆明理工大学", "enterprise": False},
    {"name": "王建军", "employer": "云南白药集团股份有限公司", "enterprise": True},
]


def _days(today: dt.date, n: int) -> dt.date:
    return today - dt.timedelta(days=n)


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10, 0), tzinfo=timezone.get_current_timezone())


def _links(unit: Organisation) -> dict[str, Any]:
    """The unit's own records a case points at (whatever the demo made for it)."""
    return {
        "achievement": Achievement.objects.filter(owner=unit).order_by("pk").first(),
        "licence": Licence.objects.filter(licensor=unit).order_by("pk").first(),
        "related_notice": Notice.objects.filter(publisher=unit)
        .exclude(kind__in=[NoticeKind.UNIT_RULES, NoticeKind.EXEMPTION_CONCLUSION])
        .order_by("pk")
        .first(),
    }


def _rules(handler: Any, today: dt.date, investigation: int, review: int) -> None:
    unit = handler.organisation.name
    adopted = _days(today, 200)
    for kind, title, limits in (
        (RulesKind.TRANSFER_RULES, f"{unit}科技成果转化管理办法", {}),
        (
            RulesKind.EXEMPTION_RULES,
            f"{unit}科技成果转化尽职免责实施细则（试行）",
            {"investigation_days": investigation, "review_days": review},
        ),
    ):
        rules = ex.rules_create(
            user=handler,
            data={
                "kind": kind,
                "title": title,
                "adopted_on": adopted,
                "adoption_record": f"{adopted.year} 年 {adopted.month} 月 {adopted.day} 日党委常委会"
                "审议通过，应到 11 人，"
                "实到 10 人，全票同意。",
                **limits,
            },
            today=adopted,
        )
        ex.rules_publicise(user=handler, rules=rules, starts_on=adopted, today=adopted)


def _open(
    handler: Any, title: str, kind: str, loss: str, links: dict[str, Any], opened: dt.date
) -> ExemptionCase:
    case = ex.case_create(
        user=handler,
        data={
            "title": title,
            "activity_kind": kind,
            "activity_description": f"{title}：按单位转化制度履行集体决策和公示程序后实施，"
            "后因市场变化未达预期收益。",
            "loss_amount": Decimal(loss),
            "loss_description": "约定收益未能全部收回，经审计确认损失。",
            "state_established": True,
            **links,
        },
    )
    ExemptionCase.objects.filter(pk=case.pk).update(created_at=_at(opened))
    return case


def _investigate(
    handler: Any, case: ExemptionCase, opened: dt.date, researcher: Any = None, decide: bool = True
) -> ExemptionCase:
    persons = [
        ex.person_add(
            user=handler,
            case=case,
            data={"role": "leader", "name": "陈立新", "position": "分管科研副校（院）长"},
        ),
        ex.person_add(
            user=handler,
            case=case,
            data={"role": "manager", "name": "李四海", "position": "科技成果转化中心主任"},
        ),
        ex.person_add(
            user=handler,
            case=case,
            data={"role": "researcher", "user": researcher}
            if researcher is not None
            else {"role": "researcher", "name": "王晓梅", "position": "项目负责人"},
        ),
    ]
    day = opened + dt.timedelta(days=3)
    ex.record_add(
        user=handler,
        case=case,
        data={
            "kind": "evidence",
            "title": "转化合同及价格确定材料",
            "content": "合同文本、挂牌交易记录、定价公示截图。",
        },
        today=day,
    )
    ex.record_add(
        user=handler,
        case=case,
        data={
            "kind": "hearing",
            "title": "对科技成果转化中心主任的谈话记录",
            "content": "说明了尽职调查、合同履约监督的情况。",
            "person": persons[1],
        },
        today=day,
    )
    ex.minutes_add(
        user=handler,
        case=case,
        data={"held_on": opened, "subject": "转化方案集体决策会议", "content": "审议转化方案。"},
        opinions=[
            {"person": persons[0], "stance": "oppose", "text": "市场风险较大，建议暂缓。"},
            {"speaker": "张主任", "stance": "agree", "text": "同意按方案实施。"},
        ],
        today=day,
    )
    if decide:
        for person in persons:
            person = ex.checklist_save(
                user=handler, person=person, checklist=CHECKLISTS[person.role]
            )
            ex.person_decide(user=handler, person=person, decision="exempt")
    return case


def _conclude(handler: Any, case: ExemptionCase, day: dt.date) -> ExemptionCase:
    case = ex.case_conclude(user=handler, case=case)
    ExemptionCase.objects.filter(pk=case.pk).update(concluded_at=_at(day))
    return case


def _publicise(handler: Any, case: ExemptionCase, day: dt.date) -> ExemptionCase:
    return ex.case_publicise(user=handler, case=case, starts_on=day, today=day)


def _object(objector: Any, case: ExemptionCase, day: dt.date) -> Any:
    case.refresh_from_db()
    assert case.notice is not None
    return objection_file(
        user=objector,
        notice=case.notice,
        content="决策会议上分管领导的反对意见是否已如实记录，请予复核。",
        today=day,
    )


def _review(handler: Any, case: ExemptionCase, objection: Any, day: dt.date) -> None:
    review = ex.review_record(
        user=handler,
        case=case,
        objection=objection,
        result="upheld",
        findings="调阅会议记录原件并询问参会人员，反对意见记录属实。",
        answer="经复核，会议记录载明其反对意见，维持原认定结论。",
    )
    CaseReview.objects.filter(pk=review.pk).update(reviewed_at=_at(day))


def _decide(handler: Any, case: ExemptionCase, day: dt.date) -> ExemptionCase:
    case.refresh_from_db()
    assert case.notice is not None
    notice_close(user=handler, notice=case.notice, today=day)
    case = ex.case_decide(
        user=handler,
        case=case,
        text="经集体研究，对本案当事人员予以免责；案卷报主管部门备案。",
        decided_on=day,
        today=day,
    )
    ExemptionCase.objects.filter(pk=case.pk).update(filed_at=_at(day))
    return case


def _cases_ynu(handler: Any, researcher: Any, today: dt.date) -> int:
    links = _links(handler.organisation)
    # Investigation within its limit (opened five days ago, nothing decided yet).
    opened = _days(today, 5)
    case = _open(handler, "某专利许可项目收益未达预期", "licence", "350000.00", links, opened)
    _investigate(handler, case, opened, researcher=researcher, decide=False)
    # Concluded, not yet publicised; one person not exempted (the evaluator agreed).
    opened = _days(today, 20)
    case = _open(
        handler,
        "某中试基地作价投资企业清算",
        "equity",
        "1200000.00",
        {**links, "licence": None},
        opened,
    )
    case = _investigate(handler, case, opened, decide=False)
    for person in case.persons.all():
        sheet = UNSUPERVISED if person.role == "manager" else CHECKLISTS[person.role]
        person = ex.checklist_save(user=handler, person=person, checklist=sheet)
        ex.person_decide(user=handler, person=person, decision=person.recommended)
    _conclude(handler, case, _days(today, 2))
    # In internal publicity (started two days ago, five working days).
    opened = _days(today, 30)
    case = _open(handler, "某植物提取技术转让价款未足额到账", "deal", "80000.00", links, opened)
    case = _conclude(handler, _investigate(handler, case, opened), _days(today, 3))
    _publicise(handler, case, _days(today, 2))
    # Two objections filed during the publicity: one reviewed, one waiting (its limit running).
    opened = _days(today, 40)
    case = _open(handler, "某新品种许可使用费减免", "licence", "60000.00", links, opened)
    case = _conclude(handler, _investigate(handler, case, opened), _days(today, 5))
    case = _publicise(handler, case, _days(today, 4))
    first = _object(researcher, case, _days(today, 3))
    _object(researcher, case, _days(today, 1))  # a second objection: one reviewed, one waiting
    _review(handler, case, first, _days(today, 2))
    # Objection reviewed; the final decision not yet made.
    opened = _days(today, 60)
    case = _open(handler, "某软件著作权转让后受让方违约", "deal", "150000.00", links, opened)
    case = _conclude(handler, _investigate(handler, case, opened), _days(today, 25))
    case = _publicise(handler, case, _days(today, 24))
    objection = _object(researcher, case, _days(today, 22))
    _review(handler, case, objection, _days(today, 18))
    # Decided (no objection) and filed with 教育厅.
    opened = _days(today, 90)
    case = _open(handler, "某检测方法许可被许可方停产", "licence", "420000.00", links, opened)
    case = _conclude(handler, _investigate(handler, case, opened), _days(today, 60))
    case = _publicise(handler, case, _days(today, 58))
    _decide(handler, case, _days(today, 45))
    # Closed: the effects (article 14) recorded.
    opened = _days(today, 150)
    case = _open(handler, "某成果作价入股公司注销", "disposal", "900000.00", links, opened)
    case = _conclude(handler, _investigate(handler, case, opened), _days(today, 120))
    case = _publicise(handler, case, _days(today, 118))
    case = _decide(handler, case, _days(today, 100))
    day = _days(today, 90)
    ex.case_record_effects(
        user=handler,
        case=case,
        text="当事人员年度考核、职称评审和评先评优不受影响；认定结论供审计、巡视巡察参考。",
        recorded_on=day,
        today=day,
    )
    ExemptionCase.objects.filter(pk=case.pk).update(closed_at=_at(day))
    return 7


def _cases_yaas(handler: Any, today: dt.date) -> int:
    links = _links(handler.organisation)
    # Investigation past the unit's 30-working-day limit.
    opened = _days(today, 75)
    case = _open(handler, "某杂交稻品种权转让后退货", "deal", "260000.00", links, opened)
    _investigate(handler, case, opened)
    # Decided and filed with the supervising department (省农业农村厅).
    opened = _days(today, 80)
    case = _open(handler, "某茶树新品种许可费未收回", "licence", "95000.00", links, opened)
    case = _conclude(handler, _investigate(handler, case, opened), _days(today, 50))
    case = _publicise(handler, case, _days(today, 48))
    _decide(handler, case, _days(today, 30))
    return 2


def _achievement(unit: Organisation, transferred: bool, skip: set[int]) -> Achievement | None:
    qs = Achievement.objects.filter(owner=unit).exclude(pk__in=skip).order_by("pk")
    if transferred:
        qs = qs.exclude(transfer_status=TransferStatus.UNTRANSFERRED)
    else:
        qs = qs.filter(transfer_status=TransferStatus.UNTRANSFERRED)
    found = qs.first()
    if found is not None:
        skip.add(found.pk)
    return found


def _project(
    dept: Any,
    *,
    code: str,
    title: str,
    lead: Organisation,
    start: dt.date,
    due: dt.date,
    amount: str,
    duties: list[pj.DutyInput],
    partners: tuple[Organisation, ...] = (),
    mode: str = "grant",
    enterprise_led: bool = False,
    produced: tuple[Achievement | None, ...] = (),
) -> FundedProject:
    project = pj.project_create(
        user=dept,
        data=pj.ProjectInput(
            programme="云南省重点研发计划",
            code=code,
            title=title,
            lead=lead,
            funding_amount=Decimal(amount),
            start_on=start,
            acceptance_due_on=due,
            funding_mode=mode,
            is_enterprise_led=enterprise_led,
            partners=partners,
            duties=duties,
        ),
    )
    for achievement in produced:
        if achievement is not None:
            pj.project_link_achievement(user=dept, project=project, achievement=achievement)
    return project


def _accept(
    dept: Any, project: FundedProject, day: dt.date, finding: str, passed: bool = True
) -> None:
    pj.project_accept(
        user=dept,
        project=project,
        accepted_on=day,
        acceptance=pj.AcceptanceInput(
            panel=PANEL,
            transfer_finding=finding,
            passed=passed,
            opinion="项目完成任务书规定的研究内容，企业专家认为成果具备产业化条件。"
            if passed
            else "转化义务未落实，技术合同未登记，专家组不同意通过验收，限期整改后重新申请。",
            transfer_notes="已按约定以许可方式转化。" if finding == "met" else "转化尚在洽谈中。",
            ip_count=3 if passed else 0,
            ip_notes="授权发明专利 2 件、软件著作权 1 件。" if passed else "",
            contracts_registered=1 if passed else 0,
            registration_notes="技术合同已在云南省技术市场认定登记。" if passed else "",
        ),
    )


def _projects(dept: Any, orgs: dict[str, Organisation], today: dt.date) -> int:
    ynu, kust, yaas = orgs["ynu"], orgs["kust"], orgs["yaas"]
    used: set[int] = set()
    # Accepted 400 days ago, duty met, post-evaluated a year later (优秀).
    done = _achievement(ynu, True, used)
    start = _days(today, 365 * 3)
    project = _project(
        dept,
        code="2023YFA-0001",
        title="高原特色植物活性成分提取与制剂关键技术",
        lead=ynu,
        partners=(kust,),
        start=start,
        due=_days(today, 420),
        amount="3000000.00",
        duties=[pj.DutyInput("验收前以转让或许可方式转化核心专利成果", _days(today, 430), done)],
        produced=(done,),
    )
    _accept(dept, project, _days(today, 400), "met")
    pj.project_post_evaluate(
        user=dept,
        project=project,
        evaluated_on=_days(today, 20),
        rating="excellent",
        transfer_progress="被许可企业已建成生产线，验收后新增销售收入约 1800 万元。",
        findings="转化成效显著，建议列入绩效评价加分项目。",
    )
    # Accepted recently (partly transferred), one duty met, one running; post-evaluation not due.
    met = _achievement(yaas, True, used)
    project = _project(
        dept,
        code="2024YFB-0002",
        title="抗旱杂交稻新品种选育与示范推广",
        lead=yaas,
        start=_days(today, 800),
        due=_days(today, 60),
        amount="1500000.00",
        mode="grant_plus_investment",
        duties=[
            pj.DutyInput("新品种权许可种业企业使用", _days(today, 70), met),
            pj.DutyInput("配套栽培技术转化 2 项", today + dt.timedelta(days=180), None, 2),
        ],
        produced=(met,),
    )
    _accept(dept, project, _days(today, 50), "partly")
    # Failed acceptance: nothing transferred.
    waiting = _achievement(kust, False, used)
    project = _project(
        dept,
        code="2023YFC-0003",
        title="锡基焊料低温钎焊工艺开发",
        lead=kust,
        start=_days(today, 900),
        due=_days(today, 40),
        amount="800000.00",
        duties=[pj.DutyInput("钎焊工艺技术转让企业", _days(today, 35), waiting)],
        produced=(waiting,),
    )
    _accept(dept, project, _days(today, 30), "not_met", passed=False)
    # Under way, a duty overdue and reminded (the daily job, run on the demo's day).
    late = _achievement(ynu, False, used)
    _project(
        dept,
        code="2024YFD-0004",
        title="滇池蓝藻资源化利用技术集成",
        lead=ynu,
        start=_days(today, 500),
        due=today + dt.timedelta(days=120),
        amount="1200000.00",
        duties=[pj.DutyInput("蓝藻制备有机肥技术许可企业实施", _days(today, 10), late)],
        produced=(late,),
    )
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        project_duty_reminders(today)  # the demo prints no mail
    # Enterprise-led, 先投后股, its duty not yet due.
    _project(
        dept,
        code="2025YFE-0005",
        title="高原湖泊水质智能监测装备研制",
        lead=orgs["dianchi_water"],
        partners=(ynu,),
        enterprise_led=True,
        mode="invest_then_equity",
        start=_days(today, 200),
        due=today + dt.timedelta(days=530),
        amount="2000000.00",
        duties=[pj.DutyInput("监测装备实现产业化销售", today + dt.timedelta(days=500))],
    )
    return 5


def load_exemption_projects(
    *, today: dt.date, orgs: dict[str, Organisation], users: dict[str, Any]
) -> dict[str, int]:
    """Rules, exemption cases and funded projects in every state (see the module doc)."""
    ynu_handler, yaas_handler = users["ynu_manager"], users["yaas_manager"]
    _rules(ynu_handler, today, investigation=60, review=15)
    _rules(yaas_handler, today, investigation=30, review=10)
    cases = _cases_ynu(ynu_handler, users["researcher1"], today)
    cases += _cases_yaas(yaas_handler, today)
    projects = _projects(users["dept_reviewer"], orgs, today)
    return {"cases": cases, "projects": projects}


def exemption_projects_delete(orgs: Any) -> None:
    """Remove the demo's cases, rules and projects (before the notices, achievements, users)."""
    CaseReview.objects.filter(case__unit__in=orgs).delete()
    MeetingMinutes.objects.filter(case__unit__in=orgs).delete()  # opinions name persons
    CaseRecord.objects.filter(case__unit__in=orgs).delete()
    ExemptionCase.objects.filter(unit__in=orgs).delete()
    UnitRules.objects.filter(unit__in=orgs).delete()
    ids = FundedProject.objects.filter(Q(lead__in=orgs) | Q(partners__in=orgs)).values_list(
        "pk", flat=True
    )
    FundedProject.objects.filter(pk__in=list(ids)).delete()
