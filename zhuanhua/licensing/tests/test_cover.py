"""Cover that pays (issue 20.5): a claim on any overdue obligation, the provider's decision, the
payout as a payment to the plan with the payer recorded, and the provider's exposure."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhuanhua.licensing import cover as cover_mod
from zhuanhua.licensing.models import Payment, RiskClaim
from zhuanhua.licensing.selectors import licence_schedule
from zhuanhua.licensing.services import cover_attach
from zhuanhua.notifications.models import Notification

pytestmark = pytest.mark.django_db

EARLY = dt.date(2025, 2, 1)  # the upfront fee (10,000, due 2025-01-01) is 31 days overdue
LATE = dt.date(2025, 8, 1)  # and the 首付节点 (50,000, due 2025-06-30) too


@pytest.fixture
def guarantor(make_org, make_user):
    org = make_org(name="云南省科技融资担保有限公司", org_type="guarantor")
    return make_user("guarantor", org, ["org_admin"], email="risk@guarantee.example.com")


@pytest.fixture
def insurer(make_org, make_user):
    org = make_org(name="云南科技保险有限公司", org_type="insurer")
    return make_user("insurer", org, ["org_admin"])


def _cover(user, licence, share="1", limit="100000"):
    return cover_attach(
        user=user,
        licence=licence,
        share=share,
        limit_amount=limit,
        starts_on="2025-01-01",
        ends_on="2026-12-31",
    )


@pytest.fixture
def cover(active_licence, guarantor):
    return _cover(guarantor, active_licence)


def test_a_claim_opens_on_an_overdue_obligation_before_ninety_days(
    cover, manager_a, guarantor, licensee_user
):
    claim = cover_mod.claim_open(user=manager_a, cover=cover, obligation_ref="upfront", today=EARLY)
    assert (claim.status, claim.obligation_label, claim.overdue_amount, claim.opened_on) == (
        "open",
        "门槛费",
        Decimal("10000.00"),
        EARLY,
    )
    assert claim.alert_id is None
    told = Notification.objects.filter(title="理赔申请：一种固态储氢材料的制备方法")
    assert sorted(n.user.username for n in told) == ["guarantor", "licensee"]


def test_a_claim_on_an_obligation_not_overdue_is_refused(cover, manager_a):
    with pytest.raises(ValidationError) as exc:
        cover_mod.claim_open(user=manager_a, cover=cover, obligation_ref="首付节点", today=EARLY)
    assert exc.value.message_dict == {"obligation_ref": [cover_mod.ERR_NOT_OVERDUE]}
    assert RiskClaim.objects.count() == 0


def test_only_the_licensor_opens_a_claim_and_once_per_obligation(
    cover, manager_a, licensee_user, guarantor
):
    for user in (licensee_user, guarantor):
        with pytest.raises(PermissionDenied):
            cover_mod.claim_open(user=user, cover=cover, obligation_ref="upfront", today=EARLY)
    cover_mod.claim_open(user=manager_a, cover=cover, obligation_ref="upfront", today=EARLY)
    with pytest.raises(ValidationError) as exc:
        cover_mod.claim_open(user=manager_a, cover=cover, obligation_ref="upfront", today=EARLY)
    assert exc.value.message_dict == {"obligation_ref": [cover_mod.ERR_CLAIM_OPEN]}
    assert RiskClaim.objects.count() == 1


def test_a_claim_outside_the_cover_term_is_refused(active_licence, guarantor, manager_a):
    cover = cover_attach(
        user=guarantor,
        licence=active_licence,
        share="1",
        limit_amount="100000",
        starts_on="2025-03-01",
        ends_on="2025-12-31",
    )
    with pytest.raises(ValidationError) as exc:
        cover_mod.claim_open(user=manager_a, cover=cover, obligation_ref="upfront", today=EARLY)
    assert exc.value.message_dict == {
        "cover": ["该保障在 2025-02-01 不在保障期内（2025-03-01 至 2025-12-31）"]
    }
    assert RiskClaim.objects.count() == 0


def test_a_guarantor_pays_a_claim_and_the_plan_takes_it_oldest_first(
    cover, active_licence, manager_a, guarantor, licensee_user
):
    claim = cover_mod.claim_open(user=manager_a, cover=cover, obligation_ref="首付节点", today=LATE)
    assert claim.overdue_amount == Decimal("50000.00")
    paid = cover_mod.claim_decide(
        user=guarantor,
        claim=claim,
        decision="pay",
        payout_amount="30000",
        paid_on="2025-08-01",
        resolution="已核实逾期，按保障合同代偿",
        today=LATE,
    )
    assert (paid.status, paid.payout_amount, paid.handled_on) == (
        "paid",
        Decimal("30000.00"),
        LATE,
    )
    payment = Payment.objects.get()
    assert (payment.amount, payment.paid_on, payment.payer_id, payment.ref) == (
        Decimal("30000.00"),
        LATE,
        guarantor.organisation_id,
        f"理赔#{claim.pk}",
    )
    assert paid.payment_id == payment.pk
    schedule = licence_schedule(active_licence, LATE)
    assert [(o.paid, o.outstanding) for o in schedule.obligations[:2]] == [
        (Decimal("10000.00"), Decimal("0.00")),
        (Decimal("20000.00"), Decimal("30000.00")),
    ]
    covered = cover_mod.claim_coverage(paid, LATE)
    assert [(c.label, c.amount) for c in covered] == [
        ("门槛费", Decimal("10000.00")),
        ("阶段性支付“首付节点”", Decimal("20000.00")),
    ]
    told = Notification.objects.filter(title="理赔已赔付：一种固态储氢材料的制备方法")
    assert sorted(n.user.username for n in told) == ["licensee", "manager_a"]


def test_a_payout_above_the_overdue_amount_is_refused(cover, manager_a, guarantor):
    claim = cover_mod.claim_open(user=manager_a, cover=cover, obligation_ref="upfront", today=EARLY)
    with pytest.raises(ValidationError) as exc:
        cover_mod.claim_decide(
            user=guarantor,
            claim=claim,
            decision="pay",
            payout_amount="10000.01",
            resolution="代偿",
            today=EARLY,
        )
    assert exc.value.message_dict == {
        "payout_amount": ["赔付金额（10,000.01 元）超过该义务当前逾期未付的金额（10,000.00 元）"]
    }
    claim.refresh_from_db()
    assert claim.status == "open"
    assert Payment.objects.count() == 0


def test_a_payout_above_the_share_or_the_limit_is_refused(
    active_licence, manager_a, guarantor, insurer
):
    shared = _cover(guarantor, active_licence, share="0.6")
    claim = cover_mod.claim_open(
        user=manager_a, cover=shared, obligation_ref="upfront", today=EARLY
    )
    with pytest.raises(ValidationError) as exc:
        cover_mod.claim_decide(
            user=guarantor,
            claim=claim,
            decision="pay",
            payout_amount="6000.01",
            resolution="代偿",
            today=EARLY,
        )
    assert exc.value.message_dict == {
        "payout_amount": ["赔付金额（6,000.01 元）超过按分担比例（60%）计算的上限（6,000.00 元）"]
    }
    limited = _cover(insurer, active_licence, limit="5000")
    claim = cover_mod.claim_open(
        user=manager_a, cover=limited, obligation_ref="upfront", today=EARLY
    )
    with pytest.raises(ValidationError) as exc:
        cover_mod.claim_decide(
            user=insurer,
            claim=claim,
            decision="pay",
            payout_amount="5000.01",
            resolution="赔付",
            today=EARLY,
        )
    assert exc.value.message_dict == {
        "payout_amount": ["赔付金额（5,000.01 元）超过保障限额的剩余额度（5,000.00 元）"]
    }
    assert Payment.objects.count() == 0


def test_a_declined_claim_records_no_payment(cover, manager_a, guarantor):
    claim = cover_mod.claim_open(user=manager_a, cover=cover, obligation_ref="upfront", today=EARLY)
    with pytest.raises(PermissionDenied):
        cover_mod.claim_decide(
            user=manager_a, claim=claim, decision="reject", resolution="x", today=EARLY
        )
    with pytest.raises(ValidationError) as exc:
        cover_mod.claim_decide(user=guarantor, claim=claim, decision="", resolution="", today=EARLY)
    assert exc.value.message_dict == {
        "decision": [cover_mod.ERR_DECISION],
        "resolution": [cover_mod.ERR_RESOLUTION_EMPTY],
    }
    declined = cover_mod.claim_decide(
        user=guarantor,
        claim=claim,
        decision="reject",
        resolution="被许可方已提供分期还款计划，暂不代偿",
        today=EARLY,
    )
    assert (declined.status, declined.payout_amount, declined.payment_id) == (
        "rejected",
        None,
        None,
    )
    assert Payment.objects.count() == 0
    with pytest.raises(ValidationError) as exc:
        cover_mod.claim_decide(user=guarantor, claim=claim, decision="reject", resolution="再次")
    assert exc.value.message_dict == {"status": [cover_mod.ERR_CLAIM_DECIDED]}


def test_the_provider_sees_its_exposure(cover, active_licence, manager_a, guarantor):
    first = cover_mod.claim_open(user=manager_a, cover=cover, obligation_ref="upfront", today=LATE)
    cover_mod.claim_decide(
        user=guarantor,
        claim=first,
        decision="pay",
        payout_amount="10000",
        resolution="代偿",
        today=LATE,
    )
    cover_mod.claim_open(user=manager_a, cover=cover, obligation_ref="首付节点", today=LATE)
    rows, totals = cover_mod.provider_exposure(guarantor)
    assert [(r.cover.pk, r.claims, r.open_claims, r.paid_out, r.left) for r in rows] == [
        (cover.pk, 2, 1, Decimal("10000.00"), Decimal("90000.00"))
    ]
    assert totals == {
        "covered": Decimal("100000.00"),
        "claims": 2,
        "open_claims": 1,
        "paid_out": Decimal("10000.00"),
    }
