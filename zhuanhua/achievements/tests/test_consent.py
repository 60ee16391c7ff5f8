"""The completers' consent before a unit publishes an offer (guide art. 7(1)): asked in the
platform or offline, answers shown to the unit, publishing over an objection only with the
unit's written reason."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhuanhua.achievements import consent
from zhuanhua.achievements.choices import ConsentAnswer, ConsentPurpose
from zhuanhua.achievements.models import Completer, CompleterConsent
from zhuanhua.achievements.services import achievement_update
from zhuanhua.audit.models import AuditEntry
from zhuanhua.licensing.models import LicenceOffer
from zhuanhua.licensing.services import offer_publish
from zhuanhua.licensing.tests.conftest import OFFER_DATA
from zhuanhua.notifications.models import Notification

PURPOSE = ConsentPurpose.USE_FIRST_LICENCE


@pytest.fixture(autouse=True)
def _gate_on(settings):
    settings.ZHUANHUA_CONSENT_BEFORE_PUBLISH = True


@pytest.fixture
def two_completers(published_a, manager_a, make_user, unit_a):
    """张三 has an account in unit A (matched by name); 李四 has none."""
    researcher = make_user("张三", unit_a, ["researcher"])
    published_a.completers.create(name="李四", order=2)
    return published_a, researcher


def _answer(request, name):
    return request.answers.get(name=name)


def test_publishing_without_asking_is_refused(published_a, manager_a):
    with pytest.raises(ValidationError) as exc:
        offer_publish(user=manager_a, achievement=published_a, data=dict(OFFER_DATA))
    assert exc.value.message_dict == {"consent": [consent.ERR_NOT_ASKED]}
    assert not LicenceOffer.objects.exists()


def test_registered_completer_is_notified_and_the_other_listed_offline(two_completers, manager_a):
    achievement, researcher = two_completers
    request = consent.consent_request_open(user=manager_a, achievement=achievement, purpose=PURPOSE)
    assert _answer(request, "张三").user == researcher
    assert _answer(request, "李四").user is None
    assert Notification.objects.filter(user=researcher).count() == 1
    assert AuditEntry.objects.filter(action="consent.open").count() == 1


def test_all_agreed_lets_the_unit_publish(two_completers, manager_a):
    achievement, researcher = two_completers
    request = consent.consent_request_open(user=manager_a, achievement=achievement, purpose=PURPOSE)
    consent.consent_answer(user=researcher, answer=_answer(request, "张三"), value="agree")
    with pytest.raises(ValidationError) as exc:  # 李四 has not answered yet
        offer_publish(user=manager_a, achievement=achievement, data=dict(OFFER_DATA))
    assert "李四：未答复" in exc.value.message_dict["consent"][0]
    consent.consent_record_offline(user=manager_a, answer=_answer(request, "李四"), value="agree")
    offer = offer_publish(user=manager_a, achievement=achievement, data=dict(OFFER_DATA))
    assert offer.is_active


def test_an_objection_needs_a_reason(two_completers, manager_a):
    achievement, researcher = two_completers
    request = consent.consent_request_open(user=manager_a, achievement=achievement, purpose=PURPOSE)
    with pytest.raises(ValidationError) as exc:
        consent.consent_answer(user=researcher, answer=_answer(request, "张三"), value="object")
    assert exc.value.message_dict == {"reason": [consent.ERR_OBJECT_REASON]}
    assert _answer(request, "张三").answer == ConsentAnswer.PENDING


def test_over_an_objection_only_with_a_written_reason(two_completers, manager_a):
    achievement, researcher = two_completers
    request = consent.consent_request_open(user=manager_a, achievement=achievement, purpose=PURPOSE)
    consent.consent_answer(
        user=researcher, answer=_answer(request, "张三"), value="object", reason="希望先完成中试"
    )
    consent.consent_record_offline(user=manager_a, answer=_answer(request, "李四"), value="agree")
    with pytest.raises(ValidationError) as exc:
        consent.consent_override(user=manager_a, request=request, reason="  ")
    assert exc.value.message_dict == {"override_reason": [consent.ERR_OVERRIDE_REASON]}
    with pytest.raises(ValidationError):
        offer_publish(user=manager_a, achievement=achievement, data=dict(OFFER_DATA))
    assert not LicenceOffer.objects.exists()
    offer = offer_publish(
        user=manager_a,
        achievement=achievement,
        data={**OFFER_DATA, "consent_override_reason": "中试已由合作企业承担，尽快转化"},
    )
    assert offer.is_active
    request.refresh_from_db()
    assert request.override_reason == "中试已由合作企业承担，尽快转化"
    assert request.overridden_by == manager_a
    assert AuditEntry.objects.filter(action="consent.override").count() == 1
    # the objecting completer is told the unit proceeds, and why
    assert Notification.objects.filter(user=researcher, body__contains="中试已由合作企业").exists()


def test_override_when_all_agreed_is_refused(two_completers, manager_a):
    achievement, researcher = two_completers
    request = consent.consent_request_open(user=manager_a, achievement=achievement, purpose=PURPOSE)
    consent.consent_answer(user=researcher, answer=_answer(request, "张三"), value="agree")
    consent.consent_record_offline(user=manager_a, answer=_answer(request, "李四"), value="agree")
    with pytest.raises(ValidationError) as exc:
        consent.consent_override(user=manager_a, request=request, reason="无")
    assert exc.value.message_dict == {"override_reason": [consent.ERR_NOTHING_TO_OVERRIDE]}


def test_only_the_completer_answers_and_only_the_unit_records(
    two_completers, manager_a, manager_b, make_user, unit_a
):
    achievement, researcher = two_completers
    other = make_user("王五", unit_a, ["researcher"])
    with pytest.raises(PermissionDenied):
        consent.consent_request_open(user=manager_b, achievement=achievement, purpose=PURPOSE)
    with pytest.raises(PermissionDenied):
        consent.consent_request_open(user=researcher, achievement=achievement, purpose=PURPOSE)
    request = consent.consent_request_open(user=manager_a, achievement=achievement, purpose=PURPOSE)
    with pytest.raises(PermissionDenied):
        consent.consent_answer(user=other, answer=_answer(request, "张三"), value="agree")
    with pytest.raises(PermissionDenied):
        consent.consent_record_offline(
            user=manager_b, answer=_answer(request, "李四"), value="agree"
        )
    with pytest.raises(ValidationError) as exc:  # 张三 answers himself
        consent.consent_record_offline(
            user=manager_a, answer=_answer(request, "张三"), value="agree"
        )
    assert exc.value.message_dict == {"answer": [consent.ERR_OFFLINE_ONLY]}
    with pytest.raises(PermissionDenied):
        consent.consent_override(user=manager_b, request=request, reason="理由")
    assert not CompleterConsent.objects.exclude(answer=ConsentAnswer.PENDING).exists()


def test_the_unit_links_an_account_when_names_do_not_match(
    published_a, manager_a, make_user, unit_a
):
    account = make_user("zhangsan2", unit_a, ["researcher"])  # display name differs from 张三
    request = consent.consent_request_open(user=manager_a, achievement=published_a, purpose=PURPOSE)
    assert _answer(request, "张三").user is None
    completer = Completer.objects.get(achievement=published_a, name="张三")
    consent.completer_link_account(user=manager_a, completer=completer, account=account)
    assert _answer(request, "张三").user == account
    # an edit of the achievement keeps the link
    published_a.status = "draft"
    published_a.save()
    achievement_update(
        user=manager_a, achievement=published_a, data={}, completers=[{"name": "张三"}]
    )
    assert Completer.objects.get(achievement=published_a, name="张三").user == account


def test_deal_kinds_map_to_purposes():
    assert consent.purpose_of("license") == ConsentPurpose.USE_FIRST_LICENCE
    assert consent.purpose_of("assignment") == ConsentPurpose.ASSIGNMENT
    assert consent.purpose_of("equity_contribution") == ConsentPurpose.EQUITY
    with pytest.raises(ValidationError):
        consent.purpose_of("gift")
