"""Accepting and signing ask for confirmation and say what will happen."""

from __future__ import annotations

from zhuanhua.licensing.services import version_propose
from zhuanhua.licensing.tests.conftest import VERSION_TERMS


def test_accepting_asks_first_and_says_the_negotiation_ends(
    client, inquiry, licensee_user, manager_a
):
    version_propose(user=manager_a, inquiry=inquiry, terms=dict(VERSION_TERMS))
    client.force_login(licensee_user)

    html = client.get(f"/licensing/inquiries/{inquiry.pk}/").content.decode()

    assert '<summary class="btn btn-success btn-sm">接受第 1 版…</summary>' in html
    assert "商洽结束，双方不能再提出新版本或发送商洽消息" in html
    assert "按本版条款（门槛费+阶段性支付+收入提成，2025-01-01 至 2026-12-31）生成许可" in html
    assert "确认接受第 1 版" in html


def test_signing_asks_first_and_says_the_plan_starts(client, licence, manager_a):
    client.force_login(manager_a)

    html = client.get(f"/licensing/licences/{licence.pk}/").content.decode()

    assert '<summary class="btn btn-outline-success btn-sm">登记合同已签订…</summary>' in html
    assert "许可进入“履行中”，付款计划按本许可条款（2025-01-01 起）生效" in html
    assert "确认登记合同已签订" in html
