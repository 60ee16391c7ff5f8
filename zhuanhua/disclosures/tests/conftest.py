from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

DISCLOSURE_DATA: dict[str, Any] = {
    "title": "一种高原茶园病虫害智能识别方法",
    "summary": "基于多光谱图像的茶园病虫害识别，准确率 95% 以上，已在普洱茶区试用。",
    "industry_field": "modern_agriculture",
    "completers": [
        {"name": "researcher_a", "share": "60", "employer": "云南大学"},
        {"name": "李四", "share": "40", "employer": ""},
    ],
    "funding_source": "fiscal",
    "funding_project": "云南省重点研发计划 202301AS070001",
    "ip_status": "filed",
    "ip_type": "patent",
    "ip_number": "CN202310000001.X",
    "ip_date_on": dt.date(2023, 3, 1),
    "ip_plan": "申请发明专利并同步申请软件著作权",
    "readiness": 6,
    "commercial_contacts": "普洱某茶业公司有意试用",
    "conflicts": "无",
}


@pytest.fixture
def disclosure_data() -> dict[str, Any]:
    return {**DISCLOSURE_DATA, "completers": [dict(c) for c in DISCLOSURE_DATA["completers"]]}


@pytest.fixture
def researcher_a(make_user, unit_a):
    return make_user("researcher_a", unit_a, ["researcher"])


@pytest.fixture
def researcher_a2(make_user, unit_a):
    return make_user("researcher_a2", unit_a, ["researcher"])


@pytest.fixture
def draft(researcher_a, disclosure_data):
    from zhuanhua.disclosures.services import disclosure_create

    return disclosure_create(user=researcher_a, data=disclosure_data)


@pytest.fixture
def submitted(draft, researcher_a):
    from zhuanhua.disclosures.services import disclosure_submit

    return disclosure_submit(user=researcher_a, disclosure=draft, today=dt.date(2026, 3, 2))
