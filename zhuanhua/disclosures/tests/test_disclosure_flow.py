"""A researcher's disclosure: drafted, submitted within the unit's deadline, returned and
resubmitted, accepted into a draft achievement (completers, shares and funding carried over),
declined; each step audited and notified, every refusal leaving nothing changed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhuanhua.achievements.models import Achievement
from zhuanhua.audit.models import AuditEntry
from zhuanhua.disclosures import services
from zhuanhua.disclosures.choices import DisclosureStatus
from zhuanhua.disclosures.models import Disclosure
from zhuanhua.notifications.models import Notification


def test_submission_starts_the_units_deadline_and_tells_its_managers(manager_a, submitted):
    # 30 days after 2026-03-02 is 2026-04-01, a Wednesday
    assert submitted.status == DisclosureStatus.SUBMITTED
    assert submitted.due_on == dt.date(2026, 4, 1)
    assert Notification.objects.filter(user=manager_a, title__contains=submitted.title).exists()


def test_the_units_own_deadline_counts_with_rest_days(draft, researcher_a, manager_a, unit_a):
    services.disclosure_setting_update(user=manager_a, unit=unit_a, review_days=5)
    # 2026-03-06 + 5 days = Wednesday 2026-03-11; from Monday 2026-03-02 + 5 = Saturday → Monday
    done = services.disclosure_submit(
        user=researcher_a, disclosure=draft, today=dt.date(2026, 3, 2)
    )
    assert done.due_on == dt.date(2026, 3, 9)


def test_setting_the_deadline_is_the_units_and_bounded(manager_a, manager_b, unit_a, researcher_a):
    with pytest.raises(PermissionDenied):
        services.disclosure_setting_update(user=manager_b, unit=unit_a, review_days=10)
    with pytest.raises(PermissionDenied):
        services.disclosure_setting_update(user=researcher_a, unit=unit_a, review_days=10)
    with pytest.raises(ValidationError) as exc:
        services.disclosure_setting_update(user=manager_a, unit=unit_a, review_days=0)
    assert exc.value.message_dict == {"review_days": [services.ERR_REVIEW_DAYS]}
    assert services.review_days(unit_a.pk) == 30


def test_shares_must_sum_to_a_hundred(researcher_a, disclosure_data):
    draft = services.disclosure_create(
        user=researcher_a,
        data={
            **disclosure_data,
            "completers": [{"name": "甲", "share": "60"}, {"name": "乙", "share": "30"}],
        },
    )
    with pytest.raises(ValidationError) as exc:
        services.disclosure_submit(user=researcher_a, disclosure=draft)
    assert exc.value.message_dict == {
        "completers": [services.ERR_SHARES_TOTAL.format(total="90.00")]
    }
    assert Disclosure.objects.get(pk=draft.pk).status == DisclosureStatus.DRAFT


def test_a_filed_ip_needs_its_number_to_submit(researcher_a, disclosure_data):
    draft = services.disclosure_create(user=researcher_a, data={**disclosure_data, "ip_number": ""})
    with pytest.raises(ValidationError) as exc:
        services.disclosure_submit(user=researcher_a, disclosure=draft)
    assert exc.value.message_dict == {"ip_number": [services.ERR_IP_NUMBER]}


def test_only_a_researcher_of_a_research_unit_discloses(
    manager_a, make_org, make_user, disclosure_data
):
    firm = make_org(org_type="enterprise")
    for user in (manager_a, make_user("firm_r", firm, ["researcher"])):
        with pytest.raises(PermissionDenied):
            services.disclosure_create(user=user, data=disclosure_data)
    assert not Disclosure.objects.exists()


def test_accepted_disclosure_becomes_a_draft_achievement_with_completers_and_funding(
    submitted, manager_a, researcher_a
):
    done = services.disclosure_decide(
        user=manager_a, disclosure=submitted, decision="accept", today=dt.date(2026, 3, 12)
    )
    assert done.status == DisclosureStatus.ACCEPTED
    assert done.decision_days == 10
    achievement = Achievement.objects.get(pk=done.achievement_id)
    assert achievement.status == "draft"
    assert achievement.owner_id == submitted.unit_id
    assert achievement.title == submitted.title
    assert achievement.fiscally_funded is True
    assert achievement.funding_programme == "云南省重点研发计划 202301AS070001"
    assert achievement.ip_type == "patent_application"  # filed, not yet granted
    assert achievement.ip_number == "CN202310000001.X"
    assert achievement.trl == 6
    rows = [(c.name, c.share, c.user_id) for c in achievement.completers.all()]
    assert rows == [
        ("researcher_a", Decimal("60.00"), researcher_a.pk),
        ("李四", Decimal("40.00"), None),
    ]
    assert AuditEntry.objects.filter(action="disclosure.accept").count() == 1
    assert AuditEntry.objects.filter(action="achievement.create").count() == 1
    assert Notification.objects.filter(user=researcher_a, title__contains="已受理").exists()


def test_deciding_twice_is_refused(submitted, manager_a):
    services.disclosure_decide(
        user=manager_a, disclosure=submitted, decision="decline", reason="与已有成果重复"
    )
    with pytest.raises(ValidationError) as exc:
        services.disclosure_decide(user=manager_a, disclosure=submitted, decision="accept")
    assert exc.value.message_dict == {
        "status": [services.ERR_BAD_TRANSITION.format(status="不予受理")]
    }
    assert not Achievement.objects.exists()


def test_returning_or_declining_needs_reasons(submitted, manager_a):
    for decision in ("return", "decline"):
        with pytest.raises(ValidationError) as exc:
            services.disclosure_decide(
                user=manager_a, disclosure=submitted, decision=decision, reason=" "
            )
        assert exc.value.message_dict == {"reason": [services.ERR_REASON_REQUIRED]}
    assert Disclosure.objects.get(pk=submitted.pk).status == DisclosureStatus.SUBMITTED


def test_returned_disclosure_is_edited_and_resubmitted(
    submitted, manager_a, researcher_a, disclosure_data
):
    services.disclosure_decide(
        user=manager_a, disclosure=submitted, decision="return", reason="请补充中试数据"
    )
    returned = Disclosure.objects.get(pk=submitted.pk)
    assert returned.status == DisclosureStatus.RETURNED
    assert returned.return_reason == "请补充中试数据"
    services.disclosure_update(
        user=researcher_a,
        disclosure=returned,
        data={**disclosure_data, "summary": "补充了中试数据。"},
    )
    again = services.disclosure_submit(user=researcher_a, disclosure=returned)
    assert again.status == DisclosureStatus.SUBMITTED
    assert again.summary == "补充了中试数据。"
    actions = list(
        AuditEntry.objects.filter(object_type="disclosures.disclosure").values_list(
            "action", flat=True
        )
    )
    assert actions == [
        "disclosure.create",
        "disclosure.submit",
        "disclosure.return",
        "disclosure.update",
        "disclosure.submit",
    ]


def test_a_submitted_disclosure_cannot_be_edited(submitted, researcher_a, disclosure_data):
    with pytest.raises(ValidationError):
        services.disclosure_update(user=researcher_a, disclosure=submitted, data=disclosure_data)


def test_another_units_manager_cannot_decide(submitted, manager_b, researcher_a2):
    for user in (manager_b, researcher_a2):
        with pytest.raises(PermissionDenied):
            services.disclosure_decide(user=user, disclosure=submitted, decision="accept")
    assert Disclosure.objects.get(pk=submitted.pk).status == DisclosureStatus.SUBMITTED


def test_another_researcher_cannot_edit_or_submit(draft, researcher_a2, disclosure_data):
    with pytest.raises(PermissionDenied):
        services.disclosure_update(user=researcher_a2, disclosure=draft, data=disclosure_data)
    with pytest.raises(PermissionDenied):
        services.disclosure_submit(user=researcher_a2, disclosure=draft)
