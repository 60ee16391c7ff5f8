"""Demo technology contracts (issue 23.4–5), walked through the contracts services.

Two registrars — the province's (云南省技术市场管理办公室, account ``registrar_clerk``) and
曲靖's (``qj_registrar``) — with registrations in every state: submitted and within the 10
working days, submitted and overdue, registered (one with a 核定技术交易额 lower than the contract
and its reason, one reclassified), returned with reasons, and a signed licence submitted from its
licence page. 横向 contracts with income received, one recorded without registration; reward
plans (奖酬金分配方案) filed with the unit's supervising department (or the provincial
department) — acknowledged, waiting, and one below the 70 % floor with its warning.

``load_contracts`` is called from ops/demo.py after the processes; ``contracts_delete`` from
``demo_delete`` before the organisations go.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from zhuanhua.accounts.choices import Role
from zhuanhua.accounts.models import User
from zhuanhua.contracts import services
from zhuanhua.contracts.models import ContractIncome, RewardPlan, TechnologyContract
from zhuanhua.contracts.services import ContractInput, PlanInput
from zhuanhua.core.uscc import make_uscc
from zhuanhua.licensing import contract_registration
from zhuanhua.licensing.models import ContractRegistration, Licence, SignedContract
from zhuanhua.organisations.choices import OrganisationStatus, OrganisationType
from zhuanhua.organisations.models import Organisation

REGISTRARS = (
    ("province", "云南省技术市场管理办公室（技术合同登记处）", "530100", "昆明市五华区"),
    ("qujing", "曲靖市技术合同登记站", "530300", "曲靖市麒麟区"),
)
CLERKS = (
    ("registrar_clerk", "罗志红", "province"),
    ("qj_registrar", "孔德明", "qujing"),
)

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _uscc(name: str) -> str:
    digest = hashlib.sha256(f"zhuanhua-demo:{name}".encode()).hexdigest()
    return make_uscc("12530100" + "".join(str(int(ch, 16) % 10) for ch in digest[:9]))


def registrar_usccs() -> list[str]:
    return [_uscc(name) for _, name, *_ in REGISTRARS]


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _editor(org: Organisation, users: dict[str, Any]) -> User | None:
    """A person who may submit for ``org``: a printed demo account first, else any editor."""
    for user in users.values():
        if user.organisation_id == org.pk and services.can_submit(user):
            return user
    for user in User.objects.filter(organisation=org, is_active=True):
        if services.can_submit(user):
            return user
    return None


def _registrars(password: str) -> tuple[dict[str, Organisation], dict[str, User]]:
    orgs = {}
    for key, name, prefecture, address in REGISTRARS:
        orgs[key], _ = Organisation.objects.get_or_create(
            uscc=_uscc(name),
            defaults={
                "name": name,
                "org_type": OrganisationType.CONTRACT_REGISTRAR,
                "prefecture": prefecture,
                "address": address,
                "introduction": "技术合同认定登记机构：认定合同类型、核定技术交易额并登记编号。",
                "status": OrganisationStatus.APPROVED,
            },
        )
    clerks = {}
    for username, display_name, key in CLERKS:
        clerks[username], _ = User.objects.get_or_create(
            username=username,
            defaults={
                "display_name": display_name,
                "password": password,
                "email": f"{username}@demo.zhuanhua.local",
                "organisation": orgs[key],
                "roles": [str(Role.CONTRACT_REGISTRAR)],
            },
        )
    return orgs, clerks


def _contract(
    user: User,
    registrar: Organisation | None,
    today: dt.date,
    *,
    days_ago: int,
    title: str,
    kind: str,
    counterparty: str,
    amount: str,
    field: str,
    industry: bool = True,
    side: str = "seller",
) -> TechnologyContract:
    submitted_on = today - dt.timedelta(days=days_ago)
    signed_on = submitted_on - dt.timedelta(days=7)
    return services.contract_submit_for_registration(
        user=user,
        data=ContractInput(
            title=title,
            declared_type=kind,
            submitter_side=side,
            counterparty_name=counterparty,
            contract_amount=Decimal(amount),
            signed_on=signed_on,
            valid_from=signed_on,
            valid_to=signed_on + dt.timedelta(days=365),
            technology_field=field,
            industry_project=industry,
        ),
        registrar=registrar,
        signed_pdf=_pdf(f"{title[:20]}.pdf"),
        submit=registrar is not None,
        today=submitted_on,
    )


def load_contracts(
    *, today: dt.date, orgs: dict[str, Organisation], users: dict[str, Any], password: str
) -> dict[str, int]:
    registrars, clerks = _registrars(password)
    province, qujing = registrars["province"], registrars["qujing"]
    clerk, qj_clerk = clerks["registrar_clerk"], clerks["qj_registrar"]
    ynu, kust, yaas, kib = (_editor(orgs[k], users) for k in ("ynu", "kust", "yaas", "kib"))
    firm = users.get("firm_staff")
    if not (ynu and kust and yaas and kib and firm):
        raise RuntimeError("demo: the units' editors and firm_staff are needed first")
    made: list[TechnologyContract] = []

    # Submitted, two working days into the ten.
    made.append(
        _contract(
            ynu,
            province,
            today,
            days_ago=2,
            title="滇池蓝藻水华智能预警系统技术开发合同",
            kind="development",
            counterparty=firm.organisation.name if firm.organisation else "昆明某水务公司",
            amount="380000",
            field="环境保护与资源综合利用",
        )
    )
    # Submitted a month ago: past the ten working days (overdue on the registrar's queue).
    made.append(
        _contract(
            kust,
            province,
            today,
            days_ago=30,
            title="高原铝合金轮毂热处理工艺技术咨询合同",
            kind="consulting",
            counterparty="曲靖某汽车零部件有限公司",
            amount="120000",
            field="新材料",
        )
    )
    # Registered, 核定技术交易额 lower than the contract (equipment is not technology).
    registered = _contract(
        yaas,
        province,
        today,
        days_ago=60,
        title="高原特色蔬菜病虫害绿色防控技术服务合同",
        kind="service",
        counterparty="玉溪某蔬菜种植专业合作社",
        amount="260000",
        field="现代农业",
    )
    services.contract_register(
        user=clerk,
        contract=registered,
        contract_type="service",
        transaction_amount=Decimal("210000"),
        amount_reason="合同价款中 5 万元为检测设备购置费，不属于技术交易额",
        today=today - dt.timedelta(days=55),
    )
    made.append(registered)
    # Registered after reclassification (declared consulting, registered as development).
    reclassified = _contract(
        ynu,
        province,
        today,
        days_ago=90,
        title="咖啡鲜果低温发酵工艺技术咨询合同",
        kind="consulting",
        counterparty="普洱某咖啡庄园有限公司",
        amount="150000",
        field="食品与农产品加工",
    )
    services.contract_register(
        user=clerk,
        contract=reclassified,
        contract_type="development",
        transaction_amount=Decimal("150000"),
        today=today - dt.timedelta(days=84),
    )
    made.append(reclassified)
    # Returned with reasons, at the other registrar.
    returned = _contract(
        kib,
        qujing,
        today,
        days_ago=20,
        title="滇重楼规范化种植技术服务合同",
        kind="service",
        counterparty="曲靖某中药材种植公司",
        amount="90000",
        field="生物医药",
    )
    services.contract_return(
        user=qj_clerk,
        contract=returned,
        reasons="合同未载明技术服务的具体指标和验收标准；请补充后重新提交。",
    )
    made.append(returned)
    # An enterprise buys a technology (a transfer, the enterprise is the buyer): registered.
    bought = _contract(
        firm,
        province,
        today,
        days_ago=40,
        title="污水深度除磷技术秘密转让合同",
        kind="transfer",
        counterparty="昆明理工大学",
        amount="600000",
        field="环境保护与资源综合利用",
        industry=False,
        side="buyer",
    )
    services.contract_register(
        user=clerk,
        contract=bought,
        contract_type="transfer",
        transaction_amount=Decimal("600000"),
        today=today - dt.timedelta(days=33),
    )
    made.append(bought)
    # A 横向 contract recorded, not (yet) submitted for registration.
    recorded = _contract(
        kust,
        None,
        today,
        days_ago=45,
        title="选矿废水回用技术服务合同",
        kind="service",
        counterparty="红河某矿业有限公司",
        amount="80000",
        field="资源与环境",
    )
    made.append(recorded)

    # 横向 income received.
    incomes = [
        (registered, 55, "130000", "首期款"),
        (registered, 20, "80000", "第二期款"),
        (reclassified, 80, "150000", "合同全款"),
        (recorded, 30, "80000", "合同全款"),
    ]
    for contract, days_ago, amount, note in incomes:
        services.income_record(
            user=_editor(contract.submitter, users),  # type: ignore[arg-type]
            contract=contract,
            received_on=today - dt.timedelta(days=days_ago),
            amount=Decimal(amount),
            note=note,
        )

    # Reward plans: acknowledged, waiting, below the floor, and on an unregistered contract.
    plans = []
    plans.append(
        services.reward_plan_file(
            user=ynu,
            data=PlanInput(
                income_kind="industry",
                contract=reclassified,
                subject="咖啡发酵工艺横向项目净收入奖励",
                income_amount=Decimal("150000"),
                costs_amount=Decimal("30000"),
                researcher_amount=Decimal("84000"),  # 70 % of 120 000
                transfer_staff_amount=Decimal("3600"),  # 10 % of the unit's 36 000
                unit_amount=Decimal("32400"),
                staff_reward_chosen=True,
                decided_on=today - dt.timedelta(days=70),
            ),
            today=today - dt.timedelta(days=68),
        )
    )
    plans.append(
        services.reward_plan_file(
            user=yaas,
            data=PlanInput(
                income_kind="industry",
                contract=registered,
                subject="蔬菜绿色防控技术服务收入奖励（第一期）",
                income_amount=Decimal("130000"),
                costs_amount=Decimal("20000"),
                researcher_amount=Decimal("66000"),  # 60 %: below the 70 % floor (77 000)
                transfer_staff_amount=Decimal("0"),
                unit_amount=Decimal("44000"),
                decided_on=today - dt.timedelta(days=40),
            ),
            today=today - dt.timedelta(days=38),
        )
    )
    plans.append(
        services.reward_plan_file(
            user=kib,
            data=PlanInput(
                income_kind="licence",
                subject="三七总皂苷提取专利许可收入分配",
                income_amount=Decimal("200000"),
                costs_amount=Decimal("10000"),
                researcher_amount=Decimal("114000"),  # 60 % of 190 000 (floor 50 %)
                transfer_staff_amount=Decimal("7600"),  # 10 % of 76 000
                unit_amount=Decimal("68400"),
                staff_reward_chosen=True,
                decided_on=today - dt.timedelta(days=15),
            ),
            today=today - dt.timedelta(days=14),
        )
    )
    plans.append(
        services.reward_plan_file(
            user=kust,
            data=PlanInput(
                income_kind="industry",
                contract=recorded,
                subject="选矿废水回用横向项目收入分配（未认定登记）",
                income_amount=Decimal("80000"),
                costs_amount=Decimal("8000"),
                researcher_amount=Decimal("36000"),
                transfer_staff_amount=Decimal("0"),
                unit_amount=Decimal("36000"),
                decided_on=today - dt.timedelta(days=25),
            ),
            today=today - dt.timedelta(days=24),
        )
    )
    first = plans[0]
    reviewer = next(
        (
            u
            for u in User.objects.filter(organisation_id=first.filed_with_id, is_active=True)
            if services.is_filing_reviewer(u, first.filed_with_id)
        ),
        None,
    )
    if reviewer is not None:
        services.reward_plan_acknowledge(
            user=reviewer,
            plan=first,
            note="已备案。请按方案发放并计入绩效工资总量（不受总量限制）。",
            today=today - dt.timedelta(days=60),
        )

    # A signed licence submitted from its page (the licensing path through the registrar).
    licence = (
        Licence.objects.filter(status="active", licensor_id__in=[o.pk for o in orgs.values()])
        .exclude(pk__in=ContractRegistration.objects.values("licence_id"))
        .filter(pk__in=SignedContract.objects.values("licence_id"))
        .order_by("pk")
        .first()
    )
    if licence is not None:
        editor = next(
            (
                u
                for u in User.objects.filter(organisation_id=licence.licensor_id, is_active=True)
                if u.can_edit_achievements
            ),
            None,
        )
        if editor is not None:
            made.append(
                contract_registration.registration_submit(
                    user=editor,
                    licence=licence,
                    registrar=province,
                    contract_amount=max(licence.price_amount(), Decimal("50000")),
                    technology_field=licence.achievement.get_industry_field_display(),
                )
            )
    return {"contracts": len(made), "plans": len(plans)}


def contracts_delete(orgs: Any) -> None:
    """The demo's contracts, plans and registrars (before the organisations are deleted)."""
    registrars = Organisation.objects.filter(uscc__in=registrar_usccs())
    contracts = TechnologyContract.objects.filter(
        submitter__in=orgs
    ) | TechnologyContract.objects.filter(registrar__in=registrars)
    RewardPlan.objects.filter(unit__in=orgs).delete()
    RewardPlan.objects.filter(contract__in=contracts).delete()
    ContractIncome.objects.filter(contract__in=contracts).delete()
    contracts.delete()
    User.objects.filter(username__in=[u for u, *_ in CLERKS]).delete()
    registrars.delete()
