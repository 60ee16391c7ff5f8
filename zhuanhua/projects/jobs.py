"""Daily job of the projects app: a transfer duty that fell due without a transfer raises one
reminder, e-mailed to the lead organisation's admins and the department reviewers."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from zhuanhua.accounts.choices import Role
from zhuanhua.accounts.models import User
from zhuanhua.audit.services import audit_record
from zhuanhua.projects.models import DutyReminder, FundedProject, TransferDuty
from zhuanhua.projects.selectors import duty_statuses

log = logging.getLogger(__name__)


def reminder_recipients(project: FundedProject) -> list[str]:
    """The lead organisation's admins and the department's reviewers, by e-mail."""
    people = User.objects.filter(is_active=True).exclude(email="").select_related("organisation")
    emails = set()
    for user in people.filter(organisation_id=project.lead_id):
        if user.has_role(Role.ORG_ADMIN):
            emails.add(user.email)
    for user in people.filter(organisation__org_type="department"):
        if user.has_role(Role.DEPARTMENT_REVIEWER):
            emails.add(user.email)
    return sorted(emails)


def _text(project: FundedProject, duty: TransferDuty) -> tuple[str, str]:
    subject = f"【科技计划项目】转化义务已到期未完成：{project.code} {project.title}"
    body = "\n".join(
        [
            f"项目：{project.code} {project.title}（{project.programme}）",
            f"牵头单位：{project.lead.name}",
            f"转化义务：{duty.description}",
            f"转化期限：{duty.due_on.isoformat()}",
            "截至今日平台尚无该义务对应的成果转化或许可记录。",
            "请牵头单位在平台关联项目成果并登记转化（转让、许可、作价入股或自行实施），"
            "主管部门将在项目验收和绩效评价中核查。",
        ]
    )
    return subject, body


def project_duty_reminders(today: dt.date) -> dict[str, int]:
    """Remind once per duty that is due on or before ``today`` and not met.

    The ``DutyReminder`` row (unique per project and duty) is written in the same transaction
    as the e-mail is sent: a failed send keeps no row so the next run tries again; a second run
    finds the row and sends nothing.
    """
    summary = {"duties": 0, "reminders": 0, "emails": 0, "errors": 0}
    due = (
        TransferDuty.objects.filter(due_on__lte=today, reminders__isnull=True)
        .select_related("project", "project__lead")
        .order_by("due_on", "id")
    )
    projects: dict[int, FundedProject] = {}
    for duty in due:
        projects.setdefault(duty.project_id, duty.project)
    for project in projects.values():
        for status in duty_statuses(project, today):
            duty = status.duty
            if not status.overdue or DutyReminder.objects.filter(duty=duty).exists():
                continue
            summary["duties"] += 1
            subject, body = _text(project, duty)
            recipients = reminder_recipients(project)
            try:
                with transaction.atomic():
                    row = DutyReminder.objects.create(
                        project=project, duty=duty, fired_on=today, recipients=recipients
                    )
                    audit_record(
                        actor=None,
                        obj=row,
                        action="project.duty_reminder",
                        detail={
                            "project": project.pk,
                            "duty": duty.pk,
                            "due_on": duty.due_on.isoformat(),
                        },
                    )
                    if recipients:
                        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
                        summary["emails"] += 1
            except IntegrityError:  # another run got there first
                continue
            except Exception:  # mail server down: no row kept, the next run sends it
                log.exception("project duty reminder: duty %s", duty.pk)
                summary["errors"] += 1
                continue
            summary["reminders"] += 1
    return summary
