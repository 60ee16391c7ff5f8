"""The demo's disclosures (职务成果披露) and the completers' consent (guide art. 7(1)).

Through the services, so each step has its audit entry and notifications:

- disclosures of the two demo researchers (李晓东 at 云南大学, 杨海波 at 昆明理工大学) at every
  step: a draft, one waiting in the unit's queue, one overdue (submitted 45 days ago against the
  unit's 30 days), one returned with reasons, one accepted into a draft achievement (completers,
  shares and funding carried over), one declined; 昆明理工大学 sets its own 20-day deadline;
- consent requests: one where the completers agreed (the registered researcher on the platform,
  the others recorded offline by the unit), one with an objection the unit proceeded over with
  its written reason (and then published its offer), one still waiting for answers.

The units' earlier written consents for the registry's other published records — the ones the
licensing demo may list — are written as rows, like the bulk achievements, so the 先使用后付费
offers of `demo_processes` meet the publishing gate as they would in a unit that asked.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db.models import Exists, OuterRef
from django.utils import timezone

from zhuanhua.achievements import consent
from zhuanhua.achievements.choices import (
    AchievementStatus,
    ConsentAnswer,
    ConsentPurpose,
    TransferStatus,
)
from zhuanhua.achievements.models import (
    Achievement,
    Completer,
    CompleterConsent,
    ConsentRequest,
)
from zhuanhua.disclosures import services as disclosures
from zhuanhua.disclosures.models import Disclosure
from zhuanhua.licensing import services as licensing
from zhuanhua.organisations.choices import RESEARCH_UNIT_TYPES
from zhuanhua.organisations.models import Organisation

DISCLOSURES: tuple[dict[str, Any], ...] = (
    {
        "step": "draft",
        "who": "researcher1",
        "title": "基于无人机多光谱的高原咖啡病害早期识别方法",
        "summary": "利用无人机多光谱影像和轻量化模型识别咖啡叶锈病早期症状，适合普洱、保山咖啡产区。",
        "industry_field": "modern_agriculture",
        "completers": [{"name": "李晓东", "share": "70"}, {"name": "王珊", "share": "30"}],
        "funding_source": "fiscal",
        "funding_project": "云南省科技计划项目（重点研发）",
        "ip_status": "not_filed",
        "ip_plan": "拟申请发明专利一件",
        "readiness": 4,
        "commercial_contacts": "",
        "conflicts": "无",
    },
    {
        "step": "submitted",
        "who": "researcher1",
        "days_ago": 6,
        "title": "三七连作障碍土壤微生物修复菌剂",
        "summary": "复合功能菌剂改良三七连作土壤，田间试验出苗率提高 25%。",
        "industry_field": "modern_agriculture",
        "completers": [
            {"name": "李晓东", "share": "50", "employer": "云南大学"},
            {"name": "赵敏", "share": "30", "employer": "云南大学"},
            {"name": "杨林", "share": "20", "employer": "文山州农业科学院"},
        ],
        "funding_source": "fiscal",
        "funding_project": "国家自然科学基金地区科学基金项目",
        "ip_status": "filed",
        "ip_type": "patent",
        "ip_number": "CN202510123456.7",
        "ip_days_ago": 120,
        "ip_plan": "已提交发明专利申请，菌株已保藏",
        "readiness": 6,
        "commercial_contacts": "文山某三七种植合作社有意合作中试",
        "conflicts": "无",
    },
    {
        "step": "overdue",
        "who": "researcher2",
        "days_ago": 45,
        "title": "低品位锡矿高效浮选药剂",
        "summary": "新型组合捕收剂提高低品位锡矿浮选回收率约 6 个百分点。",
        "industry_field": "new_materials",
        "completers": [{"name": "杨海波", "share": "60"}, {"name": "段明", "share": "40"}],
        "funding_source": "enterprise",
        "funding_project": "企业委托项目（横向）",
        "ip_status": "secret",
        "ip_plan": "药剂配方作为技术秘密保护",
        "readiness": 7,
        "commercial_contacts": "个旧某选矿厂已试用",
        "conflicts": "本人未在该企业任职或持股",
    },
    {
        "step": "returned",
        "who": "researcher1",
        "days_ago": 12,
        "decided_days_ago": 3,
        "reason": "请补充田间试验数据，并核对完成人份额（王珊是否参与）。",
        "title": "滇池蓝藻水华预警模型",
        "summary": "基于多源监测数据的蓝藻水华 7 日预警模型。",
        "industry_field": "resources_environment",
        "completers": [{"name": "李晓东", "share": "100"}],
        "funding_source": "fiscal",
        "funding_project": "昆明市科技计划项目",
        "ip_status": "filed",
        "ip_type": "software_copyright",
        "ip_number": "2025SR0123456",
        "ip_days_ago": 60,
        "readiness": 5,
        "commercial_contacts": "",
        "conflicts": "无",
    },
    {
        "step": "accepted",
        "who": "researcher2",
        "days_ago": 20,
        "decided_days_ago": 8,
        "title": "高原型光伏组件积尘自清洁涂层",
        "summary": "超疏水自清洁涂层，降低高原光伏组件积尘损失约 4%。",
        "industry_field": "new_energy",
        "completers": [
            {"name": "杨海波", "share": "55", "employer": "昆明理工大学"},
            {"name": "孙蕾", "share": "45", "employer": "昆明理工大学"},
        ],
        "funding_source": "fiscal",
        "funding_project": "云南省重大科技专项计划",
        "ip_status": "granted",
        "ip_type": "patent",
        "ip_number": "ZL202310987654.3",
        "ip_days_ago": 200,
        "readiness": 6,
        "commercial_contacts": "省内两家光伏电站运营企业有意试用",
        "conflicts": "无",
    },
    {
        "step": "declined",
        "who": "researcher1",
        "days_ago": 30,
        "decided_days_ago": 16,
        "reason": "与本单位 2023 年已登记成果“高原湖泊水质在线监测装置”实质相同，不另行登记。",
        "title": "高原湖泊水质在线监测浮标",
        "summary": "低功耗水质在线监测浮标。",
        "industry_field": "resources_environment",
        "completers": [{"name": "李晓东", "share": "100"}],
        "funding_source": "own",
        "ip_status": "not_filed",
        "readiness": 5,
        "commercial_contacts": "",
        "conflicts": "无",
    },
)
MANAGERS = {"researcher1": "ynu_manager", "researcher2": "kust_manager"}


def _backdate(disclosure: Disclosure, days_ago: int, today: dt.date) -> None:
    """The submission happened ``days_ago`` (the service stamped it now)."""
    at = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(10)))
    Disclosure.objects.filter(pk=disclosure.pk).update(submitted_at=at, first_submitted_at=at)


def _disclosures(today: dt.date, users: dict[str, Any]) -> dict[str, Disclosure]:
    kust = users["kust_manager"].organisation
    disclosures.disclosure_setting_update(user=users["kust_manager"], unit=kust, review_days=20)
    made = {}
    for spec in DISCLOSURES:
        researcher, manager = users[spec["who"]], users[MANAGERS[spec["who"]]]
        data = {k: v for k, v in spec.items() if k not in {"step", "who", "days_ago", "reason"}}
        if "ip_days_ago" in spec:
            data["ip_date_on"] = today - dt.timedelta(days=spec["ip_days_ago"])
        d = disclosures.disclosure_create(user=researcher, data=data)
        if spec["step"] != "draft":
            days_ago = spec["days_ago"]
            d = disclosures.disclosure_submit(
                user=researcher, disclosure=d, today=today - dt.timedelta(days=days_ago)
            )
            _backdate(d, days_ago, today)
        if spec["step"] in {"returned", "accepted", "declined"}:
            decision = {"returned": "return", "accepted": "accept", "declined": "decline"}
            d = disclosures.disclosure_decide(
                user=manager,
                disclosure=d,
                decision=decision[spec["step"]],
                reason=spec.get("reason", ""),
                today=today - dt.timedelta(days=spec["decided_days_ago"]),
            )
        made[spec["step"]] = d
    return made


def _earlier_consents(orgs: dict[str, Organisation]) -> int:
    """Written consents units collected before (rows, like the bulk records): every completer
    agreed to a use-first-pay-later licence of each published, untransferred achievement of a
    research unit that has no request yet."""
    asked = ConsentRequest.objects.filter(
        achievement=OuterRef("pk"), purpose=ConsentPurpose.USE_FIRST_LICENCE
    )
    ids = list(
        Achievement.objects.filter(
            status=AchievementStatus.PUBLISHED,
            transfer_status=TransferStatus.UNTRANSFERRED,
            owner__org_type__in=RESEARCH_UNIT_TYPES,
            owner__in=orgs.values(),
        )
        .exclude(Exists(asked))
        .values_list("pk", flat=True)
    )
    requests = ConsentRequest.objects.bulk_create(
        ConsentRequest(
            achievement_id=pk,
            purpose=ConsentPurpose.USE_FIRST_LICENCE,
            note="成果登记时完成人书面同意以先使用后付费方式许可实施（单位线下征求）。",
        )
        for pk in ids
    )
    by_achievement = {r.achievement_id: r for r in requests}
    now = timezone.now()
    CompleterConsent.objects.bulk_create(
        CompleterConsent(
            request=by_achievement[c.achievement_id],
            completer=c,
            name=c.name,
            answer=ConsentAnswer.AGREE,
            recorded_offline=True,
            answered_at=now,
        )
        for c in Completer.objects.filter(achievement_id__in=ids)
    )
    return len(requests)


def _with_completer(owner: Organisation, name: str, status: str, skip: set[int]) -> Achievement:
    """An achievement of ``owner`` in ``status`` naming ``name`` among its completers (made one
    if none does, as the unit would when it corrects its record)."""
    qs = Achievement.objects.filter(owner=owner, status=status).exclude(pk__in=skip)
    found = qs.filter(completers__name=name).order_by("pk").first()
    if found is None:
        found = qs.order_by("pk").first()
        assert found is not None, f"{owner} has no {status} achievement"
        Completer.objects.create(achievement=found, name=name, order=9)
    return found


def _consents(today: dt.date, users: dict[str, Any], rng: random.Random) -> dict[str, int]:
    ynu_m, kust_m = users["ynu_manager"], users["kust_manager"]
    r1, r2 = users["researcher1"], users["researcher2"]
    used: set[int] = set()
    counts = {"agreed": 0, "overridden": 0, "waiting": 0}
    published = AchievementStatus.PUBLISHED
    if (
        Achievement.objects.filter(owner=ynu_m.organisation, status=published).count() < 2
        or not Achievement.objects.filter(owner=kust_m.organisation, status=published).exists()
    ):
        return counts  # a demo this small (--size 20) has no records of theirs to ask about

    # 1. all agreed: the researcher on the platform, the others offline
    a = _with_completer(ynu_m.organisation, r1.display_name, AchievementStatus.PUBLISHED, used)
    used.add(a.pk)
    req = consent.consent_request_open(
        user=ynu_m,
        achievement=a,
        purpose=ConsentPurpose.ASSIGNMENT,
        note="拟以协议定价方式向省内企业转让，价款一次性支付。",
    )
    for ans in req.answers.all():
        if ans.user_id == r1.pk:
            consent.consent_answer(user=r1, answer=ans, value=ConsentAnswer.AGREE)
        elif ans.user_id is None:
            consent.consent_record_offline(user=ynu_m, answer=ans, value=ConsentAnswer.AGREE)
    counts["agreed"] += 1

    # 2. an objection, the unit's written reason, then the offer
    b = _with_completer(kust_m.organisation, r2.display_name, AchievementStatus.PUBLISHED, used)
    used.add(b.pk)
    req = consent.consent_request_open(
        user=kust_m,
        achievement=b,
        purpose=ConsentPurpose.USE_FIRST_LICENCE,
        note="拟以先使用后付费方式普通许可省内中小微企业实施，首付 0 元，按销售额 4% 提成。",
    )
    for ans in req.answers.all():
        if ans.user_id == r2.pk:
            consent.consent_answer(
                user=r2,
                answer=ans,
                value=ConsentAnswer.OBJECT,
                reason="希望先完成中试再许可，以免首家企业实施效果不佳影响成果声誉。",
            )
        elif ans.user_id is None:
            consent.consent_record_offline(user=kust_m, answer=ans, value=ConsentAnswer.AGREE)
    consent.consent_override(
        user=kust_m,
        request=req,
        reason="经单位成果转化领导小组研究：许可合同约定被许可方承担中试，中试结果不影响提成，"
        "可尽早发挥成果效益；已向完成人说明并将中试进展定期告知。",
    )
    licensing.offer_publish(
        user=kust_m,
        achievement=b,
        data={
            "summary": f"“{b.title[:60]}”面向省内中小微企业先使用后付费普通许可，被许可方承担中试。",
            "fee_standard": "首付 0 元；按季度销售额的 4% 提成。",
            "fee_model": "royalty",
            "terms": {"upfront_fee": "0", "royalty": {"rate": "0.04", "period": "quarter"}},
            "license_mode": "non_exclusive",
            "term_months": 36,
            "field_of_use": "",
            "territory": "云南省",
        },
    )
    counts["overridden"] += 1

    # 3. waiting: asked before publication, one completer has not answered
    # (an achievement no demo listing uses: waiting answers would stop its publication)
    waiting = Achievement.objects.filter(
        owner=ynu_m.organisation,
        status__in=[AchievementStatus.SUBMITTED, AchievementStatus.DELISTED],
    ).exclude(pk__in=used)
    if waiting.exists():
        c = _with_completer(ynu_m.organisation, r1.display_name, waiting[0].status, used)
        purpose = ConsentPurpose.USE_FIRST_LICENCE
    else:
        c = _with_completer(ynu_m.organisation, r1.display_name, AchievementStatus.PUBLISHED, used)
        purpose = ConsentPurpose.EQUITY
    consent.consent_request_open(
        user=ynu_m,
        achievement=c,
        purpose=purpose,
        note="拟以该成果作价入股与省内企业共同设立公司，请各位完成人发表意见。"
        if purpose == ConsentPurpose.EQUITY
        else "成果发布后拟以先使用后付费方式许可，请各位完成人发表意见。",
    )
    counts["waiting"] += 1
    return counts


def load_disclosures(
    *,
    rng: random.Random,
    today: dt.date,
    orgs: dict[str, Organisation],
    users: dict[str, Any],
) -> dict[str, int]:
    """Disclosures at every step and consent requests in every state (see the module's
    docstring); call before the licensing demo publishes its offers."""
    made = _disclosures(today, users)
    counts = _consents(today, users, rng)
    counts["earlier_consents"] = _earlier_consents(orgs)
    counts["disclosures"] = len(made)
    return counts
