"""The daily job: who joins the 先用后转 list and when, who leaves, reminders, idempotency."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command

from zhuanhua.achievements.models import Achievement
from zhuanhua.achievements.services import achievement_update
from zhuanhua.audit.models import AuditEntry
from zhuanhua.audit.services import audit_verify
from zhuanhua.transfer.jobs import use_first_list_update
from zhuanhua.transfer.models import TransferReminder, UseFirstListEntry

D = dt.date
pytestmark = pytest.mark.django_db


def entry_of(achievement: Any) -> UseFirstListEntry | None:
    return UseFirstListEntry.objects.filter(achievement=achievement).first()


def kinds(achievement: Any) -> list[str]:
    return sorted(
        TransferReminder.objects.filter(achievement=achievement).values_list("kind", flat=True)
    )


def test_joins_exactly_on_joins_list_on_not_the_day_before(manager_a_mail, make_achievement):
    a = make_achievement(manager_a_mail, D(2024, 3, 10))

    summary = use_first_list_update(D(2026, 3, 10))
    assert entry_of(a) is None
    assert summary["joined"] == 0

    summary = use_first_list_update(D(2026, 3, 11))
    entry = entry_of(a)
    assert entry is not None
    assert entry.joined_on == D(2026, 3, 11)
    assert entry.left_on is None
    assert entry.terms_completed_on is None
    assert entry.notified_at is not None
    assert summary == {"checked": 1, "joined": 1, "left": 0, "reminded": 1, "mails": 1, "errors": 0}
    joined = TransferReminder.objects.get(achievement=a, kind="joined")
    assert joined.sent_on == D(2026, 3, 11)
    assert joined.joins_on == D(2026, 3, 11)
    assert joined.recipients == ["manager_a@ynu.example.cn"]


def test_29_february_joins_on_1_march(manager_a_mail, make_achievement):
    a = make_achievement(manager_a_mail, D(2024, 2, 29))
    use_first_list_update(D(2026, 2, 28))
    assert entry_of(a) is None
    use_first_list_update(D(2026, 3, 1))
    assert entry_of(a).joined_on == D(2026, 3, 1)


def test_transfer_on_last_day_of_the_period_never_joins(manager_a_mail, make_achievement):
    a = make_achievement(
        manager_a_mail, D(2024, 3, 10), transfer_status="licensed", transferred_on=D(2026, 3, 10)
    )
    for day in (D(2026, 3, 10), D(2026, 3, 11), D(2026, 6, 1)):
        use_first_list_update(day)
    assert entry_of(a) is None
    assert kinds(a) == []
    assert mail.outbox == []


def test_transfer_on_the_joining_day_never_lists_it(manager_a_mail, make_achievement):
    """It would join on 2026-03-11 and leave the same day: never on the list (engine.on_list)."""
    a = make_achievement(
        manager_a_mail, D(2024, 3, 10), transfer_status="transferred", transferred_on=D(2026, 3, 11)
    )
    use_first_list_update(D(2026, 3, 11))
    assert entry_of(a) is None


def test_leaves_the_list_when_transferred_on_its_transfer_date(manager_a_mail, make_achievement):
    a = make_achievement(manager_a_mail, D(2024, 3, 10))
    use_first_list_update(D(2026, 3, 11))
    achievement_update(
        user=manager_a_mail,
        achievement=a,
        data={"transfer_status": "transferred", "transferred_on": D(2026, 5, 20)},
    )

    summary = use_first_list_update(D(2026, 5, 22))
    entry = entry_of(a)
    assert summary["left"] == 1
    assert entry.joined_on == D(2026, 3, 11)
    assert entry.left_on == D(2026, 5, 20)
    assert entry.left_reason == "transferred"
    leave = AuditEntry.objects.filter(action="use_first_list.leave").get()
    assert leave.object_type == "transfer.usefirstlistentry"
    assert leave.object_id == str(entry.pk)
    assert leave.actor_label == "系统"
    assert use_first_list_update(D(2026, 5, 23))["left"] == 0
    assert audit_verify() is None


@pytest.mark.parametrize("status", ["self_implemented", "licensed", "equity_contributed"])
def test_leaves_on_the_run_day_when_no_transfer_date(manager_a_mail, make_achievement, status):
    a = make_achievement(manager_a_mail, D(2024, 3, 10))
    use_first_list_update(D(2026, 3, 11))
    Achievement.objects.filter(pk=a.pk).update(transfer_status=status, transferred_on=None)
    use_first_list_update(D(2026, 4, 2))
    assert entry_of(a).left_on == D(2026, 4, 2)


def test_reminders_at_90_and_30_days_once_each(manager_a_mail, make_achievement):
    a = make_achievement(manager_a_mail, D(2024, 3, 10))  # joins 2026-03-11
    expected = {
        D(2025, 12, 10): [],
        D(2025, 12, 11): ["90"],
        D(2025, 12, 12): ["90"],
        D(2026, 2, 8): ["90"],
        D(2026, 2, 9): ["30", "90"],
        D(2026, 2, 10): ["30", "90"],
        D(2026, 3, 10): ["30", "90"],
        D(2026, 3, 11): ["30", "90", "joined"],
        D(2026, 3, 12): ["30", "90", "joined"],
    }
    for day, sent in expected.items():
        use_first_list_update(day)
        assert kinds(a) == sent, day
    assert len(mail.outbox) == 3
    first, second, third = mail.outbox
    assert first.to == ["manager_a@ynu.example.cn"]
    assert first.subject == f"【限时转化提醒】“{a.title}”将于 2026-03-11 进入先用后转清单"
    assert "（90 天后）" in first.body
    assert "（30 天后）" in second.body
    assert third.subject == f"【先用后转】“{a.title}”已进入先用后转清单"
    assert "/transfer/mine/" in third.body
    sent_on = dict(TransferReminder.objects.filter(achievement=a).values_list("kind", "sent_on"))
    assert sent_on == {"90": D(2025, 12, 11), "30": D(2026, 2, 9), "joined": D(2026, 3, 11)}


def test_missed_days_send_only_the_latest_notice(manager_a_mail, make_achievement):
    """A job that did not run for weeks catches up with one notice, never a backlog."""
    a = make_achievement(manager_a_mail, D(2024, 3, 10))
    use_first_list_update(D(2026, 2, 20))
    assert kinds(a) == ["30"]
    b = make_achievement(manager_a_mail, D(2023, 1, 5))  # joined 2025-01-06
    use_first_list_update(D(2026, 2, 20))
    assert kinds(b) == ["joined"]
    assert entry_of(b).joined_on == D(2025, 1, 6)
    assert len(mail.outbox) == 2


def test_second_run_changes_nothing_and_sends_nothing(manager_a_mail, make_achievement):
    make_achievement(manager_a_mail, D(2024, 3, 10))
    make_achievement(manager_a_mail, D(2024, 5, 1))  # joins 2026-05-02: 30-day reminder 2026-04-02
    first = use_first_list_update(D(2026, 4, 2))
    assert first == {"checked": 2, "joined": 1, "left": 0, "reminded": 2, "mails": 2, "errors": 0}
    counts = (
        UseFirstListEntry.objects.count(),
        TransferReminder.objects.count(),
        AuditEntry.objects.count(),
        len(mail.outbox),
    )
    second = use_first_list_update(D(2026, 4, 2))
    assert second == {"checked": 2, "joined": 0, "left": 0, "reminded": 0, "mails": 0, "errors": 0}
    assert (
        (
            UseFirstListEntry.objects.count(),
            TransferReminder.objects.count(),
            AuditEntry.objects.count(),
            len(mail.outbox),
        )
        == counts
        == (1, 2, counts[2], 2)
    )


def test_jobs_command_runs_it(manager_a_mail, make_achievement):
    a = make_achievement(manager_a_mail, D(2024, 3, 10))
    call_command("jobs", "run-due", "--date", "2026-03-11")
    call_command("jobs", "run-due", "--date", "2026-03-11")
    assert entry_of(a).joined_on == D(2026, 3, 11)
    assert len(mail.outbox) == 1


def test_only_fiscally_funded_applied_results_join(manager_a_mail, make_achievement):
    unfunded = make_achievement(manager_a_mail, D(2023, 3, 10), fiscally_funded=False)
    basic = make_achievement(manager_a_mail, D(2023, 3, 10), is_applied_technology=False)
    use_first_list_update(D(2026, 3, 11))
    assert entry_of(unfunded) is None
    assert entry_of(basic) is None
    assert mail.outbox == []


def test_join_is_audited_and_mail_goes_to_the_units_editors_only(
    manager_a_mail, make_achievement, make_user, unit_a, unit_b
):
    make_user("admin_a", unit_a, ["org_admin"], email="admin_a@ynu.example.cn")
    make_user("researcher_a", unit_a, ["researcher"], email="researcher_a@ynu.example.cn")
    make_user("nomail_a", unit_a, ["achievement_manager"])
    make_user(
        "gone_a", unit_a, ["achievement_manager"], email="gone@ynu.example.cn", is_active=False
    )
    make_user("manager_b", unit_b, ["achievement_manager"], email="manager_b@kust.example.cn")
    a = make_achievement(manager_a_mail, D(2024, 3, 10))
    use_first_list_update(D(2026, 3, 11))
    assert [m.to for m in mail.outbox] == [["admin_a@ynu.example.cn", "manager_a@ynu.example.cn"]]
    join = AuditEntry.objects.get(action="use_first_list.join")
    assert join.object_id == str(entry_of(a).pk)
    assert join.detail == {"as_of": "2026-03-11", "achievement": a.pk}
    assert audit_verify() is None


def test_unit_without_mail_still_gets_the_in_app_record(manager_a, make_achievement):
    a = make_achievement(manager_a, D(2024, 3, 10))
    summary = use_first_list_update(D(2026, 3, 11))
    assert summary["mails"] == 0
    assert summary["reminded"] == 1
    assert kinds(a) == ["joined"]
    assert TransferReminder.objects.get(achievement=a).recipients == []


def test_a_failing_mail_rolls_back_and_is_retried(manager_a_mail, make_achievement, monkeypatch):
    from zhuanhua.transfer import services

    a = make_achievement(manager_a_mail, D(2024, 3, 10))

    def broken(*args: Any, **kwargs: Any) -> int:
        raise ConnectionError("smtp down")

    monkeypatch.setattr(services, "send_mail", broken)
    summary = use_first_list_update(D(2026, 3, 11))
    assert summary["errors"] == 1
    assert entry_of(a) is None
    assert kinds(a) == []
    monkeypatch.undo()
    use_first_list_update(D(2026, 3, 12))
    assert entry_of(a).joined_on == D(2026, 3, 11)
    assert len(mail.outbox) == 1


def test_edit_that_removes_eligibility_takes_it_off(manager_a_mail, make_achievement):
    a = make_achievement(manager_a_mail, D(2024, 3, 10))
    use_first_list_update(D(2026, 3, 11))
    achievement_update(user=manager_a_mail, achievement=a, data={"fiscally_funded": False})
    use_first_list_update(D(2026, 3, 15))
    entry = entry_of(a)
    assert (entry.left_on, entry.left_reason) == (D(2026, 3, 15), "no_longer_eligible")


def test_corrected_ip_date_moves_joined_on(manager_a_mail, make_achievement):
    a = make_achievement(manager_a_mail, D(2024, 3, 10))
    use_first_list_update(D(2026, 4, 1))
    achievement_update(user=manager_a_mail, achievement=a, data={"ip_acquired_on": D(2024, 2, 29)})
    use_first_list_update(D(2026, 4, 2))
    assert entry_of(a).joined_on == D(2026, 3, 1)
    assert AuditEntry.objects.filter(action="use_first_list.update").count() == 1
    use_first_list_update(D(2026, 4, 3))
    assert AuditEntry.objects.filter(action="use_first_list.update").count() == 1
    assert len(mail.outbox) == 1
