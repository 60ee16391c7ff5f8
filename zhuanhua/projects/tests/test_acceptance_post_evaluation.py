"""Measure 5 followed through (issue 24.7): acceptance by a panel with enterprise experts that
records its findings on transfer, IP and contract registration; a post-evaluation a year later;
both feed the unit performance evaluation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from zhuanhua.notifications.models import Notification
from zhuanhua.projects import services
from zhuanhua.projects.selectors import Period, performance_records, unit_performance

pytestmark = pytest.mark.django_db

HELD = dt.date(2025, 3, 10)
ACADEMICS = [
    {"name": "王教授", "employer": "云南大学"},
    {"name": "李研究员", "employer": "云南省农业科学院"},
]
EXPERT = {"name": "张总工", "employer": "云南白药集团", "enterprise": True}


def _acceptance(panel=None, **over):
    data = {
        "panel": panel if panel is not None else [*ACADEMICS, EXPERT],
        "transfer_finding": "met",
        "opinion": "按约定完成转化，同意通过验收。",
        "ip_count": 2,
        "contracts_registered": 1,
        "registration_notes": "技术合同已在昆明市技术合同登记站认定登记",
    }
    data.update(over)
    return services.AcceptanceInput(**data)


def test_the_panel_needs_an_enterprise_expert(project, reviewer):
    with pytest.raises(ValidationError) as exc:
        services.project_accept(
            user=reviewer,
            project=project,
            accepted_on=HELD,
            acceptance=_acceptance([*ACADEMICS, {"name": "赵教授", "employer": "昆明理工大学"}]),
        )
    assert exc.value.message_dict["panel"] == [services.ERR_PANEL_ENTERPRISE]
    with pytest.raises(ValidationError) as exc:
        services.project_accept(
            user=reviewer, project=project, accepted_on=HELD, acceptance=_acceptance([EXPERT])
        )
    assert exc.value.message_dict["panel"] == [services.ERR_PANEL_SIZE]


def test_acceptance_records_findings_and_tells_the_lead(project, reviewer, unit_a, make_user):
    admin = make_user("lead_admin", unit_a, ["org_admin"])
    project = services.project_accept(
        user=reviewer, project=project, accepted_on=HELD, acceptance=_acceptance()
    )
    assert project.accepted_on == HELD
    record = project.acceptance
    assert record.enterprise_experts == [EXPERT]
    assert (record.transfer_finding, record.ip_count, record.contracts_registered) == ("met", 2, 1)
    assert Notification.objects.filter(user=admin, title__contains="验收通过").exists()


def test_only_the_provincial_department_accepts(project, make_org, make_user):
    bureau_rev = make_user(
        "km_rev",
        make_org(name="昆明市科学技术局（测试）", org_type="prefecture_bureau"),
        ["department_reviewer"],
    )
    with pytest.raises(PermissionDenied):
        services.project_accept(
            user=bureau_rev, project=project, accepted_on=HELD, acceptance=_acceptance()
        )


def test_post_evaluation_a_year_after_acceptance(project, reviewer):
    with pytest.raises(ValidationError) as exc:
        services.project_post_evaluate(
            user=reviewer,
            project=project,
            evaluated_on=dt.date(2026, 3, 10),
            rating="good",
            transfer_progress="x",
        )
    assert exc.value.message_dict["evaluated_on"] == [services.ERR_NOT_ACCEPTED]
    services.project_accept(
        user=reviewer, project=project, accepted_on=HELD, acceptance=_acceptance()
    )
    with pytest.raises(ValidationError) as exc:
        services.project_post_evaluate(
            user=reviewer,
            project=project,
            evaluated_on=dt.date(2026, 3, 9),
            rating="good",
            transfer_progress="x",
        )
    assert "2026-03-10" in exc.value.message_dict["evaluated_on"][0]
    record = services.project_post_evaluate(
        user=reviewer,
        project=project,
        evaluated_on=dt.date(2026, 3, 10),
        rating="excellent",
        transfer_progress="被许可企业已量产，新增销售收入 1,200 万元。",
    )
    assert record.get_rating_display() == "优秀"
    assert services.post_evaluation_earliest(dt.date(2024, 2, 29)) == dt.date(2025, 2, 28)


def test_both_feed_the_unit_performance_evaluation(project, reviewer, unit_a):
    services.project_accept(
        user=reviewer, project=project, accepted_on=HELD, acceptance=_acceptance()
    )
    services.project_post_evaluate(
        user=reviewer,
        project=project,
        evaluated_on=dt.date(2026, 4, 1),
        rating="good",
        transfer_progress="持续实施。",
    )
    y2025 = Period(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    y2026 = Period(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    row = next(r for r in unit_performance(y2025) if r.unit.pk == unit_a.pk)
    assert (row.figures["accepted_count"], row.figures["accepted_transferred_count"]) == (1, 1)
    assert row.figures["post_good_count"] == 0
    row = next(r for r in unit_performance(y2026) if r.unit.pk == unit_a.pk)
    assert (row.figures["accepted_count"], row.figures["post_good_count"]) == (0, 1)
    assert performance_records(y2026, unit_a, "post_good_count") == ("project", [project])


def test_the_department_accepts_through_the_page(project, reviewer, client):
    client.force_login(reviewer)
    page = client.get(reverse("projects:project_detail", args=[project.pk]))
    assert "企业专家" in page.content.decode()
    form = {
        "accepted_on": "2025-03-10",
        "passed": "1",
        "transfer_finding": "partly",
        "ip_count": "1",
        "contracts_registered": "0",
        "opinion": "部分完成转化，同意通过。",
        "panel_name_1": "王教授",
        "panel_employer_1": "云南大学",
        "panel_name_2": "李研究员",
        "panel_name_3": "张总工",
        "panel_employer_3": "云南白药集团",
        "panel_enterprise_3": "on",
    }
    client.post(reverse("projects:project_accept", args=[project.pk]), form)
    project.refresh_from_db()
    assert project.acceptance.transfer_finding == "partly"
    page = client.get(reverse("projects:project_detail", args=[project.pk])).content.decode()
    assert 'data-testid="acceptance"' in page
    assert "后评价（验收满一年后）" in page
