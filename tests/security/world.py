"""The fixture world of the security tests: two organisations (a university unit "A" and an
enterprise "B") with one user per organisation role, the department's reviewer and auditor, a
platform admin, and one object per model that appears in a URL, owned by A where A can own it.

`build_world()` writes through the apps' own services (so the objects are in the states real users
reach) and returns a `World` the matrix and the fuzzer fill path parameters from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from zhuanhua.core.uscc import make_uscc

PASSWORD = "zhuanhua-test-pw"
ORG_ROLES = [
    "org_admin",
    "achievement_manager",
    "technology_manager",
    "researcher",
    "licensee_staff",
]
# Column order of the table: anonymous, A's roles, B's roles, department, platform.
ROLES = (
    ["anonymous"]
    + [f"a_{r}" for r in ORG_ROLES]
    + [f"b_{r}" for r in ORG_ROLES]
    + ["reviewer", "auditor", "platform_admin"]
)
MISSING = 999_999  # a primary key no object has

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


@dataclass
class World:
    users: dict[str, Any] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)

    def pk(self, name: str) -> int:
        obj = self.objects.get(name)
        return obj.pk if obj is not None else MISSING


def _org(name: str, org_type: str, serial: int, **kwargs: Any) -> Any:
    from zhuanhua.organisations.models import Organisation

    return Organisation.objects.create(
        name=name,
        org_type=org_type,
        uscc=make_uscc(f"1253019900000{serial:04d}"),
        prefecture="530100",
        status="approved",
        **kwargs,
    )


def _user(username: str, org: Any, roles: list[str], **kwargs: Any) -> Any:
    from zhuanhua.accounts.models import User

    return User.objects.create_user(
        username=username,
        password=PASSWORD,
        organisation=org,
        roles=roles,
        display_name=username,
        email=f"{username}@example.com",
        **kwargs,
    )


def _try(world: World, name: str, make: Any) -> None:
    """Build one object; an app whose service changed leaves its URLs on the "missing" pk."""
    try:
        world.objects[name] = make()
    except Exception as exc:  # noqa: BLE001 - reported by the matrix as a missing object
        world.objects[name] = None
        world.objects.setdefault("_errors", {})[name] = repr(exc)


def build_world() -> World:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from zhuanhua.achievements.services import achievement_create, achievement_transition

    w = World()
    unit = _org("云南大学（矩阵测试）", "university", 1)
    firm = _org("昆明氢能科技有限公司（矩阵测试）", "enterprise", 2, is_sme=True)
    dept = _org("云南省科学技术厅（矩阵测试）", "department", 3)
    w.objects.update(unit=unit, firm=firm, department=dept)
    for role in ORG_ROLES:
        w.users[f"a_{role}"] = _user(f"mx_a_{role}", unit, [role])
        w.users[f"b_{role}"] = _user(f"mx_b_{role}", firm, [role])
    w.users["reviewer"] = _user("mx_reviewer", dept, ["department_reviewer"])
    w.users["auditor"] = _user("mx_auditor", dept, ["auditor"])
    w.users["platform_admin"] = _user("mx_platform_admin", None, ["platform_admin"], is_staff=True)
    u = w.users

    data = {
        "title": "一种固态储氢材料的制备方法",
        "summary": "镁基固态储氢材料的制备方法，储氢密度高。",
        "keywords": ["固态储氢", "镁基合金"],
        "industry_field": "new_energy",
        "ip_type": "patent",
        "ip_number": "ZL202110000001.1",
        "ip_acquired_on": dt.date(2023, 5, 10),
        "trl": 6,
        "fiscally_funded": True,
        "is_applied_technology": True,
    }
    completers = [{"name": "张三", "employer": "云南大学"}]
    w.objects["draft"] = achievement_create(
        user=u["a_achievement_manager"], data=dict(data), completers=completers
    )
    pub = achievement_create(
        user=u["a_achievement_manager"],
        data={**data, "title": "一种高效光伏逆变器", "ip_number": "ZL202110000002.X"},
        completers=completers,
    )
    achievement_transition(user=u["a_achievement_manager"], achievement=pub, action="submit")
    w.objects["published"] = achievement_transition(
        user=u["reviewer"], achievement=pub, action="publish"
    )

    def offer() -> Any:
        from zhuanhua.licensing.services import offer_publish

        terms = {
            "upfront_fee": "10000",
            "installments": [{"key": "首付节点", "amount": "50000", "due": "2025-06-30"}],
            "royalty": {"rate": "0.05", "period": "quarter"},
        }
        w.objects["_terms"] = terms
        return offer_publish(
            user=u["a_achievement_manager"],
            achievement=w.objects["published"],
            data={
                "summary": "许可中小微企业先使用后付费。",
                "fee_standard": "门槛费 1 万元。",
                "fee_model": "staged_royalty",
                "terms": terms,
                "license_mode": "non_exclusive",
                "term_months": 24,
                "field_of_use": "储能设备",
                "territory": "云南省",
            },
        )

    def inquiry() -> Any:
        from zhuanhua.licensing.services import inquiry_open

        return inquiry_open(
            user=u["b_licensee_staff"], offer=w.objects["offer"], message="我司希望承接该成果。"
        )

    def licence() -> Any:
        from zhuanhua.licensing.services import version_accept, version_propose

        version_propose(
            user=u["b_licensee_staff"],
            inquiry=w.objects["inquiry"],
            terms={
                "fee_model": "staged_royalty",
                "start": "2025-01-01",
                "end": "2026-12-31",
                **w.objects["_terms"],
            },
        )
        return version_accept(
            user=u["a_achievement_manager"], inquiry=w.objects["inquiry"], number=1
        )

    def notice() -> Any:
        from zhuanhua.publicity.services import notice_create

        return notice_create(
            user=u["a_achievement_manager"],
            data={
                "kind": "agreement_price",
                "title": "关于一种高效光伏逆变器协议定价的公示",
                "content": "拟以协议定价方式许可使用，现予公示。",
                "starts_on": dt.date(2025, 9, 20),
                "period_days": 15,
                "achievement": w.objects["published"],
                "licensee": firm,
                "price_amount": Decimal("120000.00"),
                "pricing_method": "agreement",
            },
        )

    def case() -> Any:
        from zhuanhua.exemption.services import case_create

        return case_create(
            user=u["a_org_admin"],
            data={
                "title": "某专利许可项目收益未达预期",
                "activity_kind": "licence",
                "activity_description": "以协议定价方式许可昆明某企业实施专利，被许可方经营不善停产。",
                "loss_amount": Decimal("350000.00"),
                "loss_description": "约定的收入提成未能收取。",
                "state_established": True,
            },
        )

    def person() -> Any:
        from zhuanhua.exemption.services import person_add

        return person_add(
            user=u["a_org_admin"],
            case=w.objects["case"],
            data={"role": "researcher", "user": u["a_researcher"]},
        )

    def report() -> Any:
        from zhuanhua.transfer.services import transfer_report_create

        return transfer_report_create(
            user=u["a_achievement_manager"],
            year=2025,
            period_kind="year",
            today=dt.date(2026, 1, 15),
        )

    def application() -> Any:
        from zhuanhua.subsidies.services import application_submit

        return application_submit(
            user=u["b_licensee_staff"],
            measure="M7-1",
            data={"base_amount": Decimal("6000000.00"), "registered": True},
            uploads=[
                (
                    "bank_slip",
                    SimpleUploadedFile("到账凭证.pdf", PDF, content_type="application/pdf"),
                )
            ],
        )

    need_data = {
        "title": "离网光伏配套储氢装置",
        "description": "需要一种固态储氢方案，为离网光伏电站配套储能。",
        "keywords": ["固态储氢", "离网光伏"],
        "industry_field": "new_energy",
        "indicators": "质量储氢密度不低于 5%",
        "budget_amount": "500000",
        "fee_model": "royalty",
        "prefecture": "530100",
    }

    def need_draft() -> Any:
        from zhuanhua.needs.services import need_create

        return need_create(user=u["b_licensee_staff"], data=dict(need_data))

    def need_published() -> Any:
        from zhuanhua.needs.services import need_create, need_transition

        need = need_create(
            user=u["b_licensee_staff"], data={**need_data, "title": "储能电站热管理方案"}
        )
        return need_transition(user=u["b_licensee_staff"], need=need, action="publish")

    for name, make in [
        ("offer", offer),
        ("inquiry", inquiry),
        ("licence", licence),
        ("notice", notice),
        ("case", case),
        ("person", person),
        ("report", report),
        ("application", application),
        ("need_draft", need_draft),
        ("need", need_published),
    ]:
        _try(w, name, make)
    return w
