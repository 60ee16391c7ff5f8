"""The registrar's workbench: its queue with the count, the filing body's queue, the unit's links;
and each link opens (no 403)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.urls import reverse

from zhuanhua.contracts import services
from zhuanhua.contracts.tests.test_reward_plans import plan_input
from zhuanhua.portal.menus import workbench_jobs
from zhuanhua.portal.todo import waiting_for


def jobs(user: Any) -> dict[str, dict[str, Any]]:
    return {
        shown.job.key: {e.entry.key: e.count for e in shown.entries}
        for shown in workbench_jobs(user)
    }


def test_registrar_workbench_counts_its_queue(submitted: Any, clerk: Any, other_clerk: Any) -> None:
    assert jobs(clerk)["registrar"]["registrar_queue"] == 1
    assert jobs(other_clerk)["registrar"]["registrar_queue"] == 0
    assert ("技术合同待认定登记", 1) in [
        (w.label, w.count) for w in waiting_for(clerk, dt.date.today())
    ]
    client = Client()
    client.force_login(clerk)
    page = client.get(reverse("core:workbench")).content.decode()
    assert reverse("contracts:queue") in page
    for shown in workbench_jobs(clerk):
        for e in shown.entries:
            assert client.get(e.entry.url).status_code == 200, e.entry.key


def test_filing_body_and_unit_workbench(
    unit_a: Any, supervisor: Any, manager_a: Any, supervisor_reviewer: Any
) -> None:
    unit_a.supervisor = supervisor
    unit_a.save()
    services.reward_plan_file(user=manager_a, data=plan_input())
    assert jobs(supervisor_reviewer)["plan_filings"]["plan_filings_queue"] == 1
    assert set(jobs(manager_a)["contracts"]) == {"contracts", "contract_submit", "plans"}
