"""A unit's credit referral goes to its own supervising department as well as the provincial
department that decides it (issue 24); another supervising department and a prefecture bureau
see nothing of it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from zhuanhua.credit import selectors
from zhuanhua.credit.services import credit_referral_receive
from zhuanhua.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(unit_a, manager_a, make_org, make_user, reviewer):
    edu = make_org(name="云南省教育厅（测试）", org_type="supervising_department")
    health = make_org(name="云南省卫生健康委员会（测试）", org_type="supervising_department")
    unit_a.supervisor = edu
    unit_a.save()
    manager_a.refresh_from_db()
    people = {
        "edu_rev": make_user("edu_rev", edu, ["department_reviewer"]),
        "health_rev": make_user("health_rev", health, ["department_reviewer"]),
        "bureau_rev": make_user(
            "km_rev",
            make_org(name="昆明市科学技术局（测试）", org_type="prefecture_bureau"),
            ["department_reviewer"],
        ),
    }
    firm = make_org(name="某被许可企业", org_type="enterprise")
    referral = credit_referral_receive(
        user=manager_a,
        organisation=firm,
        subject_type="licensing.licence",
        subject_id="1",
        subject_label="许可合同 1",
        subject_url="",
        reason="门槛费逾期已超过 90 天，经催告仍未支付",
        evidence=[],
        today=dt.date(2025, 12, 1),
    )
    return {"referral": referral, "edu": edu, **people}


def test_the_referral_reaches_its_own_supervising_department_and_no_other(world, reviewer, client):
    referral = world["referral"]
    assert referral.supervisor == world["edu"]
    assert Notification.objects.filter(user=world["edu_rev"]).exists()
    assert Notification.objects.filter(user=reviewer).exists()  # the province decides
    assert list(selectors.referral_queue(user=world["edu_rev"])) == [referral]
    client.force_login(world["edu_rev"])
    page = client.get(reverse("credit:referral_detail", args=[referral.pk]))
    assert page.status_code == 200
    assert page.context["can_decide"] is False

    for other in ("health_rev", "bureau_rev"):
        assert not Notification.objects.filter(user=world[other]).exists(), other
        assert list(selectors.referral_queue(user=world[other])) == [], other
    client.force_login(world["health_rev"])
    assert client.get(reverse("credit:referral_detail", args=[referral.pk])).status_code == 404
    client.force_login(world["bureau_rev"])
    assert client.get(reverse("credit:referrals")).status_code == 403
    assert list(selectors.referral_queue(user=reviewer)) == [referral]
