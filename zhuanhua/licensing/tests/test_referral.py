"""Default that leads somewhere (issue 20.4): from a default-risk alert the unit refers the licence
to the department's credit queue with its evidence; the department hears the licensee and
decides; a finding of 恶意违约 shows on the licensee's inquiries and licence pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from zhuanhua.credit import services as credit_services
from zhuanhua.credit.models import CreditEvent, CreditReferral
from zhuanhua.credit.selectors import malicious_default_findings
from zhuanhua.credit.services import CreditEventInput
from zhuanhua.licensing import referral
from zhuanhua.licensing.models import Message
from zhuanhua.notifications.models import Notification

pytestmark = pytest.mark.django_db

EARLY = dt.date(2025, 2, 1)  # the upfront fee is 31 days overdue: no default risk yet
LATE = dt.date(2025, 12, 1)  # over 90 days: default risk
REASON = "门槛费逾期已超过 90 天，经催告仍未支付"


@pytest.fixture
def reviewer(make_org, make_user):
    dept = make_org(name="云南省科学技术厅（测试）", org_type="department")
    return make_user("reviewer", dept, ["department_reviewer"])


def _refer(user, licence, today=LATE):
    return referral.licence_refer_for_credit_review(
        user=user, licence=licence, reason=REASON, today=today
    )


def test_a_licence_in_default_goes_to_the_credit_queue_with_its_evidence(
    active_licence, manager_a, licensee_user, reviewer
):
    Message.objects.create(  # said during the negotiation (closed once the version was accepted)
        inquiry=active_licence.inquiry,
        side="licensee",
        author=licensee_user,
        body="资金紧张，请求延期",
    )
    case = _refer(manager_a, active_licence)
    assert (case.status, case.organisation_id, case.referrer_id, case.subject_id) == (
        "open",
        active_licence.licensee_id,
        active_licence.licensor_id,
        str(active_licence.pk),
    )
    headings = [s["heading"] for s in case.evidence]
    assert headings == [
        "违约风险预警",
        "催告通知",
        "付款计划（截至 2025-12-01）",
        "付款记录",
        "商洽消息",
    ]
    plan = case.evidence[2]["items"]
    assert plan[0] == "门槛费：应付 10,000.00 元，2025-01-01 到期，逾期 334 天，未付 10,000.00 元"
    assert any("资金紧张，请求延期" in m for m in case.evidence[4]["items"])
    assert Notification.objects.filter(
        user=reviewer, title="诚信审查移送：昆明氢能科技有限公司"
    ).exists()
    assert Notification.objects.filter(
        user=licensee_user, title="许可已移送诚信审查：一种固态储氢材料的制备方法"
    ).exists()
    assert CreditEvent.objects.count() == 0  # no automatic verdict


def test_no_referral_without_default_risk_or_by_the_licensee(
    active_licence, manager_a, licensee_user
):
    with pytest.raises(ValidationError) as exc:
        _refer(manager_a, active_licence, today=EARLY)
    assert exc.value.message_dict == {"licence": [referral.ERR_NO_DEFAULT_RISK]}
    with pytest.raises(PermissionDenied):
        _refer(licensee_user, active_licence)
    assert CreditReferral.objects.count() == 0


def test_one_open_referral_per_licence(active_licence, manager_a):
    _refer(manager_a, active_licence)
    with pytest.raises(ValidationError) as exc:
        _refer(manager_a, active_licence)
    assert exc.value.message_dict == {"referral": [credit_services.ERR_REFERRAL_OPEN]}
    assert CreditReferral.objects.count() == 1


def _finding(licence):
    return CreditEventInput(
        organisation=licence.licensee,
        kind="malicious_default",
        description="有支付能力而长期拒付门槛费，经催告仍不履行",
        party_statement="企业称资金周转困难",
        hearing_on=dt.date(2025, 12, 1),
        effective_from=dt.date(2025, 12, 2),
        effective_to=dt.date(2026, 12, 1),
    )


def _pdf():
    return SimpleUploadedFile("hearing.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


def test_the_department_records_a_finding_after_the_hearing(
    active_licence, manager_a, reviewer, client
):
    case = _refer(manager_a, active_licence)
    with pytest.raises(PermissionDenied):
        credit_services.credit_referral_record(
            user=manager_a, referral=case, data=_finding(active_licence), evidence=[_pdf()]
        )
    event = credit_services.credit_referral_record(
        user=reviewer,
        referral=case,
        data=_finding(active_licence),
        evidence=[_pdf()],
        today=dt.date(2025, 12, 2),
    )
    case.refresh_from_db()
    assert (case.status, case.event_id) == ("recorded", event.pk)
    assert (event.subject_type, event.subject_id) == ("licensing.licence", str(active_licence.pk))
    assert Notification.objects.filter(
        user=manager_a, title="诚信审查结果：昆明氢能科技有限公司"
    ).exists()
    on = dt.date(2026, 1, 10)
    assert [e.pk for e in malicious_default_findings(active_licence.licensee, on)] == [event.pk]
    assert malicious_default_findings(active_licence.licensee, dt.date(2026, 12, 2)) == []


def test_a_hearing_is_still_required_for_a_referred_case(active_licence, manager_a, reviewer):
    case = _refer(manager_a, active_licence)
    data = CreditEventInput(**{**_finding(active_licence).__dict__, "party_statement": ""})
    with pytest.raises(ValidationError) as exc:
        credit_services.credit_referral_record(
            user=reviewer, referral=case, data=data, evidence=[_pdf()]
        )
    assert exc.value.message_dict == {"party_statement": [credit_services.ERR_STATEMENT]}
    case.refresh_from_db()
    assert case.status == "open"
    assert CreditEvent.objects.count() == 0


def test_the_department_may_dismiss_with_its_reason(active_licence, manager_a, reviewer):
    case = _refer(manager_a, active_licence)
    with pytest.raises(ValidationError) as exc:
        credit_services.credit_referral_dismiss(user=reviewer, referral=case, reason=" ")
    assert exc.value.message_dict == {"decision_reason": [credit_services.ERR_DISMISS_REASON]}
    dismissed = credit_services.credit_referral_dismiss(
        user=reviewer, referral=case, reason="企业已提交还款计划，不构成恶意违约"
    )
    assert dismissed.status == "dismissed"
    assert CreditEvent.objects.count() == 0
    with pytest.raises(ValidationError):
        credit_services.credit_referral_dismiss(user=reviewer, referral=case, reason="再次")
    assert _refer(manager_a, active_licence).status == "open"  # a new referral may follow
