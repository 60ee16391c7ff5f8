"""The demo's subsidy applications at each step of the two-level review (issue 24), with the
bureau's, the supervising department's, the second reviewer's and the finance department's
queues non-empty, and a claim whose declared facts differ from the platform's."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from zhuanhua.ops import demo
from zhuanhua.subsidies import selectors
from zhuanhua.subsidies.models import (
    LocalMeasure,
    SettlementBatch,
    SubsidyApplication,
    VentureInvestment,
)

pytestmark = pytest.mark.django_db


def test_demo_has_applications_at_every_step_and_every_queue() -> None:
    assert demo.load_demo(size=40).loaded
    statuses = set(SubsidyApplication.objects.values_list("status", flat=True))
    assert {"checking", "submitted", "second", "returned", "approved"} <= statuses
    assert set(SettlementBatch.objects.values_list("status", flat=True)) == {
        "issued",
        "signed_off",
        "paid",
    }
    users = {u.username: u for u in get_user_model().objects.all()}
    assert selectors.queue_of(users["km_reviewer"]).exists()  # the Kunming bureau's check
    assert selectors.queue_of(users["edu_reviewer"]).exists()  # 教育厅 checks a university's M7-2
    assert selectors.queue_of(users["dept_reviewer2"]).filter(status="second").exists()
    assert not selectors.queue_of(users["dept_reviewer"]).filter(status="second").exists()
    assert selectors.batches_to_sign(users["finance_reviewer"]).exists()
    assert any(a.differing_facts for a in SubsidyApplication.objects.all())
    assert VentureInvestment.objects.count() == 2
    assert LocalMeasure.objects.filter(issuer="昆明市科学技术局").exists()
    demo.demo_delete()
    assert not SubsidyApplication.objects.exists()
