"""Demo service directory, innovation vouchers, rights grants and credit records, all through the
services (so the audit chain is right):

- directory: three service providers with offers (one offer withdrawn), technology managers
  (two with accounts, one without) with certificates, a training base with courses and hours,
  service requests requested, accepted, delivered, declined and cancelled;
- vouchers: this year's quotas of two technology enterprises, spends on an accepted and a
  delivered service request and on a registered licence; the delivered one claimed and
  redeemed, the licence's claimed and waiting for review;
- transfer: 赋权 applications submitted, blocked (negative list), rejected and granted (with
  shares and its publicity notice), a long-term-use grant, a 单列管理 pilot unit with its ledger;
- credit: a 失信 record in force, one expired and one revoked on appeal, each heard and evidenced.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q

from zhuanhua.accounts.choices import Role
from zhuanhua.accounts.models import User
from zhuanhua.achievements.choices import AchievementStatus
from zhuanhua.achievements.models import Achievement
from zhuanhua.credit import services as credit
from zhuanhua.credit.models import CreditEvent
from zhuanhua.directory import services as directory
from zhuanhua.directory.models import (
    Attendance,
    Course,
    ServiceProvider,
    ServiceRequest,
    TechnologyManager,
    TrainingBase,
)
from zhuanhua.organisations.models import Organisation, SupervisorChange
from zhuanhua.transfer import services as transfer
from zhuanhua.transfer.models import (
    LedgerEntry,
    RightsGrant,
    RightsGrantApplication,
    SeparateManagementPilot,
    TransferReport,
)
from zhuanhua.vouchers import services as vouchers
from zhuanhua.vouchers.models import VoucherQuota, VoucherSpend

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
LICENCE_SUBJECT = "licensing.licence"
# Enterprises with a 失信 record: in force, expired, revoked on appeal.
CREDIT_PARTIES = ("hh_pomegranate", "zt_apple", "bs_coffee")


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _admin(orgs: dict[str, Organisation], key: str, password: str) -> User:
    """An organisation admin of ``key`` made for this part (same password, not printed); deleted
    with the demo's organisations' people."""
    org = orgs[key]
    user, _ = get_user_model().objects.get_or_create(
        username=f"{key}_svcadmin",
        defaults={
            "display_name": f"{org.contact_name or org.name[:4]}（机构管理员）",
            "password": password,
            "email": f"{key}_svcadmin@demo.zhuanhua.local",
            "organisation": org,
            "roles": [str(Role.ORG_ADMIN)],
        },
    )
    return user


# ------------------------------------------------------------------------------ directory


def _directory(today: dt.date, orgs: dict[str, Organisation], users: dict[str, Any]) -> dict:
    day = lambda n: today - dt.timedelta(days=n)  # noqa: E731
    dianke_admin = users["tech_manager2"]  # 机构管理员 of 滇科技术转移
    ttc_admin = _admin(orgs, "kust_ttc", dianke_admin.password)
    cangshan_admin = _admin(orgs, "cangshan_tt", dianke_admin.password)
    dianke = directory.provider_create(
        user=dianke_admin,
        data={
            "kind": "transfer_agency",
            "name": orgs["dianke_tt"].name,
            "introduction": "提供技术经纪、成果评价、知识产权运营和对接活动组织服务。",
            "capacity": "专职技术经理人 12 名",
            "contact_name": dianke_admin.display_name,
            "contact_phone": "0871-65123456",
            "location": "昆明市五华区",
            "prefecture": "530100",
        },
    )
    ttc = directory.provider_create(
        user=ttc_admin,
        data={
            "kind": "proof_of_concept_center",
            "name": "昆明理工大学概念验证中心",
            "introduction": "面向高校早期成果开展技术可行性与市场可行性验证，提供样机试制。",
            "capacity": "年验证项目 30 项",
            "contact_name": "张静怡",
            "contact_phone": "0871-65920000",
            "location": "昆明市呈贡区",
            "prefecture": "530100",
        },
    )
    enclave = directory.provider_create(
        user=cangshan_admin,
        data={
            "kind": "incubator",
            "is_enclave": True,
            "name": "苍洱科技企业孵化器（上海飞地）",
            "introduction": "在上海设立的省外“飞地”孵化器，承接云南企业研发团队入驻孵化。",
            "capacity": "孵化工位 80 个",
            "contact_name": "李苍洱",
            "contact_phone": "13988001122",
            "location": "上海市闵行区",
        },
    )
    offer = lambda user, provider, category, title, price: directory.offer_create(  # noqa: E731
        user=user,
        provider=provider,
        data={
            "category": category,
            "title": title,
            "description": f"{title}：需求诊断、方案制定、过程服务与成果交付。",
            "price": price,
        },
    )
    brokerage = offer(dianke_admin, dianke, "brokerage", "技术转移经纪服务", "按成交额 3% 收费")
    ip = offer(dianke_admin, dianke, "ip", "专利导航与知识产权运营", "每项 2 万元起")
    old = offer(dianke_admin, dianke, "other", "科技成果评价（旧版）", "每项 1.5 万元")
    directory.offer_set_active(user=dianke_admin, offer=old, is_active=False)
    concept = offer(ttc_admin, ttc, "concept_verification", "概念验证与样机试制", "每项 8 万元起")
    incubate = offer(cangshan_admin, enclave, "incubation", "飞地孵化入驻服务", "工位 800 元/月")

    firm = users["firm_staff"]  # 昆明滇池水务科技有限公司
    ask = lambda o, text: directory.request_create(user=firm, offer=o, description=text)  # noqa: E731
    ask(brokerage, "寻找高原湖泊底泥资源化利用技术的许可方，并协助谈判许可条款。")  # 待受理
    accepted = directory.request_accept(
        user=ttc_admin,
        request=ask(concept, "一体化污水处理装置新型填料的概念验证与样机试制。"),
        contract_amount="80000",
        contract_signed_on=day(20),
    )
    delivered = directory.request_accept(
        user=dianke_admin,
        request=ask(ip, "围绕膜生物反应器技术开展专利导航，形成专利布局建议。"),
        contract_amount="60000",
        contract_signed_on=day(90),
    )
    delivered = directory.request_deliver(
        user=dianke_admin,
        request=delivered,
        delivered_on=day(30),
        note="已交付专利导航报告一份、专利布局建议一份。",
    )
    directory.request_decline(
        user=cangshan_admin,
        request=ask(incubate, "研发团队 5 人拟入驻上海飞地孵化器。"),
        reason="本期工位已满，请于下季度重新申请。",
    )
    directory.request_cancel(
        user=firm, request=ask(brokerage, "委托寻找污泥干化技术（已另行解决，撤回）。")
    )

    # Technology managers: two with their accounts, one registered by the employer.
    m1 = directory.manager_register(
        user=users["tech_manager1"],
        data={
            "level": "intermediate",
            "fields": ["new_materials", "advanced_manufacturing"],
            "introduction": "从事高校成果转化 8 年，擅长材料领域成果评价与许可谈判。",
            "contact_phone": "13888100001",
        },
    )
    m2 = directory.manager_register(
        user=dianke_admin,
        data={
            "level": "senior",
            "fields": ["biomedicine", "modern_agriculture"],
            "introduction": "高级技术经理人，主持生物医药与高原特色农业成果对接。",
            "contact_phone": "13888100002",
        },
    )
    m3 = directory.manager_register(
        user=dianke_admin,
        employer=orgs["dianke_tt"],
        data={
            "name": "王建国",
            "level": "junior",
            "fields": ["electronic_information"],
            "introduction": "初级技术经理人，负责电子信息领域需求挖掘。",
            "contact_phone": "13888100003",
        },
    )
    for manager, number, editor in (
        (m1, "JSJL-2023-0117", users["tech_manager1"]),
        (m2, "JSJL-2021-0042", dianke_admin),
    ):
        directory.certificate_add(
            user=editor,
            manager=manager,
            data={
                "name": "技术经理人能力评价证书",
                "number": number,
                "issuer": "中国科学技术交流中心",
                "issued_on": day(400),
            },
        )
    base = directory.training_base_create(
        user=users["dept_reviewer"],
        organisation=orgs["dianke_tt"],
        data={
            "name": "云南省技术经理人培养基地（滇科）",
            "introduction": "开展初级、中级、高级技术经理人培训与实训。",
            "is_national": True,
        },
    )
    courses = [
        directory.course_create(
            user=dianke_admin,
            base=base,
            data={
                "title": title,
                "starts_on": day(start),
                "ends_on": day(start - 2),
                "hours": hours,
                "is_practical": practical,
                "location": "昆明市五华区",
            },
        )
        for title, start, hours, practical in (
            ("技术经理人初级培训班（2026 春季）", 120, "32", False),
            ("成果转化实务与许可谈判实训", 60, "16", True),
            ("技术经理人中级研修班（报名中）", -20, "40", False),
        )
    ]
    for course, manager, hours, passed in (
        (courses[0], m1, None, True),
        (courses[0], m3, None, True),
        (courses[1], m1, None, True),
        (courses[1], m2, "12", True),
        (courses[1], m3, "8", False),
    ):
        directory.attendance_record(
            user=dianke_admin, course=course, manager=manager, hours=hours, passed=passed
        )
    return {"providers": 3, "accepted": accepted, "delivered": delivered}


# ------------------------------------------------------------------------------ vouchers


def _vouchers(
    today: dt.date, orgs: dict[str, Organisation], users: dict[str, Any], found: dict
) -> int:
    dept, firm, dianke_admin = users["dept_reviewer"], users["firm_staff"], users["tech_manager2"]
    vouchers.voucher_quota_issue(
        user=dept, enterprise=orgs["dianchi_water"], year=today.year, note="2026 年度创新券额度"
    )
    vouchers.voucher_quota_issue(
        user=dept,
        enterprise=orgs["yunzhi_soft"],
        year=today.year,
        issued_amount="100000",
        note="2026 年度创新券额度（首批）",
    )
    spends = 0
    # An accepted request paid in part (spent, not yet claimed: the service is not delivered).
    directory.request_pay_with_vouchers(
        user=firm, request=found["accepted"], voucher_amount="25000", year=today.year
    )
    # A delivered request: paid, claimed by the provider, redeemed by the department.
    spend = directory.request_pay_with_vouchers(
        user=firm, request=found["delivered"], voucher_amount="20000", year=today.year
    )
    spend = directory.request_claim_vouchers(
        user=dianke_admin,
        request=found["delivered"],
        spend=spend,
        contract_file=_pdf("service-contract.pdf"),
        invoice_file=_pdf("invoice.pdf"),
        payment_file=_pdf("payment.pdf"),
        invoice_number="53012600012345",
    )
    vouchers.voucher_redemption_decide(user=dept, spend=spend, approve=True)
    spends += 2
    # A registered licence of the enterprise (when the processes signed one): claimed, in review.
    licence = next(
        (
            s
            for s, used in vouchers.voucher_subject_choices(orgs["dianchi_water"])
            if s.subject_type == LICENCE_SUBJECT and used == 0
        ),
        None,
    )
    if licence is not None:
        amount = min(Decimal("20000"), vouchers.contract_limit(licence.contract_amount))
        spend = vouchers.voucher_spend(
            enterprise=orgs["dianchi_water"],
            subject_type=licence.subject_type,
            subject_id=licence.subject_id,
            voucher_amount=amount,
            user=firm,
            year=today.year,
        )
        claimant = (
            User.objects.filter(organisation=licence.counterparty, is_active=True)
            .order_by("id")
            .first()
        )
        if claimant is not None:
            vouchers.voucher_redemption_claim(
                user=claimant,
                spend=spend,
                contract_file=_pdf("licence-contract.pdf"),
                invoice_file=_pdf("licence-invoice.pdf"),
                payment_file=_pdf("licence-payment.pdf"),
                invoice_number="53012600067890",
            )
        spends += 1
    return spends


# ------------------------------------------------------------------------------ rights grants


def _service_achievements(org: Organisation, completer: str) -> list[Achievement]:
    """Published service achievements of ``org`` naming ``completer``, not yet granted."""
    return list(
        Achievement.objects.filter(
            owner=org,
            status=AchievementStatus.PUBLISHED,
            is_service=True,
            completers__name=completer,
            rights_grants__isnull=True,
        )
        .distinct()
        .order_by("pk")[:6]
    )


def _rights(today: dt.date, orgs: dict[str, Organisation], users: dict[str, Any]) -> dict:
    researcher, editor = users["researcher1"], users["ynu_manager"]
    name = researcher.display_name
    found = _service_achievements(orgs["ynu"], name)
    counts = {"applications": 0, "grants": 0, "ledger": 0}
    shares = [
        {"holder_kind": "unit", "holder_name": "", "share": "30"},
        {"holder_kind": "completer", "holder_name": name, "share": "70"},
    ]
    decisions: tuple[tuple[str, bool, str], ...] = (
        ("", True, "经审查不属于负面清单，同意赋予共同所有权。"),  # granted, notice published
        ("national_security", False, ""),  # blocked by the negative list
        ("", False, "该成果已列入本单位与企业合作转化计划，暂不赋权。"),  # rejected
        ("", False, ""),  # left submitted, waiting for the unit
    )
    for achievement, (category, approve, reason) in zip(found, decisions, strict=False):
        application = transfer.grant_application_create(
            user=researcher,
            achievement=achievement,
            kind="co_ownership",
            statement="本人为该成果第一完成人，拟自行组建团队转化，申请赋予团队 70% 所有权。",
            shares=shares,
        )
        counts["applications"] += 1
        if category or approve or reason:
            transfer.grant_application_decide(
                user=editor,
                application=application,
                negative_list_category=category,
                approve=approve,
                reason=reason,
                today=today,
            )
            counts["grants"] += int(approve and not category)
    rest = found[len(decisions) :]
    if rest:  # a long-term-use grant recorded by the unit directly, two months ago
        transfer.rights_grant_create(
            user=editor,
            achievement=rest[0],
            kind="long_term_use",
            negative_list_category="",
            use_years=10,
            granted_on=today - dt.timedelta(days=60),
            note="赋予完成人团队 10 年长期使用权（单位决议 2026-03 号）。",
        )
        counts["grants"] += 1
    # 单列管理: the department puts the university in the pilot; the unit keeps its ledger.
    transfer.pilot_add(
        user=users["dept_reviewer"],
        organisation=orgs["ynu"],
        joined_on=today - dt.timedelta(days=200),
        note="2026 年职务科技成果单列管理试点单位",
    )
    ledgered = Achievement.objects.filter(
        owner=orgs["ynu"], status=AchievementStatus.PUBLISHED
    ).order_by("pk")[:4]
    for n, achievement in enumerate(ledgered):
        transfer.ledger_entry_create(
            user=editor,
            achievement=achievement,
            entered_on=today - dt.timedelta(days=150 - 30 * n),
            note="纳入单列管理台账，不纳入国有资产保值增值考核。",
        )
        counts["ledger"] += 1
    return counts


# ------------------------------------------------------------------------------ credit


def _credit(today: dt.date, orgs: dict[str, Organisation], users: dict[str, Any]) -> int:
    dept = users["dept_reviewer"]
    day = lambda n: today - dt.timedelta(days=n)  # noqa: E731
    specs = (
        # (party, kind, description, hearing days ago, from days ago, to days ago)
        (
            "hh_pomegranate",
            "malicious_default",
            "签订许可合同后连续 9 个月未支付许可使用费，经催告仍拒不履行，构成恶意违约。",
            40,
            30,
            -700,
        ),
        (
            "zt_apple",
            "false_material",
            "申报科技成果转化补助时提供虚假的技术合同登记证明。",
            900,
            880,
            150,
        ),
        (
            "bs_coffee",
            "false_material",
            "申报创新券兑付时提交的发票与实际服务不符。",
            120,
            110,
            -620,
        ),
    )
    events = []
    for key, kind, text, heard, start, end in specs:
        events.append(
            credit.credit_event_record(
                user=dept,
                data=credit.CreditEventInput(
                    organisation=orgs[key],
                    kind=kind,
                    description=text,
                    party_statement="当事机构已到场陈述申辩，对事实无异议，称系经办人员失误。",
                    hearing_on=day(heard),
                    effective_from=day(start),
                    effective_to=day(end),
                ),
                evidence=[_pdf("evidence.pdf")],
                today=today,
            )
        )
    credit.credit_expire_due(today)  # records the second one's expiry
    credit.credit_appeal_decide(
        user=dept,
        event=events[2],
        filed_on=day(100),
        grounds="发票系服务机构开具错误，已重新开具并补充说明，非本企业故意提供虚假材料。",
        decision="revoked",
        reason="经复核，发票错误系服务机构笔误，企业无主观故意，撤销该失信记录。",
        today=today,
    )
    return len(events)


# ------------------------------------------------------------------------------ load / delete


def load_more(*, today: dt.date, orgs: dict[str, Organisation], users: dict[str, Any]) -> dict:
    """Load the four parts in order; returns counts for the demo's summary."""
    found = _directory(today, orgs, users)
    counts: dict[str, int] = {"providers": found["providers"]}
    counts["voucher_spends"] = _vouchers(today, orgs, users, found)
    counts.update(_rights(today, orgs, users))
    counts["credit_events"] = _credit(today, orgs, users)
    return counts


def more_delete(orgs: Any) -> None:
    """Delete what load_more wrote for the demo's organisations (``orgs``: a queryset or list),
    children first (PROTECT foreign keys)."""
    spends = VoucherSpend.objects.filter(Q(enterprise__in=orgs) | Q(provider__in=orgs))
    spends.delete()
    VoucherQuota.objects.filter(enterprise__in=orgs).delete()
    ServiceRequest.objects.filter(
        Q(requester__in=orgs) | Q(provider__organisation__in=orgs)
    ).delete()
    managers = TechnologyManager.objects.filter(employer__in=orgs)
    Attendance.objects.filter(
        Q(manager__in=managers) | Q(course__training_base__organisation__in=orgs)
    ).delete()
    Course.objects.filter(training_base__organisation__in=orgs).delete()
    TrainingBase.objects.filter(organisation__in=orgs).delete()
    managers.delete()
    ServiceProvider.objects.filter(organisation__in=orgs).delete()
    RightsGrantApplication.objects.filter(achievement__owner__in=orgs).delete()
    RightsGrant.objects.filter(achievement__owner__in=orgs).delete()
    LedgerEntry.objects.filter(organisation__in=orgs).delete()
    SeparateManagementPilot.objects.filter(organisation__in=orgs).delete()
    CreditEvent.objects.filter(organisation__in=orgs).delete()
    # demo_government_activity's transfer reports and supervisor change protect the demo's
    # organisations and nothing else removes them: the reset failed on them.
    TransferReport.objects.filter(Q(organisation__in=orgs) | Q(supervisor__in=orgs)).delete()
    SupervisorChange.objects.filter(
        Q(organisation__in=orgs) | Q(previous__in=orgs) | Q(requested__in=orgs)
    ).delete()
