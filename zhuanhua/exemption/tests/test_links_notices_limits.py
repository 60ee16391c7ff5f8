"""Issue 24.7 and 24.1: a case links to the unit's own platform records; the persons concerned
and every objector are told of each step and of the review's outcome; the unit's rules set
time limits the case shows in working days; the final decision is filed with the unit's own
supervising department, which sees its units' cases and no others."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from zhuanhua.exemption import selectors
from zhuanhua.exemption import services as s
from zhuanhua.exemption.tests.conftest import AFTER, CASE_DATA, START
from zhuanhua.notifications.models import Notification
from zhuanhua.publicity.jobs import publicity_close_due
from zhuanhua.publicity.services import objection_file

pytestmark = pytest.mark.django_db


def test_a_case_links_only_the_units_own_records(handler_a, published_a, unit_b, make_user):
    case = s.case_create(user=handler_a, data={**CASE_DATA, "achievement": published_a.pk})
    assert case.achievement == published_a
    assert list(s.unit_link_choices(handler_a.organisation_id)["achievement"]) == [published_a]

    handler_b = make_user("handler_b2", unit_b, ["org_admin"])
    with pytest.raises(ValidationError) as exc:
        s.case_create(user=handler_b, data={**CASE_DATA, "achievement": published_a.pk})
    assert exc.value.message_dict["achievement"] == [s.ERR_LINK_OTHER_UNIT]


def test_the_case_form_offers_the_units_records(handler_a, published_a, client):
    client.force_login(handler_a)
    page = client.get(reverse("exemption:create")).content.decode()
    assert published_a.title in page
    assert 'name="subject_type"' not in page


def test_persons_and_objectors_are_told_of_each_step(
    in_publicity, handler_a, leader_user, researcher_user, make_org, make_user
):
    assert Notification.objects.filter(user=leader_user, kind="exemption").count() == 2
    staff = make_user("objector", in_publicity.unit, ["researcher"])
    objection = objection_file(
        user=staff, notice=in_publicity.notice, content="领导人员当时并未反对", today=START
    )
    s.review_record(
        user=handler_a,
        case=in_publicity,
        objection=objection,
        result="upheld",
        findings="经核实，会议纪要记载明确。",
        answer="维持原认定结论。",
    )
    for user in (staff, leader_user, researcher_user):
        assert Notification.objects.filter(user=user, title__contains="异议复核结果").exists(), user
    publicity_close_due(AFTER)
    s.case_decide(user=handler_a, case=in_publicity, text="予以免责。", today=AFTER)
    assert Notification.objects.filter(user=staff, title__contains="最终决定").exists()


def test_time_limits_from_the_units_rules_in_working_days(handler_a, case, unit_a):
    rules = s.rules_create(
        user=handler_a,
        data={
            "kind": "exemption_rules",
            "title": "尽职免责实施办法",
            "adopted_on": START,
            "adoption_record": "党委会审议通过",
            "investigation_days": 10,
            "review_days": 5,
        },
        today=START,
    )
    assert (rules.investigation_days, rules.review_days) == (10, 5)
    case.created_at = case.created_at.replace(year=2025, month=9, day=1)  # a Monday
    [limit] = selectors.case_time_limits(case, START)
    assert limit.label == "调查"
    assert limit.ends_on == dt.date(2025, 9, 15)  # 10 working days: two weekends skipped
    assert limit.state == "剩余 14 天"
    late = selectors.case_time_limits(case, dt.date(2025, 9, 18))[0]
    assert late.overdue
    assert late.state == "已逾期 3 天"
    # National Day week: 10 working days from 2025-09-30 end on 2025-10-21 (holiday table).
    case.created_at = case.created_at.replace(day=30)
    assert selectors.case_time_limits(case, START)[0].ends_on == dt.date(2025, 10, 21)

    with pytest.raises(ValidationError):
        s.rules_create(
            user=handler_a,
            data={"kind": "exemption_rules", "title": "x", "investigation_days": 0},
            today=START,
        )


def test_the_dossier_is_filed_with_the_units_own_supervising_department(
    in_publicity, handler_a, unit_a, make_org, make_user, reviewer, client
):
    edu = make_org(name="云南省教育厅（测试）", org_type="supervising_department")
    health = make_org(name="云南省卫生健康委员会（测试）", org_type="supervising_department")
    unit_a.supervisor = edu
    unit_a.save()
    edu_rev = make_user("edu_rev", edu, ["department_reviewer"])
    health_rev = make_user("health_rev", health, ["department_reviewer"])
    bureau_rev = make_user(
        "km_rev",
        make_org(name="昆明市科学技术局（测试）", org_type="prefecture_bureau"),
        ["department_reviewer"],
    )
    publicity_close_due(AFTER)
    case = s.case_decide(user=handler_a, case=in_publicity, text="予以免责。", today=AFTER)
    assert case.filed_with == edu
    assert list(selectors.filed_with_me(edu_rev)) == [case]
    assert Notification.objects.filter(user=edu_rev, title__contains="案卷备案").exists()
    assert not Notification.objects.filter(user=health_rev).exists()

    client.force_login(edu_rev)
    assert client.get(reverse("exemption:detail", args=[case.pk])).status_code == 200
    for other in (health_rev, bureau_rev):
        assert list(selectors.case_visible_to(other)) == []
        assert list(selectors.filed_with_me(other)) == []
        client.force_login(other)
        assert client.get(reverse("exemption:detail", args=[case.pk])).status_code == 404
    assert list(selectors.case_visible_to(reviewer)) == [case]  # the province sees everything
