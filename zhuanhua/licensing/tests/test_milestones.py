"""Milestone installments (里程碑节点): pending until a party records the milestone reached."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhuanhua.licensing.models import MilestoneAchievement
from zhuanhua.licensing.selectors import licence_plan
from zhuanhua.licensing.services import (
    inquiry_open,
    licence_activate,
    milestone_record,
    version_accept,
    version_propose,
)
from zhuanhua.licensing.tests.conftest import post_json, signed_pdf
from zhuanhua.licensing.tests.publicity_helpers import clear_agreement_price

MILESTONE_TERMS = {
    "fee_model": "staged",
    "start": "2025-01-01",
    "end": "2027-12-31",
    "upfront_fee": "0",
    "installments": [
        {"key": "中试完成", "amount": "30000", "milestone": "中试完成", "days_after": 30},
        {"key": "年末款", "amount": "20000", "due": "2025-12-31"},
    ],
}


@pytest.fixture
def staged_licence(offer, licensee_user, manager_a):
    inquiry = inquiry_open(user=licensee_user, offer=offer)
    version_propose(user=manager_a, inquiry=inquiry, terms=MILESTONE_TERMS)
    licence = version_accept(user=licensee_user, inquiry=inquiry, number=1)
    clear_agreement_price(manager_a, licence)  # milestone terms differ from the offer: 协议定价
    return licence_activate(
        user=manager_a, licence=licence, signed_on=dt.date(2025, 1, 1), signed_pdf=signed_pdf()
    )


def test_milestone_installment_waits_then_falls_due(staged_licence, licensee_user):
    before = licence_plan(staged_licence, dt.date(2025, 6, 1))
    assert [(r["what"], r["status_label"], r["o"].amount) for r in before.rows] == [
        ("中试完成", "待里程碑", Decimal("30000.00")),
        ("年末款", "待付", Decimal("20000.00")),
    ]
    milestone_record(
        user=licensee_user, licence=staged_licence, key="中试完成", achieved_on="2025-03-01"
    )
    after = licence_plan(staged_licence, dt.date(2025, 6, 1))
    first = after.rows[0]
    assert (first["status_label"], first["o"].due, first["o"].days_overdue) == (
        "逾期",
        dt.date(2025, 3, 31),
        62,
    )


def test_milestone_refusals_change_nothing(staged_licence, licensee_user, outsider, client):
    with pytest.raises(ValidationError) as exc:
        milestone_record(
            user=licensee_user, licence=staged_licence, key="量产", achieved_on="2025-03-01"
        )
    assert exc.value.message_dict == {"key": ["条款中没有名为“量产”的里程碑"]}
    with pytest.raises(PermissionDenied):
        milestone_record(
            user=outsider, licence=staged_licence, key="中试完成", achieved_on="2025-03-01"
        )
    milestone_record(
        user=licensee_user, licence=staged_licence, key="中试完成", achieved_on="2025-03-01"
    )
    with pytest.raises(ValidationError) as exc:
        milestone_record(
            user=licensee_user, licence=staged_licence, key="中试完成", achieved_on="2025-04-01"
        )
    assert exc.value.message_dict == {"key": ["该里程碑已登记达成"]}
    client.force_login(outsider)
    response = post_json(
        client,
        f"/api/licensing/licences/{staged_licence.pk}/milestones",
        {"key": "中试完成", "achieved_on": "2025-03-01"},
    )
    assert response.status_code == 404
    assert [(m.key, m.achieved_on) for m in MilestoneAchievement.objects.all()] == [
        ("中试完成", dt.date(2025, 3, 1))
    ]
