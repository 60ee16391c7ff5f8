"""Recording after the hearing, expiry by date, revocation on appeal, credit_active_for."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhuanhua.audit.models import AuditEntry
from zhuanhua.credit import services
from zhuanhua.credit.jobs import credit_expire_due
from zhuanhua.credit.models import CreditEvent
from zhuanhua.credit.selectors import credit_active_for
from zhuanhua.credit.tests.conftest import HEARD, TODAY, pdf


def test_recording_stores_event_evidence_and_audit(event, enterprise):
    assert event.status == "active"
    assert event.organisation == enterprise
    assert event.evidence.count() == 1
    assert AuditEntry.objects.filter(action="credit_event.record", object_id=str(event.pk)).exists()
    assert AuditEntry.objects.filter(action="credit_evidence.add").count() == 1


@pytest.mark.parametrize(
    ("missing", "field", "message"),
    [
        ("party_statement", "party_statement", services.ERR_STATEMENT),
        ("hearing_on", "hearing_on", services.ERR_HEARING_DATE),
    ],
)
def test_recording_requires_the_hearing(reviewer, event_data, missing, field, message):
    event_data[missing] = "" if missing == "party_statement" else None
    with pytest.raises(ValidationError) as exc:
        services.credit_event_record(
            user=reviewer,
            data=services.CreditEventInput(**event_data),
            evidence=[pdf()],
            today=TODAY,
        )
    assert exc.value.message_dict[field] == [message]
    assert not CreditEvent.objects.exists()


def test_hearing_cannot_lie_in_the_future_or_after_the_effect(reviewer, event_data):
    event_data["hearing_on"] = TODAY + dt.timedelta(days=1)
    event_data["effective_from"] = TODAY
    with pytest.raises(ValidationError) as exc:
        services.credit_event_record(
            user=reviewer,
            data=services.CreditEventInput(**event_data),
            evidence=[pdf()],
            today=TODAY,
        )
    assert exc.value.message_dict["hearing_on"] == [services.ERR_HEARING_FUTURE]
    assert exc.value.message_dict["effective_from"] == [services.ERR_EFFECT_BEFORE_HEARING]


def test_recording_requires_evidence_and_an_order_of_dates(reviewer, event_data):
    event_data["effective_to"] = event_data["effective_from"]
    with pytest.raises(ValidationError) as exc:
        services.credit_event_record(
            user=reviewer, data=services.CreditEventInput(**event_data), evidence=[], today=TODAY
        )
    assert exc.value.message_dict["evidence"] == [services.ERR_EVIDENCE]
    assert exc.value.message_dict["effective_to"] == [services.ERR_EFFECT_ORDER]
    assert not CreditEvent.objects.exists()


def test_only_department_reviewers_record(auditor, party_user, manager_a, event_data):
    for user in (auditor, party_user, manager_a):
        with pytest.raises(PermissionDenied):
            services.credit_event_record(
                user=user,
                data=services.CreditEventInput(**event_data),
                evidence=[pdf()],
                today=TODAY,
            )
    assert not CreditEvent.objects.exists()


def test_credit_active_for_follows_the_dates(event, enterprise, unit_a):
    assert credit_active_for(enterprise, on=dt.date(2026, 3, 10))
    assert credit_active_for(enterprise, on=dt.date(2027, 3, 9))
    assert not credit_active_for(enterprise, on=dt.date(2026, 3, 9))  # before the effect
    assert not credit_active_for(enterprise, on=dt.date(2027, 3, 10))  # expired by date
    assert not credit_active_for(unit_a, on=dt.date(2026, 6, 1))
    assert not credit_active_for(None)


def test_credit_active_for_defaults_to_today(reviewer, event_data, enterprise):
    from django.utils import timezone

    today = timezone.localdate()
    event_data.update(
        hearing_on=today, effective_from=today, effective_to=today + dt.timedelta(days=30)
    )
    services.credit_event_record(
        user=reviewer, data=services.CreditEventInput(**event_data), evidence=[pdf()]
    )
    assert credit_active_for(enterprise)


def test_expiry_job_records_the_status_once(event):
    assert credit_expire_due(dt.date(2027, 3, 9)) == {"expired": 0}
    assert credit_expire_due(dt.date(2027, 3, 10)) == {"expired": 1}
    assert credit_expire_due(dt.date(2027, 3, 11)) == {"expired": 0}
    event.refresh_from_db()
    assert event.status == "expired"
    assert AuditEntry.objects.filter(action="credit_event.expire", actor_id=None).count() == 1


def test_status_on_reads_expired_before_the_job(event):
    assert event.status_on(dt.date(2027, 3, 10)) == "expired"
    assert event.status_on(dt.date(2027, 3, 9)) == "active"


def test_appeal_revokes_the_event(event, reviewer, enterprise):
    day = dt.date(2026, 4, 1)
    event = services.credit_appeal_decide(
        user=reviewer,
        event=event,
        filed_on=dt.date(2026, 3, 20),
        grounds="已补交全部收入报告并付清提成费，违约非出于恶意。",
        decision="revoked",
        reason="复核认为不构成恶意违约。",
        today=day,
    )
    assert event.status == "revoked"
    appeal = event.appeals.get()
    assert (appeal.decision, appeal.decided_on, appeal.decided_by) == ("revoked", day, reviewer)
    assert not credit_active_for(enterprise, on=day)
    assert AuditEntry.objects.filter(action="credit_event.appeal").count() == 1
    with pytest.raises(ValidationError) as exc:
        services.credit_appeal_decide(
            user=reviewer,
            event=event,
            filed_on=day,
            grounds="再次",
            decision="revoked",
            reason="—",
            today=day,
        )
    assert exc.value.message_dict["status"] == [
        services.ERR_NOT_ACTIVE.format(status="已撤销（申诉）")
    ]


def test_upheld_appeal_keeps_the_event(event, reviewer, enterprise):
    day = dt.date(2026, 4, 1)
    event = services.credit_appeal_decide(
        user=reviewer,
        event=event,
        filed_on=dt.date(2026, 3, 20),
        grounds="不服。",
        decision="upheld",
        reason="证据充分，维持。",
        today=day,
    )
    assert event.status == "active"
    assert credit_active_for(enterprise, on=day)


def test_appeal_needs_decision_reason_and_a_reviewer(event, reviewer, auditor, party_user):
    with pytest.raises(ValidationError) as exc:
        services.credit_appeal_decide(
            user=reviewer,
            event=event,
            filed_on="",
            grounds="",
            decision="maybe",
            reason="",
            today=TODAY,
        )
    assert set(exc.value.message_dict) == {"filed_on", "grounds", "decision", "reason"}
    for user in (auditor, party_user):
        with pytest.raises(PermissionDenied):
            services.credit_appeal_decide(
                user=user,
                event=event,
                filed_on=TODAY,
                grounds="x",
                decision="revoked",
                reason="y",
                today=TODAY,
            )
    event.refresh_from_db()
    assert event.status == "active"


def test_appeal_date_not_before_hearing(event, reviewer):
    with pytest.raises(ValidationError) as exc:
        services.credit_appeal_decide(
            user=reviewer,
            event=event,
            filed_on=HEARD - dt.timedelta(days=1),
            grounds="x",
            decision="revoked",
            reason="y",
            today=TODAY,
        )
    assert exc.value.message_dict["filed_on"] == [services.ERR_APPEAL_DATE]


def test_expired_event_cannot_be_appealed(event, reviewer):
    with pytest.raises(ValidationError):
        services.credit_appeal_decide(
            user=reviewer,
            event=event,
            filed_on=TODAY,
            grounds="x",
            decision="revoked",
            reason="y",
            today=dt.date(2027, 4, 1),
        )


def test_no_code_path_creates_events_by_itself(event):
    """The daily job only records expiry; it never creates an event."""
    before = CreditEvent.objects.count()
    credit_expire_due(dt.date(2030, 1, 1))
    assert CreditEvent.objects.count() == before
