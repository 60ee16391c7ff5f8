"""The case's state machine: no step can be skipped, and a closed case is read-only."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from zhuanhua.audit.models import AuditEntry
from zhuanhua.exemption import services as s
from zhuanhua.exemption.choices import CaseStatus
from zhuanhua.exemption.tests.conftest import AFTER, CASE_DATA, DILIGENT, END, START
from zhuanhua.publicity.jobs import publicity_close_due
from zhuanhua.publicity.services import objection_answer, objection_file

pytestmark = pytest.mark.django_db


def messages_of(exc: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return exc.value.messages


def test_case_starts_in_investigation_and_is_audited(case: Any) -> None:
    assert case.status == CaseStatus.INVESTIGATION
    assert case.unit_type == "university"
    entry = AuditEntry.objects.get(object_type=s.CASE_OBJECT_TYPE, object_id=str(case.pk))
    assert entry.action == "exemption_case.create"


def test_only_article_2_units_open_cases(make_org: Any, make_user: Any, handler_a: Any) -> None:
    enterprise = make_org(org_type="enterprise")
    boss = make_user("ent_admin", enterprise, ["org_admin"])
    with pytest.raises(ValidationError) as exc:
        s.case_create(user=boss, data=dict(CASE_DATA))
    assert messages_of(exc) == [s.ERR_NOT_APPLICABLE]
    with pytest.raises(ValidationError) as exc:
        s.case_create(user=handler_a, data={**CASE_DATA, "state_established": False})
    assert messages_of(exc) == [s.ERR_NOT_APPLICABLE]


def test_only_the_units_org_admin_handles(case: Any, manager_a: Any, handler_b: Any) -> None:
    for user in (manager_a, handler_b):
        with pytest.raises(PermissionDenied) as exc:
            s.person_add(user=user, case=case, data={"role": "leader", "name": "王五"})
        assert str(exc.value) == s.ERR_NOT_HANDLER


def test_person_user_must_belong_to_the_unit(case: Any, handler_a: Any, manager_b: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        s.person_add(user=handler_a, case=case, data={"role": "leader", "user": manager_b.pk})
    assert exc.value.message_dict == {"user": [s.ERR_USER_OTHER_UNIT]}


def test_conclusion_needs_persons_and_every_decision(
    case: Any, handler_a: Any, leader: Any, manager: Any
) -> None:
    from zhuanhua.exemption.models import CasePerson

    empty = s.case_create(user=handler_a, data=dict(CASE_DATA))
    with pytest.raises(ValidationError) as exc:
        s.case_conclude(user=handler_a, case=empty)
    assert messages_of(exc) == [s.ERR_NO_PERSONS]
    with pytest.raises(ValidationError) as exc:
        s.person_decide(user=handler_a, person=leader, decision="exempt")
    assert messages_of(exc) == [s.ERR_NO_CHECKLIST]
    s.checklist_save(
        user=handler_a, person=leader, checklist={"diligence": DILIGENT, "grounds": ["7.5"]}
    )
    s.person_decide(user=handler_a, person=CasePerson.objects.get(pk=leader.pk), decision="exempt")
    with pytest.raises(ValidationError) as exc:
        s.case_conclude(user=handler_a, case=case)
    assert messages_of(exc) == [s.ERR_UNDECIDED.format(count=1)]


def test_people_decide_and_a_different_decision_needs_a_reason(
    case: Any, handler_a: Any, manager: Any
) -> None:
    person = s.checklist_save(
        user=handler_a,
        person=manager,
        checklist={"diligence": {**DILIGENT, "supervision": False}, "grounds": ["8.4"]},
    )
    assert person.recommended == "not_exempt"
    with pytest.raises(ValidationError) as exc:
        s.person_decide(user=handler_a, person=person, decision="exempt")
    assert exc.value.message_dict == {"reason": [s.ERR_REASON_REQUIRED]}
    person = s.person_decide(
        user=handler_a,
        person=person,
        decision="exempt",
        reason="监督记录已补充，经集体研究认定已履行监督职责",
    )
    assert person.decision == "exempt"
    assert person.differs


def test_investigation_is_frozen_after_the_conclusion(concluded: Any, handler_a: Any) -> None:
    person = concluded.persons.first()
    calls = [
        lambda: s.person_add(
            user=handler_a, case=concluded, data={"role": "leader", "name": "赵六"}
        ),
        lambda: s.checklist_save(user=handler_a, person=person, checklist={"diligence": DILIGENT}),
        lambda: s.person_decide(user=handler_a, person=person, decision="not_exempt", reason="x"),
        lambda: s.record_add(
            user=handler_a,
            case=concluded,
            data={"kind": "evidence", "title": "补充", "content": "x"},
        ),
        lambda: s.minutes_add(
            user=handler_a,
            case=concluded,
            data={"held_on": START, "subject": "会"},
            opinions=[{"speaker": "甲", "stance": "agree"}],
        ),
    ]
    for call in calls:
        with pytest.raises(ValidationError) as exc:
            call()
        assert messages_of(exc) == [s.ERR_NOT_INVESTIGATION]


def test_no_final_decision_without_publicity(case: Any, concluded: Any, handler_a: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        s.case_decide(
            user=handler_a, case=concluded, text="予以免责", decided_on=AFTER, today=AFTER
        )
    assert messages_of(exc) == [s.ERR_NO_PUBLICITY]
    fresh = s.case_create(user=handler_a, data=dict(CASE_DATA))
    with pytest.raises(ValidationError) as exc:
        s.case_decide(user=handler_a, case=fresh, text="予以免责", today=AFTER)
    assert messages_of(exc) == [s.ERR_NO_PUBLICITY]
    with pytest.raises(ValidationError) as exc:
        s.case_record_effects(user=handler_a, case=concluded, text="不受影响", today=AFTER)
    assert messages_of(exc) == [s.ERR_BAD_TRANSITION.format(status="已形成认定结论")]


def test_no_final_decision_while_the_publicity_is_open(in_publicity: Any, handler_a: Any) -> None:
    notice = in_publicity.notice
    assert notice.kind == "exemption_conclusion"
    assert notice.status == "published"
    assert notice.subject_type == s.CASE_OBJECT_TYPE
    assert notice.subject_id == str(in_publicity.pk)
    assert notice.ends_on == END
    assert notice.period_unit == "working"
    assert "予以免责" in notice.content
    with pytest.raises(ValidationError) as exc:
        s.case_decide(user=handler_a, case=in_publicity, text="予以免责", decided_on=END, today=END)
    assert messages_of(exc) == [s.ERR_PUBLICITY_OPEN]


def test_no_review_without_an_objection(
    concluded: Any, handler_a: Any, in_publicity: Any, unit_a: Any, make_user: Any
) -> None:
    staff = make_user("staff_a", unit_a, ["researcher"])
    fresh = s.case_create(user=handler_a, data=dict(CASE_DATA))
    # Before any publicity there is nothing to review.
    with pytest.raises(ValidationError) as exc:
        s.review_record(
            user=handler_a, case=fresh, objection=None, result="upheld", findings="x", answer="y"
        )
    assert messages_of(exc) == [s.ERR_BAD_TRANSITION.format(status="调查中")]
    with pytest.raises(ValidationError) as exc:
        s.review_record(
            user=handler_a,
            case=in_publicity,
            objection=None,
            result="upheld",
            findings="x",
            answer="y",
        )
    assert messages_of(exc) == [s.ERR_NO_OBJECTION]
    # An objection on another notice does not open a review of this case.
    other = s.rules_create(
        user=handler_a,
        data={
            "kind": "exemption_rules",
            "title": "办法",
            "adopted_on": START,
            "adoption_record": "党委会",
        },
        today=START,
    )
    other = s.rules_publicise(user=handler_a, rules=other, today=START)
    assert other.notice is not None
    foreign = objection_file(user=staff, notice=other.notice, content="异议", today=START)
    objection_file(
        user=staff, notice=in_publicity.notice, content="领导人员当时并未反对", today=START
    )
    with pytest.raises(ValidationError) as exc:
        s.review_record(
            user=handler_a,
            case=in_publicity,
            objection=foreign,
            result="upheld",
            findings="x",
            answer="y",
        )
    assert messages_of(exc) == [s.ERR_OBJECTION_OTHER]


def test_run_without_objection_to_a_closed_read_only_case(
    in_publicity: Any, handler_a: Any, unit_a: Any
) -> None:
    notice = in_publicity.notice
    assert publicity_close_due(END) == {"closed": 0, "waiting": 0}
    assert publicity_close_due(AFTER) == {"closed": 1, "waiting": 0}
    case = s.case_decide(
        user=handler_a,
        case=in_publicity,
        text="对三名人员予以免责。",
        decided_on=AFTER,
        today=AFTER,
    )
    assert case.status == CaseStatus.DECIDED
    assert set(case.persons.values_list("final_decision", flat=True)) == {"exempt"}
    notice.refresh_from_db()
    assert notice.status == "closed_no_objection"
    case = s.case_record_effects(
        user=handler_a, case=case, text="评先评优不受影响。", recorded_on=AFTER, today=AFTER
    )
    assert case.status == CaseStatus.CLOSED
    assert case.is_closed

    person = case.persons.first()
    assert person is not None
    upload = SimpleUploadedFile("a.pdf", b"%PDF-1.4\n" + b"x" * 100, "application/pdf")
    closed_calls = [
        lambda: s.person_add(user=handler_a, case=case, data={"role": "leader", "name": "赵六"}),
        lambda: s.checklist_save(user=handler_a, person=person, checklist={"diligence": DILIGENT}),
        lambda: s.person_decide(user=handler_a, person=person, decision="exempt"),
        lambda: s.record_add(
            user=handler_a, case=case, upload=upload, data={"kind": "evidence", "title": "补充"}
        ),
        lambda: s.minutes_add(
            user=handler_a,
            case=case,
            data={"held_on": START, "subject": "会"},
            opinions=[{"speaker": "甲", "stance": "agree"}],
        ),
        lambda: s.case_conclude(user=handler_a, case=case),
        lambda: s.case_publicise(user=handler_a, case=case, today=AFTER),
        lambda: s.review_record(
            user=handler_a, case=case, objection=None, result="upheld", findings="x", answer="y"
        ),
        lambda: s.case_decide(user=handler_a, case=case, text="再决定", today=AFTER),
        lambda: s.case_record_effects(user=handler_a, case=case, text="再记录", today=AFTER),
    ]
    for call in closed_calls:
        with pytest.raises(ValidationError) as exc:
            call()
        assert messages_of(exc) == [s.ERR_CLOSED]


def test_objection_review_then_final_decision(
    in_publicity: Any, handler_a: Any, unit_a: Any, make_user: Any, leader: Any
) -> None:
    staff = make_user("staff_a", unit_a, ["researcher"])
    objection = objection_file(
        user=staff,
        notice=in_publicity.notice,
        content="该领导人员在决策会议上并未发表反对意见。",
        today=START,
    )
    # The notice cannot close while the objection waits; the case cannot be decided.
    assert publicity_close_due(AFTER) == {"closed": 0, "waiting": 1}
    with pytest.raises(ValidationError) as exc:
        s.case_decide(user=handler_a, case=in_publicity, text="x", today=AFTER)
    assert messages_of(exc) == [s.ERR_PUBLICITY_OPEN]
    review = s.review_record(
        user=handler_a,
        case=in_publicity,
        objection=objection,
        result="upheld",
        findings="调阅 2023 年 5 月党委会记录，确有反对意见。",
        answer="经复核，会议记录载明其反对意见，维持原认定结论。",
    )
    objection.refresh_from_db()
    assert objection.answer == review.answer  # fed back to the objector on the notice
    case = in_publicity.__class__.objects.get(pk=in_publicity.pk)
    assert case.status == CaseStatus.REVIEWED
    with pytest.raises(ValidationError) as exc:
        s.review_record(
            user=handler_a,
            case=case,
            objection=objection,
            result="upheld",
            findings="x",
            answer="y",
        )
    assert messages_of(exc) == [s.ERR_ALREADY_REVIEWED]
    assert publicity_close_due(AFTER) == {"closed": 1, "waiting": 0}
    # Upheld: the final decision may not differ from the conclusion.
    with pytest.raises(ValidationError) as exc:
        s.case_decide(
            user=handler_a,
            case=case,
            text="x",
            today=AFTER,
            final_decisions={leader.pk: "not_exempt"},
        )
    assert messages_of(exc) == [s.ERR_CHANGE_NEEDS_REVIEW]
    case = s.case_decide(user=handler_a, case=case, text="维持认定结论。", today=AFTER)
    assert case.status == CaseStatus.DECIDED


def test_a_decision_in_publicity_with_objections_needs_review(
    in_publicity: Any, handler_a: Any, unit_a: Any, make_user: Any
) -> None:
    """Objections answered on the notice itself still need the case's review (复核)."""
    staff = make_user("staff_a", unit_a, ["researcher"])
    objection = objection_file(
        user=staff, notice=in_publicity.notice, content="有异议", today=START
    )
    objection_answer(user=handler_a, objection=objection, answer="已收到，将复核")
    publicity_close_due(AFTER)
    with pytest.raises(ValidationError) as exc:
        s.case_decide(user=handler_a, case=in_publicity, text="x", today=AFTER)
    assert messages_of(exc) == [s.ERR_OBJECTIONS_PENDING]
    # The review still runs after the notice closed; its answer is the case's record.
    s.review_record(
        user=handler_a,
        case=in_publicity,
        objection=objection,
        result="changed",
        findings="复查发现领导人员未发表反对意见",
        answer="变更认定结论",
    )
    case = s.case_decide(
        user=handler_a,
        case=in_publicity,
        text="变更",
        today=AFTER,
        final_decisions={in_publicity.persons.get(role="leader").pk: "not_exempt"},
    )
    assert case.persons.get(role="leader").final_decision == "not_exempt"
