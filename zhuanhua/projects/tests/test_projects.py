"""Funded projects: registration rules, achievement links, the acceptance report and the
reminder of a duty that fell due without a transfer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from zhuanhua.core.inputs import ERR_MONEY_NEGATIVE
from zhuanhua.projects import services
from zhuanhua.projects.jobs import project_duty_reminders
from zhuanhua.projects.models import DutyReminder, FundedProject
from zhuanhua.projects.selectors import acceptance_report, duty_statuses, projects_visible_to
from zhuanhua.projects.tests.conftest import make_achievement, make_licence, make_payment

pytestmark = pytest.mark.django_db

DUTY = services.DutyInput(description="d", due_on=dt.date(2024, 1, 1))


PANEL = services.AcceptanceInput(
    panel=[
        {"name": "王教授", "employer": "云南大学"},
        {"name": "李研究员", "employer": "云南省农业科学院"},
        {"name": "张总工", "employer": "云南白药集团", "enterprise": True},
    ],
    transfer_finding="met",
    opinion="按约定完成转化，同意通过验收。",
)


def _input(**over: Any) -> services.ProjectInput:
    base: dict[str, Any] = {
        "programme": "重点研发计划",
        "code": "X1",
        "title": "项目",
        "lead": None,
        "funding_amount": Decimal("10.00"),
        "start_on": dt.date(2023, 1, 1),
        "acceptance_due_on": dt.date(2024, 1, 1),
    }
    return services.ProjectInput(**{**base, **over})


def test_only_the_department_registers(manager_a: Any, unit_a: Any) -> None:
    with pytest.raises(PermissionDenied) as exc:
        services.project_create(user=manager_a, data=_input(lead=unit_a, duties=[DUTY]))
    assert str(exc.value) == services.ERR_NOT_DEPARTMENT


def test_applied_project_needs_a_duty(reviewer: Any, unit_a: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.project_create(user=reviewer, data=_input(lead=unit_a))
    assert exc.value.message_dict == {"duties": [services.ERR_NO_DUTY]}


def test_enterprise_led_flag_needs_an_enterprise(reviewer: Any, unit_a: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.project_create(
            user=reviewer, data=_input(lead=unit_a, is_enterprise_led=True, duties=[DUTY])
        )
    assert exc.value.message_dict == {"is_enterprise_led": [services.ERR_LEAD_NOT_ENTERPRISE]}


def test_funding_mode_and_amount_checked(reviewer: Any, enterprise: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.project_create(
            user=reviewer,
            data=_input(lead=enterprise, funding_amount=Decimal("-1"), duties=[DUTY]),
        )
    assert exc.value.message_dict == {"funding_amount": [ERR_MONEY_NEGATIVE]}
    project = services.project_create(
        user=reviewer,
        data=_input(
            lead=enterprise,
            is_enterprise_led=True,
            funding_mode="invest_then_equity",
            duties=[DUTY],
        ),
    )
    assert project.get_funding_mode_display() == "先投后股"
    assert project.is_enterprise_led


def test_link_rules(project: Any, manager_a: Any, manager_b: Any, make_org: Any) -> None:
    own = make_achievement(project.lead)
    services.project_link_achievement(user=manager_a, project=project, achievement=own)
    with pytest.raises(ValidationError) as exc:
        services.project_link_achievement(user=manager_a, project=project, achievement=own)
    assert exc.value.message_dict == {"achievement": [services.ERR_ALREADY_LINKED]}
    # A partner links its own achievement, not the lead's.
    other = make_achievement(project.lead)
    with pytest.raises(ValidationError):
        services.project_link_achievement(user=manager_b, project=project, achievement=other)
    stranger_org = make_org(name="局外单位")
    stranger = make_achievement(stranger_org)
    with pytest.raises(ValidationError) as exc:
        services.project_link_achievement(user=manager_a, project=project, achievement=stranger)
    assert exc.value.message_dict == {"achievement": [services.ERR_ACHIEVEMENT_NOT_PARTY]}


def test_visibility(
    project: Any, manager_a: Any, manager_b: Any, make_org: Any, make_user: Any, auditor: Any
) -> None:
    outsider = make_user("outsider", make_org(), ["org_admin"])
    assert list(projects_visible_to(manager_a)) == [project]
    assert list(projects_visible_to(manager_b)) == [project]  # a partner
    assert list(projects_visible_to(auditor)) == [project]
    assert list(projects_visible_to(outsider)) == []


def test_reminder_fires_once_when_duty_falls_due_without_transfer(
    project: Any, lead_admin: Any, reviewer_mail: Any
) -> None:
    make_achievement(project.lead)  # an untransferred result, not even linked
    duty = project.duties.get()
    assert project_duty_reminders(duty.due_on - dt.timedelta(days=1))["reminders"] == 0
    assert mail.outbox == []
    summary = project_duty_reminders(duty.due_on)
    assert summary["reminders"] == 1
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == ["lead@example.com", "reviewer@example.com"]
    assert duty.description in mail.outbox[0].body
    assert DutyReminder.objects.filter(project=project, duty=duty).count() == 1
    # Later runs (next day, a month later) send nothing more.
    assert project_duty_reminders(duty.due_on + dt.timedelta(days=1))["reminders"] == 0
    assert project_duty_reminders(duty.due_on + dt.timedelta(days=30))["reminders"] == 0
    assert len(mail.outbox) == 1


def test_no_reminder_when_a_linked_achievement_was_transferred(
    project: Any, manager_a: Any, lead_admin: Any
) -> None:
    achievement = make_achievement(
        project.lead, transfer_status="transferred", transferred_on=dt.date(2024, 3, 1)
    )
    services.project_link_achievement(user=manager_a, project=project, achievement=achievement)
    assert project_duty_reminders(dt.date(2025, 7, 1))["reminders"] == 0
    assert mail.outbox == []


def test_no_reminder_when_a_linked_achievement_is_licensed(
    project: Any, manager_a: Any, lead_admin: Any, enterprise: Any
) -> None:
    achievement = make_achievement(project.lead)
    services.project_link_achievement(user=manager_a, project=project, achievement=achievement)
    make_licence(achievement, enterprise, signed_on=None, status="draft_contract")
    # An unsigned draft contract is not yet a transfer.
    assert [s.met for s in duty_statuses(project, dt.date(2025, 7, 1))] == [False]
    make_licence(make_achievement(project.lead), enterprise, signed_on=None)  # not linked
    licence = make_licence(achievement, enterprise, signed_on=dt.date(2025, 1, 5))
    assert licence.pk
    assert [s.met for s in duty_statuses(project, dt.date(2025, 7, 1))] == [True]
    assert project_duty_reminders(dt.date(2025, 7, 1))["reminders"] == 0


def test_acceptance_report_against_the_duty(
    project: Any, manager_a: Any, reviewer: Any, enterprise: Any
) -> None:
    a1 = make_achievement(project.lead)
    a2 = make_achievement(project.lead, ip_type="know_how", ip_number="")
    for a in (a1, a2):
        services.project_link_achievement(user=reviewer, project=project, achievement=a)
    licence = make_licence(a1, enterprise, signed_on=dt.date(2024, 2, 1))
    make_payment(licence, "1000.00", dt.date(2024, 6, 30))
    make_payment(licence, "234.56", dt.date(2024, 9, 30))
    services.project_accept(
        user=reviewer, project=project, accepted_on=dt.date(2025, 12, 1), acceptance=PANEL
    )
    report = acceptance_report(project, dt.date(2025, 12, 1))
    assert [a.pk for a in report.achievements] == [a1.pk, a2.pk]
    assert report.ip_count == 1
    assert [lic.pk for lic in report.licences] == [licence.pk]
    assert report.received_amount == Decimal("1234.56")
    assert [(s.met, [a.pk for a in s.transferred]) for s in report.duties] == [(True, [a1.pk])]
    with pytest.raises(ValidationError) as exc:
        services.project_accept(
            user=reviewer, project=project, accepted_on=dt.date(2025, 12, 2), acceptance=PANEL
        )
    assert exc.value.message_dict == {"accepted_on": [services.ERR_ALREADY_ACCEPTED]}


def test_duty_naming_one_achievement(project: Any, reviewer: Any) -> None:
    named = make_achievement(project.lead)
    other = make_achievement(
        project.lead, transfer_status="licensed", transferred_on=dt.date(2024, 1, 1)
    )
    services.project_link_achievement(user=reviewer, project=project, achievement=other)
    duty = services.duty_add(
        user=reviewer,
        project=project,
        description="指定成果转化",
        due_on=dt.date(2025, 1, 1),
        achievement=named,
    )
    statuses = {s.duty.pk: s for s in duty_statuses(project, dt.date(2025, 2, 1))}
    assert statuses[duty.pk].overdue  # the other achievement does not count for it
    assert project_duty_reminders(dt.date(2025, 2, 1))["reminders"] == 1


def test_the_api_registers_a_project_with_its_partners_and_duties(
    client: Any, reviewer: Any, unit_a: Any, unit_b: Any
) -> None:
    achievement = make_achievement(unit_b)
    client.force_login(reviewer)
    body = {
        "programme": "重点研发计划",
        "code": "API-1",
        "title": "接口登记的项目",
        "lead_id": unit_a.pk,
        "partner_ids": [unit_b.pk, unit_a.pk],
        "funding_amount": "250000.50",
        "start_on": "2024-01-01",
        "acceptance_due_on": "2025-12-31",
        "duties": [
            {
                "description": "转化一项成果",
                "due_on": "2025-06-30",
                "achievement_id": achievement.pk,
            },
            {"description": "再转化两项", "due_on": "2025-12-31", "required_count": 0},
        ],
    }
    response = client.post("/api/projects/", body, content_type="application/json")
    assert response.status_code == 201
    project = FundedProject.objects.get(code="API-1")
    assert (project.lead_id, project.funding_amount, project.funding_mode) == (
        unit_a.pk,
        Decimal("250000.50"),
        "grant",
    )
    assert list(project.partners.values_list("pk", flat=True)) == [unit_b.pk]  # not the lead
    assert list(
        project.duties.order_by("due_on").values_list(
            "description", "achievement_id", "required_count"
        )
    ) == [("转化一项成果", achievement.pk, 1), ("再转化两项", None, 1)]
