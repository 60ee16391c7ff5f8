import datetime as dt

from django.core import mail

from zhuanhua.achievements.services import achievement_transition
from zhuanhua.notifications.models import Notification
from zhuanhua.notifications.services import (
    notification_mark_read,
    notification_settings_update,
    notify,
    weekly_digest,
)


def test_notify_creates_messages_and_emails_after_commit(
    django_capture_on_commit_callbacks, manager_a, manager_b
):
    manager_a.email = "a@example.cn"
    manager_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        created = notify(users=[manager_a, manager_b], kind="system", title="平台维护通知")
    assert len(created) == 2
    assert [m.to for m in mail.outbox] == [["a@example.cn"]]
    assert mail.outbox[0].subject == "【转化平台】平台维护通知"


def test_muted_kind_is_not_delivered_and_no_email_kind_is_not_mailed(
    django_capture_on_commit_callbacks, manager_a
):
    manager_a.email = "a@example.cn"
    manager_a.save()
    notification_settings_update(
        user=manager_a, muted_kinds=["publicity"], no_email_kinds=["system"], weekly_digest=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert notify(users=[manager_a], kind="publicity", title="公示") == []
        assert len(notify(users=[manager_a], kind="system", title="系统")) == 1
    assert mail.outbox == []


def test_submission_notifies_reviewers_and_publication_notifies_the_unit(
    draft_a, manager_a, reviewer
):
    achievement_transition(user=manager_a, achievement=draft_a, action="submit")
    assert Notification.objects.get(user=reviewer).title == f"成果待审核：{draft_a.title}"
    achievement_transition(user=reviewer, achievement=draft_a, action="return", reason="缺证书")
    note = Notification.objects.get(user=manager_a)
    assert (note.title, note.body) == (f"成果被退回修改：{draft_a.title}", "退回原因：缺证书")


def test_header_shows_unread_count_and_mark_read_clears_it(client, manager_a):
    notify(users=[manager_a], kind="system", title="一")
    notify(users=[manager_a], kind="system", title="二")
    client.force_login(manager_a)
    assert 'data-testid="unread-count">2<' in client.get("/").content.decode()
    client.post("/notifications/read/")
    assert "unread-count" not in client.get("/").content.decode()


def test_mark_read_touches_only_own_messages(manager_a, manager_b):
    notify(users=[manager_a, manager_b], kind="system", title="通知")
    theirs = Notification.objects.get(user=manager_b)
    assert notification_mark_read(user=manager_a, ids=[theirs.pk]) == 0
    assert notification_mark_read(user=manager_a) == 1


def test_weekly_digest_runs_on_mondays_once(manager_a):
    manager_a.email = "a@example.cn"
    manager_a.save()
    notify(users=[manager_a], kind="system", title="未读消息", email=False)
    monday = dt.date.today() - dt.timedelta(days=dt.date.today().weekday())
    assert weekly_digest(monday + dt.timedelta(days=1)) == {"sent": 0}
    assert weekly_digest(monday) == {"sent": 1}
    assert weekly_digest(monday) == {"sent": 0}
    assert "未读消息" in mail.outbox[0].body


def test_settings_page_saves_choices(client, manager_a):
    client.force_login(manager_a)
    client.post("/notifications/settings/", {"muted_kinds": ["publicity"]})
    assert manager_a.notification_settings.muted_kinds == ["publicity"]
    assert manager_a.notification_settings.weekly_digest is False
