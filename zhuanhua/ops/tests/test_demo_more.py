"""The demo's service directory, vouchers, rights grants and credit records: every state shows;
deleting removes them. Loaded on the demo's organisations and people alone, with a few published
service achievements of 云南大学 naming the demo researcher (the other demo parts are tested
beside)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from zhuanhua.achievements.choices import AchievementStatus
from zhuanhua.achievements.models import Achievement, Completer
from zhuanhua.credit.models import CreditEvent
from zhuanhua.directory.models import Attendance, ServiceRequest, TechnologyManager
from zhuanhua.ops import demo
from zhuanhua.ops.demo_government import demo_government
from zhuanhua.ops.demo_more import load_more, more_delete
from zhuanhua.transfer.models import LedgerEntry, RightsGrant, RightsGrantApplication
from zhuanhua.vouchers.models import VoucherQuota, VoucherSpend

pytestmark = pytest.mark.django_db


def test_demo_shows_directory_vouchers_rights_grants_and_credit_in_every_state() -> None:
    today = timezone.localdate()
    orgs = demo._create_organisations()
    password = make_password(demo.DEMO_PASSWORD)
    users = demo._create_users(orgs, password)
    users.update(demo_government(orgs=orgs, password=password)["users"])
    for n in range(5):
        achievement = Achievement.objects.create(
            owner=orgs["ynu"],
            title=f"高原湖泊治理技术 {n}",
            summary="高原湖泊水环境治理",
            industry_field="resources_environment",
            ip_type="patent",
            ip_number=f"ZL20231000000{n}.X",
            ip_acquired_on=dt.date(2023, 1, 1),
            trl=6,
            status=AchievementStatus.PUBLISHED,
            prefecture=orgs["ynu"].prefecture,
        )
        Completer.objects.create(achievement=achievement, name="李晓东", order=1)

    counts = load_more(today=today, orgs=orgs, users=users)

    assert counts["providers"] == 3
    assert set(ServiceRequest.objects.values_list("status", flat=True)) == {
        "requested",
        "accepted",
        "delivered",
        "declined",
        "cancelled",
    }
    assert TechnologyManager.objects.count() == 3
    assert Attendance.objects.filter(passed=True).exists()
    assert Attendance.objects.filter(passed=False).exists()
    assert VoucherQuota.objects.count() == 2
    assert set(VoucherSpend.objects.values_list("status", flat=True)) >= {"spent", "redeemed"}
    assert VoucherQuota.objects.get(enterprise=orgs["dianchi_water"]).redeemed_amount > 0
    assert set(RightsGrantApplication.objects.values_list("status", flat=True)) == {
        "submitted",
        "blocked",
        "rejected",
        "granted",
    }
    assert RightsGrant.objects.count() == 2
    assert RightsGrant.objects.filter(shares__isnull=False).exists()
    assert LedgerEntry.objects.count() == 4
    assert set(CreditEvent.objects.values_list("status", flat=True)) == {
        "active",
        "expired",
        "revoked",
    }

    more_delete(list(orgs.values()))
    for model in (
        ServiceRequest,
        TechnologyManager,
        VoucherSpend,
        VoucherQuota,
        RightsGrantApplication,
        RightsGrant,
        LedgerEntry,
        CreditEvent,
    ):
        assert not model.objects.exists(), model
