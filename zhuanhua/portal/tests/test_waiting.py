"""The workbench's "需要处理" counts what really waits for the person (issue 19.3): a reviewer's
queues, each side's licensing steps; "暂无待处理事项" only when nothing does."""

from __future__ import annotations

import datetime as dt

import pytest

from zhuanhua.achievements.services import achievement_create, achievement_transition
from zhuanhua.licensing import services
from zhuanhua.licensing.tests.conftest import OFFER_DATA, VERSION_TERMS, signed_pdf
from zhuanhua.portal.todo import Waiting, waiting_for

TODAY = dt.date(2025, 8, 15)
NOTHING = "暂无待处理事项。"


@pytest.fixture
def licensee_user(make_org, make_user):
    enterprise = make_org(name="昆明氢能科技有限公司", org_type="enterprise", is_sme=True)
    return make_user("licensee", enterprise, ["licensee_staff"])


def test_a_reviewers_queue_is_counted_not_reported_empty(
    client, reviewer, manager_a, achievement_data
):
    for i in range(3):
        data = dict(achievement_data, title=f"待审核成果{i}")
        a = achievement_create(user=manager_a, data=data, completers=[{"name": "张三"}])
        achievement_transition(user=manager_a, achievement=a, action="submit")
    assert waiting_for(reviewer, TODAY) == [Waiting("成果待审核", 3, "#review-queue")]
    client.force_login(reviewer)
    html = client.get("/workbench/").content.decode()
    assert '<a href="#review-queue">成果待审核</a>：<strong>3</strong> 项' in html
    assert NOTHING not in html


def test_nothing_waiting_says_so(client, manager_b):
    assert waiting_for(manager_b, TODAY) == []
    client.force_login(manager_b)
    assert NOTHING in client.get("/workbench/").content.decode()


def _labels(user):
    return {w.label: w.count for w in waiting_for(user, TODAY)}


def test_each_licensing_step_waits_for_the_side_that_must_act(
    published_a, manager_a, licensee_user
):
    offer = services.offer_publish(user=manager_a, achievement=published_a, data=dict(OFFER_DATA))
    inquiry = services.inquiry_open(user=licensee_user, offer=offer)
    assert _labels(manager_a) == {"承接意向与条款待回应": 1}
    assert _labels(licensee_user) == {}
    services.version_propose(user=manager_a, inquiry=inquiry, terms=dict(VERSION_TERMS))
    assert _labels(manager_a) == {}
    assert _labels(licensee_user) == {"许可方条款待确认": 1}
    services.version_propose(user=licensee_user, inquiry=inquiry, terms=dict(VERSION_TERMS))
    assert _labels(manager_a) == {"承接意向与条款待回应": 1}
    assert _labels(licensee_user) == {}
    licence = services.version_accept(user=manager_a, inquiry=inquiry, number=2)
    assert _labels(manager_a) == {"许可合同待登记签订": 1}
    services.licence_activate(
        user=manager_a, licence=licence, signed_on=dt.date(2025, 1, 1), signed_pdf=signed_pdf()
    )
    assert _labels(manager_a) == {"技术合同待认定登记": 1}
    # Q1 and Q2 2025 have ended by 15 August; neither is reported yet.
    assert _labels(licensee_user) == {"收入报告待报送": 2}
    services.revenue_report_file(
        user=licensee_user,
        licence=licence,
        period_start="2025-01-01",
        revenue_amount="100000",
        reported_on="2025-04-10",
    )
    assert _labels(licensee_user) == {"收入报告待报送": 1}


def test_the_workbench_lists_licensing_steps(client, published_a, manager_a, licensee_user):
    offer = services.offer_publish(user=manager_a, achievement=published_a, data=dict(OFFER_DATA))
    services.inquiry_open(user=licensee_user, offer=offer)
    client.force_login(manager_a)
    html = client.get("/workbench/").content.decode()
    assert '<a href="/licensing/">承接意向与条款待回应</a>：<strong>1</strong> 项' in html
