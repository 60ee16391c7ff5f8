"""Pages and API of projects: who sees what, the forms, the evaluation table and its export."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from zhuanhua.projects.models import FundedProject
from zhuanhua.projects.tests.conftest import make_achievement, make_licence, make_payment

pytestmark = pytest.mark.django_db

Q = "?start=2024-01-01&end=2024-12-31"


def test_project_pages_visibility(
    client: Any, project: Any, manager_a: Any, make_org: Any, make_user: Any
) -> None:
    outsider = make_user("outsider", make_org(), ["org_admin"])
    client.force_login(outsider)
    assert client.get(reverse("projects:project_detail", args=[project.pk])).status_code == 404
    assert client.get(reverse("projects:project_create")).status_code == 403
    assert client.get(f"/api/projects/{project.pk}").status_code == 404
    client.force_login(manager_a)
    page = client.get(reverse("projects:project_detail", args=[project.pk]))
    assert page.status_code == 200
    assert "转化固态储氢材料制备技术" in page.content.decode()
    # The lead links its achievement through the page.
    a = make_achievement(project.lead)
    client.post(reverse("projects:project_link", args=[project.pk]), {"achievement": a.pk})
    assert list(project.achievement_links.values_list("achievement_id", flat=True)) == [a.pk]
    assert (
        client.post(
            reverse("projects:project_accept", args=[project.pk]), {"accepted_on": "2025-01-01"}
        ).status_code
        == 403
    )


def test_department_registers_through_the_form(
    client: Any, reviewer: Any, unit_a: Any, unit_b: Any
) -> None:
    client.force_login(reviewer)
    response = client.post(
        reverse("projects:project_create"),
        {
            "programme": "重大科技专项",
            "code": "2024ZD01",
            "title": "高原特色农业",
            "lead": unit_a.pk,
            "partners": [unit_b.pk],
            "is_applied": "on",
            "funding_amount": "2000000",
            "funding_mode": "grant_plus_investment",
            "start_on": "2024-01-01",
            "acceptance_due_on": "2026-12-31",
            "duty_description": "转化两项品种权",
            "duty_due_on": "2026-06-30",
            "duty_required_count": "2",
        },
    )
    project = FundedProject.objects.get(code="2024ZD01")
    assert response.status_code == 302
    assert project.get_funding_mode_display() == "拨投结合"
    assert project.duties.get().required_count == 2
    # Missing duty on an applied project: the form shows the service's error.
    response = client.post(
        reverse("projects:project_create"),
        {
            "programme": "x",
            "code": "2024ZD02",
            "title": "x",
            "lead": unit_a.pk,
            "is_applied": "on",
            "funding_amount": "1",
            "funding_mode": "grant",
            "start_on": "2024-01-01",
            "acceptance_due_on": "2026-12-31",
        },
    )
    assert response.status_code == 200
    assert "应用技术类项目须在立项时约定至少一项转化义务" in response.content.decode()


def test_performance_pages(
    client: Any,
    project: Any,
    reviewer: Any,
    manager_a: Any,
    manager_b: Any,
    unit_a: Any,
    unit_b: Any,
    make_org: Any,
) -> None:
    enterprise = make_org(name="某企业", org_type="enterprise")
    a = make_achievement(unit_a, ip_acquired_on=dt.date(2024, 3, 3))
    licence = make_licence(a, enterprise, signed_on=dt.date(2024, 4, 1))
    make_payment(licence, "5000.00", dt.date(2024, 5, 5))
    client.force_login(manager_a)
    assert client.get(reverse("projects:performance") + Q).status_code == 403
    own = client.get(reverse("projects:performance_unit", args=[unit_a.pk]) + Q)
    assert own.status_code == 200
    assert client.get(reverse("projects:performance_unit", args=[unit_b.pk]) + Q).status_code == 404
    client.force_login(reviewer)
    page = client.get(reverse("projects:performance") + Q).content.decode()
    records_url = reverse("projects:performance_records", args=[unit_a.pk, "received_amount"])
    assert records_url in page
    assert "5,000.00" in page
    records = client.get(records_url + Q).content.decode()
    assert "5,000.00" in records
    assert reverse("licensing:licence_detail", args=[licence.pk]) in records
    export = client.get(reverse("projects:performance_xlsx") + Q)
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    first = rows[0]
    assert first[:2] == (1, unit_a.name)
    assert first[10] == 5000  # 实际到账额 (column order of PERFORMANCE_METRICS)
    api = client.get("/api/projects/performance" + Q)
    assert api.status_code == 200
    assert json.loads(api.content)[0]["received_amount"] == "5000.00"
    assert json.loads(api.content)[0]["funding_amount"] == "0.00"  # project started 2023
