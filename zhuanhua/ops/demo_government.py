"""Government as it is organised (issue 24): the demo's departments, bureaus and their reviewers.

The provincial department of science and technology (省科技厅, ``dept`` in ops/demo.py) and five
prefecture bureaus come from ``demo.ORGS``; this module adds the supervising departments (主管部门),
the other eleven prefecture bureaus, the finance department (财政厅), a reviewer for each
supervising department, for the finance department and for four bureaus (昆明 is ``km_reviewer``
of demo.USERS), and sets each research unit's and state enterprise's supervising department.

``demo_government(orgs=…, password=…)`` is idempotent: organisations by USCC, people by
username, supervisors only where none is set — run it again and nothing changes. Other demo
modules may call it to get the organisations and people by key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password

from zhuanhua.accounts.choices import Role
from zhuanhua.accounts.models import User
from zhuanhua.core.prefectures import PREFECTURES
from zhuanhua.core.uscc import make_uscc
from zhuanhua.organisations.choices import OrganisationStatus
from zhuanhua.organisations.choices import OrganisationType as T
from zhuanhua.organisations.models import Organisation
from zhuanhua.organisations.services import supervisor_change_request
from zhuanhua.transfer.models import TransferReport
from zhuanhua.transfer.services import (
    transfer_report_create,
    transfer_report_receive,
    transfer_report_submit,
)


@dataclass(frozen=True)
class GovSpec:
    key: str
    name: str
    org_type: str
    prefecture: str
    address: str = ""
    intro: str = ""

    @property
    def uscc(self) -> str:
        digest = hashlib.sha256(f"zhuanhua-demo:{self.name}".encode()).hexdigest()
        org_code = "".join(str(int(ch, 16) % 10) for ch in digest[:9])
        return make_uscc(f"11{self.prefecture[:4]}02{org_code}")


KM = "530100"
SUPERVISING = (
    GovSpec(
        "edu",
        "云南省教育厅",
        T.SUPERVISING_DEPARTMENT,
        KM,
        "昆明市五华区",
        "省属高等院校的主管部门。",
    ),
    GovSpec(
        "health",
        "云南省卫生健康委员会",
        T.SUPERVISING_DEPARTMENT,
        KM,
        "昆明市西山区",
        "医疗卫生机构的主管部门。",
    ),
    GovSpec(
        "agri",
        "云南省农业农村厅",
        T.SUPERVISING_DEPARTMENT,
        KM,
        "昆明市五华区",
        "农业科研院所的主管部门。",
    ),
    GovSpec(
        "forestry",
        "云南省林业和草原局",
        T.SUPERVISING_DEPARTMENT,
        KM,
        "昆明市盘龙区",
        "林业和草原科研单位的主管部门。",
    ),
    GovSpec(
        "sasac",
        "云南省人民政府国有资产监督管理委员会",
        T.SUPERVISING_DEPARTMENT,
        KM,
        "昆明市西山区",
        "省属国有企业的出资人和主管部门。",
    ),
)
FINANCE = GovSpec(
    "finance",
    "云南省财政厅",
    T.FINANCE_DEPARTMENT,
    KM,
    "昆明市五华区",
    "审核奖补资金结算清单并拨付。",
)
# Bureaus that demo.ORGS already holds (by prefecture code → its key there).
DEMO_BUREAUS = {
    "530100": "km_bureau",
    "530300": "qj_bureau",
    "532500": "hh_bureau",
    "532900": "dl_bureau",
    "532800": "bn_bureau",
}


def _bureau_name(prefecture_name: str) -> str:
    return f"{prefecture_name}科学技术局"


BUREAUS = tuple(
    GovSpec(f"bureau_{code}", _bureau_name(name), T.PREFECTURE_BUREAU, code)
    for code, name in PREFECTURES.items()
    if code not in DEMO_BUREAUS
)
GOVERNMENT_ORGS: tuple[GovSpec, ...] = (*SUPERVISING, FINANCE, *BUREAUS)

# username, name, org key (a GovSpec key, or a demo.ORGS bureau key)
GOVERNMENT_USERS: tuple[tuple[str, str, str], ...] = (
    ("edu_reviewer", "王丽萍", "edu"),
    ("health_reviewer", "刘建国", "health"),
    ("agri_reviewer", "杨春林", "agri"),
    ("forestry_reviewer", "和永福", "forestry"),
    ("sasac_reviewer", "段海波", "sasac"),
    ("finance_reviewer", "陈雪梅", "finance"),
    ("qj_reviewer", "张志国", "qj_bureau"),
    ("hh_reviewer", "普晓东", "hh_bureau"),
    ("dl_reviewer", "赵玉兰", "dl_bureau"),
)

# Each demo unit's supervising department (a unit missing here names none and reports to the
# provincial department — the CAS institutes, the new R&D institutions).
SUPERVISOR_BY_TYPE: dict[str, str] = {
    T.UNIVERSITY: "edu",
    T.MEDICAL_INSTITUTION: "health",
    T.STATE_ENTERPRISE: "sasac",
}
SUPERVISOR_BY_KEY = {
    "yaas": "agri",
    "tea_inst": "agri",
    "sugar_inst": "agri",
    "flower_inst": "agri",
    "trop_inst": "agri",
    "nj_agri": "agri",
    "dq_agri": "agri",
    "zt_agri": "agri",
    "dh_agri": "agri",
    "yafg": "forestry",
}


def government_usccs() -> list[str]:
    return [s.uscc for s in GOVERNMENT_ORGS]


def government_usernames() -> list[str]:
    return [username for username, *_ in GOVERNMENT_USERS]


def demo_government(
    *, orgs: dict[str, Organisation], password: str | None = None
) -> dict[str, Any]:
    """Create (or find) the government organisations and reviewers; set the units' supervisors.

    ``orgs`` are demo.ORGS by key; ``password`` an already hashed password (make_password).
    Returns ``{"orgs": {key: Organisation}, "users": {username: User}}``; the orgs include the
    demo's ``dept`` and every prefecture bureau under ``bureau_<prefecture code>``.
    """
    hashed = password or make_password(None)
    gov: dict[str, Organisation] = {}
    for spec in GOVERNMENT_ORGS:
        org, _ = Organisation.objects.get_or_create(
            uscc=spec.uscc,
            defaults={
                "name": spec.name,
                "org_type": spec.org_type,
                "prefecture": spec.prefecture,
                "address": spec.address,
                "introduction": spec.intro,
                "status": OrganisationStatus.APPROVED,
            },
        )
        gov[spec.key] = org
    for code, key in DEMO_BUREAUS.items():
        if key in orgs:
            gov[key] = orgs[key]
            gov[f"bureau_{code}"] = orgs[key]
    if "dept" in orgs:
        gov["dept"] = orgs["dept"]

    users: dict[str, User] = {}
    for username, display_name, key in GOVERNMENT_USERS:
        if key not in gov:
            continue
        user, _ = User.objects.get_or_create(
            username=username,
            defaults={
                "display_name": display_name,
                "password": hashed,
                "email": f"{username}@demo.zhuanhua.local",
                "organisation": gov[key],
                "roles": [str(Role.DEPARTMENT_REVIEWER)],
            },
        )
        users[username] = user
        if not gov[key].contact_name:
            gov[key].contact_name = display_name
            gov[key].save(update_fields=["contact_name"])

    for key, org in orgs.items():
        wanted = SUPERVISOR_BY_KEY.get(key) or SUPERVISOR_BY_TYPE.get(org.org_type)
        if wanted and org.supervisor_id is None:
            org.supervisor = gov[wanted]
            org.save(update_fields=["supervisor"])
    return {"orgs": gov, "users": users}


def demo_government_activity(*, users: dict[str, Any], today: dt.date) -> dict[str, int]:
    """What the government demo accounts find waiting (run after the processes, so reports list
    the year's licences): a university's transfer report in 教育厅's queue, a CAS institute's
    (no supervisor) signed for by the provincial department, and a unit's supervisor change
    waiting for the provincial department. Skips whatever exists already."""
    year = today.year - 1
    counts = {"reports": 0, "changes": 0}
    for username, receiver in (("ynu_manager", None), ("kib_manager", "dept_reviewer")):
        user = users.get(username)
        if (
            user is None
            or TransferReport.objects.filter(
                organisation_id=user.organisation_id, year=year, period_kind="year"
            ).exists()
        ):
            continue
        report = transfer_report_create(user=user, year=year, period_kind="year", today=today)
        report = transfer_report_submit(user=user, report=report)
        if receiver and receiver in users:
            transfer_report_receive(user=users[receiver], report=report)
        counts["reports"] += 1
    requester = users.get("yaas_manager")
    forestry = Organisation.objects.filter(uscc=SUPERVISING[3].uscc).first()
    if (
        requester is not None
        and requester.organisation is not None
        and forestry is not None
        and not requester.organisation.supervisor_changes.exists()
    ):
        supervisor_change_request(
            user=requester,
            organisation=requester.organisation,
            supervisor=forestry,
            reason="院属林下经济与花卉研究所划转后，成果转化工作由省林业和草原局归口管理",
        )
        counts["changes"] += 1
    return counts
