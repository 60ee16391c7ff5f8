import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhuanhua.achievements.models import Achievement
from zhuanhua.achievements.services import (
    ERR_FUTURE_DATE,
    ERR_RETURN_REASON,
    achievement_create,
    achievement_transition,
    achievement_update,
)
from zhuanhua.audit.models import AuditEntry
from zhuanhua.audit.services import audit_verify


def test_create_makes_a_draft_of_the_users_unit_and_audits(draft_a, unit_a):
    assert draft_a.status == "draft"
    assert draft_a.owner == unit_a
    assert draft_a.prefecture == unit_a.prefecture
    assert " 储氢 " in draft_a.search_text
    assert AuditEntry.objects.filter(
        action="achievement.create", object_id=str(draft_a.pk)
    ).exists()


def test_full_lifecycle_submit_publish_delist_resubmit(draft_a, manager_a, reviewer):
    a = achievement_transition(user=manager_a, achievement=draft_a, action="submit")
    assert a.status == "submitted"
    a = achievement_transition(user=reviewer, achievement=a, action="publish")
    assert a.status == "published"
    assert a.published_at is not None
    a = achievement_transition(user=manager_a, achievement=a, action="delist")
    assert a.status == "delisted"
    a = achievement_transition(user=manager_a, achievement=a, action="submit")
    assert a.status == "submitted"
    assert audit_verify() is None


def test_reviewer_returns_with_reason_back_to_draft(draft_a, manager_a, reviewer):
    achievement_transition(user=manager_a, achievement=draft_a, action="submit")
    a = achievement_transition(
        user=reviewer, achievement=draft_a, action="return", reason="请补充专利证书"
    )
    assert (a.status, a.return_reason) == ("draft", "请补充专利证书")


def test_return_without_reason_is_refused_and_nothing_changes(draft_a, manager_a, reviewer):
    achievement_transition(user=manager_a, achievement=draft_a, action="submit")
    entries = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        achievement_transition(user=reviewer, achievement=draft_a, action="return", reason="  ")
    assert exc.value.message_dict == {"reason": [ERR_RETURN_REASON]}
    assert Achievement.objects.get(pk=draft_a.pk).status == "submitted"
    assert AuditEntry.objects.count() == entries


def test_unit_cannot_publish_its_own_achievement(draft_a, manager_a):
    achievement_transition(user=manager_a, achievement=draft_a, action="submit")
    with pytest.raises(PermissionDenied):
        achievement_transition(user=manager_a, achievement=draft_a, action="publish")


def test_publishing_a_draft_skips_a_step_and_is_refused(draft_a, reviewer):
    with pytest.raises(ValidationError):
        achievement_transition(user=reviewer, achievement=draft_a, action="publish")
    assert Achievement.objects.get(pk=draft_a.pk).status == "draft"


def test_published_achievement_cannot_be_edited(published_a, manager_a):
    with pytest.raises(ValidationError):
        achievement_update(user=manager_a, achievement=published_a, data={"title": "改名"})
    assert Achievement.objects.get(pk=published_a.pk).title != "改名"


def test_future_ip_date_is_refused_naming_the_field(manager_a, achievement_data):
    import datetime as dt

    achievement_data["ip_acquired_on"] = dt.date.today() + dt.timedelta(days=3)
    with pytest.raises(ValidationError) as exc:
        achievement_create(user=manager_a, data=achievement_data, completers=[{"name": "张三"}])
    assert exc.value.message_dict["ip_acquired_on"] == [ERR_FUTURE_DATE]
    assert Achievement.objects.count() == 0


def test_missing_required_fields_are_all_named(manager_a):
    with pytest.raises(ValidationError) as exc:
        achievement_create(
            user=manager_a, data={"ip_type": "patent"}, completers=[{"name": "张三"}]
        )
    assert {"title", "summary", "industry_field", "trl", "ip_number", "ip_acquired_on"} <= set(
        exc.value.message_dict
    )


def test_know_how_needs_no_ip_number(manager_a, achievement_data):
    achievement_data.update(ip_type="know_how", ip_number="", ip_acquired_on=None)
    a = achievement_create(user=manager_a, data=achievement_data, completers=[{"name": "李四"}])
    assert a.ip_type == "know_how"
