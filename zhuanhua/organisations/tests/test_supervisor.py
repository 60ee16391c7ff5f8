"""A unit names its supervising department at sign-up; a later change waits for the provincial
department's review before it takes effect (issue 24)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from zhuanhua.core.uscc import make_uscc
from zhuanhua.notifications.models import Notification
from zhuanhua.organisations.models import Organisation, SupervisorChange
from zhuanhua.organisations.services import (
    organisation_sign_up,
    supervisor_change_decide,
    supervisor_change_request,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def edu(make_org):
    return make_org(name="云南省教育厅（测试）", org_type="supervising_department")


@pytest.fixture
def health(make_org):
    return make_org(name="云南省卫生健康委员会（测试）", org_type="supervising_department")


@pytest.fixture
def unit_admin(unit_a, make_user, edu):
    unit_a.supervisor = edu
    unit_a.save()
    return make_user("unit_admin", unit_a, ["org_admin"])


def test_sign_up_names_the_supervising_department(edu, client):
    page = client.get(reverse("organisations:sign_up"))
    assert edu.name in page.content.decode()
    client.post(
        reverse("organisations:sign_up"),
        {
            "name": "滇中职业技术学院",
            "org_type": "university",
            "uscc": make_uscc("12530100000009999"),
            "prefecture": "530100",
            "supervisor": edu.pk,
            "username": "dz_admin",
            "display_name": "李明",
            "password": "Dianzhong-2026",
        },
    )
    assert Organisation.objects.get(name="滇中职业技术学院").supervisor == edu


def test_sign_up_refuses_a_non_supervising_supervisor(unit_b):
    with pytest.raises(ValidationError) as exc:
        organisation_sign_up(
            data={
                "name": "某企业",
                "org_type": "university",
                "prefecture": "530100",
                "uscc": "x",
                "supervisor": unit_b,
            },
            username="x_admin",
            password="Dianzhong-2026",
            display_name="李明",
        )
    assert "supervisor" in exc.value.message_dict


def test_a_change_takes_effect_only_when_the_province_approves(
    unit_a, unit_admin, edu, health, reviewer, client
):
    change = supervisor_change_request(
        user=unit_admin, organisation=unit_a, supervisor=health, reason="附属医院划转"
    )
    unit_a.refresh_from_db()
    assert unit_a.supervisor == edu  # pending: nothing moved yet
    assert Notification.objects.filter(user=reviewer, kind="filing").exists()
    with pytest.raises(ValidationError):
        supervisor_change_request(
            user=unit_admin, organisation=unit_a, supervisor=None, reason="再次申请"
        )

    client.force_login(reviewer)
    assert unit_a.name in client.get(reverse("organisations:supervisor_changes")).content.decode()
    client.post(reverse("organisations:supervisor_change_decide", args=[change.pk, "approve"]))
    unit_a.refresh_from_db()
    assert unit_a.supervisor == health
    change.refresh_from_db()
    assert change.status == SupervisorChange.Status.APPROVED
    assert Notification.objects.filter(user=unit_admin, title__contains="已同意").exists()


def test_refusal_needs_a_reason_and_leaves_the_supervisor(
    unit_a, unit_admin, edu, health, reviewer
):
    change = supervisor_change_request(
        user=unit_admin, organisation=unit_a, supervisor=health, reason="划转"
    )
    with pytest.raises(ValidationError):
        supervisor_change_decide(user=reviewer, change=change, approve=False)
    supervisor_change_decide(user=reviewer, change=change, approve=False, reason="未见划转文件")
    assert Organisation.objects.get(pk=unit_a.pk).supervisor == edu


def test_only_the_provincial_department_decides(
    unit_a, unit_admin, health, make_user, make_org, manager_a
):
    bureau_rev = make_user(
        "km_rev",
        make_org(name="昆明市科学技术局（测试）", org_type="prefecture_bureau"),
        ["department_reviewer"],
    )
    health_rev = make_user("health_rev", health, ["department_reviewer"])
    with pytest.raises(PermissionDenied):
        supervisor_change_request(
            user=manager_a, organisation=unit_a, supervisor=health, reason="划转"
        )
    change = supervisor_change_request(
        user=unit_admin, organisation=unit_a, supervisor=health, reason="划转"
    )
    for user in (bureau_rev, health_rev):
        with pytest.raises(PermissionDenied):
            supervisor_change_decide(user=user, change=change, approve=True)


def test_the_unit_page_shows_the_supervisor_and_the_pending_change(
    unit_a, unit_admin, health, client
):
    client.force_login(unit_admin)
    page = client.get(reverse("organisations:supervisor"))
    assert "云南省教育厅（测试）" in page.content.decode()
    client.post(reverse("organisations:supervisor"), {"supervisor": health.pk, "reason": "划转"})
    page = client.get(reverse("organisations:supervisor"))
    assert 'data-testid="pending-change"' in page.content.decode()
