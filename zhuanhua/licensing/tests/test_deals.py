"""Assignment (转让) and equity contribution (作价投资) deals through the licence's path:
listing terms, versions and diffs, the publicity gate, the contract, signing and what signing
moves (transfer status, the 先用后转 list, the listing), payments or shares, distribution."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhuanhua.achievements.models import Achievement
from zhuanhua.licensing import contract, deals, diff, pricing
from zhuanhua.licensing.models import EvaluationReport, Licence, LicenceOffer, ShareRegistration
from zhuanhua.licensing.selectors import licence_schedule
from zhuanhua.licensing.services import (
    ERR_AGREEMENT_NOT_PUBLICISED,
    ERR_EQUITY_NO_PAYMENTS,
    ERR_NOT_ACTIVATOR,
    ERR_NOT_PARTY,
    ERR_SHARES_NOT_SIGNED,
    ERR_SHARES_RECORDED,
    distribution_record,
    inquiry_open,
    licence_activate,
    offer_publish,
    payment_record,
    share_register,
    version_accept,
    version_propose,
)
from zhuanhua.licensing.tests.conftest import signed_pdf
from zhuanhua.licensing.tests.publicity_helpers import clear_agreement_price
from zhuanhua.notifications.models import Notification
from zhuanhua.transfer.jobs import use_first_list_update
from zhuanhua.transfer.models import UseFirstListEntry
from zhuanhua.transfer.services import report_rows

pytestmark = pytest.mark.django_db
D = dt.date

ASSIGNMENT_TERMS = {
    "upfront_fee": "200000",
    "installments": [{"key": "尾款", "amount": "300000", "due": "2025-12-31"}],
}
ASSIGNMENT_DATA = {
    "deal_kind": "assignment",
    "summary": "镁基固态储氢材料制备方法专利权转让。",
    "fee_standard": "转让价款 50 万元：首付 20 万元，尾款 30 万元。",
    "fee_model": "staged",
    "terms": ASSIGNMENT_TERMS,
    "term_months": 12,
}
EQUITY_TERMS = {
    "company_name": "云南储氢科技有限公司",
    "company_uscc": "91530100MA6K0AAA4X",
    "valuation_amount": "1200000",
    "shares": "600000",
    "share_percent": "0.2",
    "evaluation_report": {
        "appraiser": "云南正和资产评估有限公司",
        "number": "云正评报字〔2025〕第 018 号",
        "base_date": "2024-12-31",
    },
}
EQUITY_DATA = {
    "deal_kind": "equity_contribution",
    "summary": "以镁基固态储氢专利作价投资设立企业。",
    "fee_standard": "评估作价 120 万元，取得 20% 股权。",
    "terms": EQUITY_TERMS,
}


def pdf_upload(name: str = "evaluation.pdf") -> Any:
    return signed_pdf(name)


@pytest.fixture
def equity_terms(valid_uscc: str) -> dict[str, Any]:
    return {**EQUITY_TERMS, "company_uscc": valid_uscc}


@pytest.fixture
def assignment_offer(published_a: Any, manager_a: Any) -> LicenceOffer:
    return offer_publish(user=manager_a, achievement=published_a, data=dict(ASSIGNMENT_DATA))


@pytest.fixture
def assignment(assignment_offer: Any, licensee_user: Any, manager_a: Any) -> Any:
    inquiry = inquiry_open(user=licensee_user, offer=assignment_offer)
    version_propose(
        user=licensee_user,
        inquiry=inquiry,
        terms={
            "fee_model": "staged",
            "start": "2025-01-01",
            "end": "2025-12-31",
            **ASSIGNMENT_TERMS,
        },
    )
    return version_accept(user=manager_a, inquiry=inquiry, number=1)


@pytest.fixture
def equity_offer(published_a: Any, manager_a: Any, equity_terms: Any) -> LicenceOffer:
    return offer_publish(
        user=manager_a,
        achievement=published_a,
        data={**EQUITY_DATA, "terms": equity_terms},
        evaluation_report=pdf_upload(),
    )


@pytest.fixture
def equity(equity_offer: Any, licensee_user: Any, manager_a: Any, equity_terms: Any) -> Any:
    inquiry = inquiry_open(user=licensee_user, offer=equity_offer)
    version_propose(
        user=licensee_user, inquiry=inquiry, terms={**equity_terms, "start": "2025-02-01"}
    )
    return version_accept(user=manager_a, inquiry=inquiry, number=1)


SIGNED_ON = D(2025, 3, 1)


def sign(deal: Any, user: Any, on: dt.date = SIGNED_ON) -> Any:
    return licence_activate(user=user, licence=deal, signed_on=on, signed_pdf=signed_pdf())


# --- listing -------------------------------------------------------------------------------


def test_an_assignment_listing_is_a_price_payable_in_parts_without_licence_mode(assignment_offer):
    assert assignment_offer.deal_kind == "assignment"
    assert assignment_offer.license_mode == ""
    assert assignment_offer.terms["installments"][0]["amount"] == "300000.00"


def test_an_assignment_with_royalties_is_refused(published_a, manager_a):
    data = {
        **ASSIGNMENT_DATA,
        "fee_model": "royalty",
        "terms": {"royalty": {"rate": "0.05", "period": "year"}},
    }
    with pytest.raises(ValidationError) as exc:
        offer_publish(user=manager_a, achievement=published_a, data=data)
    assert exc.value.message_dict["fee_model"] == [deals.ERR_ASSIGNMENT_FEE_MODEL]


def test_an_equity_listing_keeps_company_valuation_shares_and_report(equity_offer, equity_terms):
    assert equity_offer.deal_kind == "equity_contribution"
    assert equity_offer.terms["valuation_amount"] == "1200000.00"
    assert equity_offer.terms["share_percent"] == "0.2"
    assert equity_offer.terms["company_uscc"] == equity_terms["company_uscc"]
    report = EvaluationReport.objects.get(offer=equity_offer)
    assert report.original_name == "evaluation.pdf"
    assert report.size > 0


def test_an_equity_listing_without_its_evaluation_report_is_refused(
    published_a, manager_a, equity_terms
):
    with pytest.raises(ValidationError) as exc:
        offer_publish(
            user=manager_a, achievement=published_a, data={**EQUITY_DATA, "terms": equity_terms}
        )
    assert exc.value.message_dict == {"evaluation_report": [deals.ERR_EVALUATION_PDF]}
    assert not LicenceOffer.objects.exists()


def test_an_equity_listing_refuses_a_bad_uscc_a_zero_valuation_and_a_share_over_100(
    published_a, manager_a
):
    terms = {**EQUITY_TERMS, "company_uscc": "123", "valuation_amount": "0", "share_percent": "1.5"}
    with pytest.raises(ValidationError) as exc:
        offer_publish(
            user=manager_a,
            achievement=published_a,
            data={**EQUITY_DATA, "terms": terms},
            evaluation_report=pdf_upload(),
        )
    errors = exc.value.message_dict
    assert "terms.company_uscc" in errors
    assert errors["terms.valuation_amount"] == [deals.ERR_VALUATION_POSITIVE]
    assert errors["terms.share_percent"] == [deals.ERR_SHARE_PERCENT]


# --- negotiation ---------------------------------------------------------------------------


def test_equity_versions_diff_in_words_against_the_listing(equity, equity_offer, equity_terms):
    lowered = {**equity_terms, "valuation_amount": "1000000.00", "start": "2025-02-01"}
    changes = diff.diff(diff.offer_as_terms(equity_offer), lowered)
    assert [(c.label, c.before, c.after) for c in changes] == [
        ("评估作价金额", "1,200,000.00 元", "1,000,000.00 元")
    ]


def test_a_version_of_another_shape_is_refused_for_an_equity_deal(equity_offer, licensee_user):
    inquiry = inquiry_open(user=licensee_user, offer=equity_offer)
    with pytest.raises(ValidationError) as exc:
        version_propose(
            user=licensee_user, inquiry=inquiry, terms={"fee_model": "staged", **ASSIGNMENT_TERMS}
        )
    assert "terms.fee_model" in exc.value.message_dict


def test_the_enterprise_is_told_of_the_listing_in_its_kind(
    assignment_offer, licensee_user, manager_a
):
    inquiry_open(user=licensee_user, offer=assignment_offer)
    note = Notification.objects.filter(user=manager_a, title__startswith="新的承接意向").get()
    assert "以转让方式承接" in note.body


# --- refusals at signing -------------------------------------------------------------------


def test_the_taker_cannot_sign(assignment, licensee_user):
    with pytest.raises(PermissionDenied) as exc:
        sign(assignment, licensee_user)
    assert str(exc.value) == ERR_NOT_ACTIVATOR


def test_an_outsider_cannot_propose_terms(assignment_offer, licensee_user, outsider):
    inquiry = inquiry_open(user=licensee_user, offer=assignment_offer)
    with pytest.raises(PermissionDenied) as exc:
        version_propose(user=outsider, inquiry=inquiry, terms={})
    assert str(exc.value) == ERR_NOT_PARTY


def test_no_deal_to_sign_without_accepted_terms(assignment_offer, licensee_user, manager_a):
    inquiry = inquiry_open(user=licensee_user, offer=assignment_offer)
    with pytest.raises(ValidationError):
        version_accept(user=manager_a, inquiry=inquiry, number=1)
    assert not Licence.objects.filter(inquiry=inquiry).exists()


def test_a_negotiated_assignment_price_waits_for_its_publicity(
    assignment_offer, licensee_user, manager_a
):
    inquiry = inquiry_open(user=licensee_user, offer=assignment_offer)
    lower = {**ASSIGNMENT_TERMS, "upfront_fee": "150000"}
    version_propose(
        user=licensee_user,
        inquiry=inquiry,
        terms={"fee_model": "staged", "start": "2025-01-01", "end": "2025-12-31", **lower},
    )
    deal = version_accept(user=manager_a, inquiry=inquiry, number=1)
    assert pricing.negotiated_changes(deal) == ["门槛费"]
    with pytest.raises(ValidationError) as exc:
        sign(deal, manager_a)
    assert exc.value.message_dict == {"pricing_method": [ERR_AGREEMENT_NOT_PUBLICISED]}
    clear_agreement_price(manager_a, deal)
    assert sign(deal, manager_a).status == "active"


def test_a_negotiated_valuation_waits_for_its_publicity(
    equity_offer, licensee_user, manager_a, equity_terms
):
    inquiry = inquiry_open(user=licensee_user, offer=equity_offer)
    version_propose(
        user=licensee_user,
        inquiry=inquiry,
        terms={**equity_terms, "valuation_amount": "1000000", "start": "2025-02-01"},
    )
    deal = version_accept(user=manager_a, inquiry=inquiry, number=1)
    assert pricing.negotiated_changes(deal) == ["评估作价金额"]
    with pytest.raises(ValidationError) as exc:
        sign(deal, manager_a)
    assert exc.value.message_dict == {"pricing_method": [ERR_AGREEMENT_NOT_PUBLICISED]}


# --- signing moves the registry ------------------------------------------------------------


def test_signing_an_assignment_moves_the_transfer_status_and_leaves_the_use_first_list(
    assignment, manager_a, licensee_user
):
    use_first_list_update(D(2025, 6, 1))
    entry = UseFirstListEntry.objects.get(achievement_id=assignment.achievement_id)
    assert entry.left_on is None
    sign(assignment, manager_a, on=D(2025, 6, 10))
    achievement = Achievement.objects.get(pk=assignment.achievement_id)
    assert achievement.transfer_status == "transferred"
    assert achievement.transferred_on == D(2025, 6, 10)
    assert achievement.status == "published"  # no delisting
    assert not LicenceOffer.objects.filter(achievement=achievement, is_active=True).exists()
    use_first_list_update(D(2025, 6, 11))
    entry.refresh_from_db()
    assert entry.left_on == D(2025, 6, 10)  # the day of the transfer
    note = Notification.objects.filter(user=licensee_user).latest("pk")
    assert note.title.startswith("技术转让合同已签订")


def test_signing_an_equity_deal_marks_the_achievement_equity_contributed(equity, manager_a):
    sign(equity, manager_a)
    achievement = Achievement.objects.get(pk=equity.achievement_id)
    assert achievement.transfer_status == "equity_contributed"


def test_an_assigned_achievement_cannot_be_assigned_again(
    assignment, manager_a, licensee_user, outsider, published_a
):
    # A second enterprise's deal drafted before the first was signed.
    other_inquiry = inquiry_open(user=outsider, offer=assignment.inquiry.offer)
    version_propose(
        user=outsider,
        inquiry=other_inquiry,
        terms={
            "fee_model": "staged",
            "start": "2025-01-01",
            "end": "2025-12-31",
            **ASSIGNMENT_TERMS,
        },
    )
    second = version_accept(user=manager_a, inquiry=other_inquiry, number=1)
    sign(assignment, manager_a)
    with pytest.raises(ValidationError) as exc:
        sign(second, manager_a)
    assert "该成果已转让" in exc.value.message_dict["deal_kind"][0]


# --- money and shares ----------------------------------------------------------------------


def test_assignment_payments_follow_the_price_plan(assignment, manager_a):
    sign(assignment, manager_a, on=D(2025, 1, 2))
    payment_record(user=manager_a, licence=assignment, amount="200000", paid_on=D(2025, 1, 5))
    schedule = licence_schedule(assignment, D(2025, 2, 1))
    assert [(o.kind, o.status) for o in schedule.obligations] == [
        ("upfront", "paid"),
        ("installment", "open"),
    ]
    assert schedule.totals.paid == Decimal("200000.00")
    assert schedule.totals.billed + schedule.totals.scheduled == Decimal("500000.00")


def test_an_equity_deal_records_shares_not_payments(equity, manager_a, licensee_user):
    with pytest.raises(ValidationError) as exc:
        payment_record(user=manager_a, licence=equity, amount="1", paid_on=D(2025, 3, 1))
    assert exc.value.message_dict == {"amount": [ERR_EQUITY_NO_PAYMENTS]}
    with pytest.raises(ValidationError) as exc:
        share_register(user=manager_a, licence=equity, registered_on=D(2025, 3, 5))
    assert exc.value.message_dict == {"status": [ERR_SHARES_NOT_SIGNED]}
    sign(equity, manager_a)
    with pytest.raises(PermissionDenied):
        share_register(user=licensee_user, licence=equity, registered_on=D(2025, 3, 5))
    with pytest.raises(ValidationError) as exc:
        share_register(user=manager_a, licence=equity, registered_on=D(2025, 2, 1))
    assert "registered_on" in exc.value.message_dict  # before signing
    reg = share_register(user=manager_a, licence=equity, registered_on=D(2025, 3, 5))
    assert (reg.shares, reg.share_percent, reg.value_amount) == (
        Decimal("600000.00"),
        Decimal("0.2"),
        Decimal("1200000.00"),
    )
    assert reg.company_name == "云南储氢科技有限公司"
    with pytest.raises(ValidationError) as exc:
        share_register(user=manager_a, licence=equity, registered_on=D(2025, 3, 6))
    assert exc.value.message_dict == {"licence": [ERR_SHARES_RECORDED]}
    assert ShareRegistration.objects.count() == 1
    note = Notification.objects.filter(user=licensee_user).latest("pk")
    assert note.title.startswith("作价投资股权已登记")


def test_distribution_takes_the_money_received_under_an_assignment(assignment, manager_a):
    sign(assignment, manager_a, on=D(2025, 1, 2))
    payment_record(user=manager_a, licence=assignment, amount="200000", paid_on=D(2025, 1, 5))
    shares = [
        {"name": "张三", "role": "researcher", "amount": "80000"},
        {"name": "单位", "role": "unit", "amount": "120000"},
    ]
    with pytest.raises(ValidationError) as exc:
        distribution_record(
            user=manager_a,
            licence=assignment,
            income_amount="300000",
            costs=[],
            shares=[*shares, {"name": "王五", "role": "researcher", "amount": "100000"}],
        )
    assert "income_amount" in exc.value.message_dict  # more than received
    plan = distribution_record(
        user=manager_a, licence=assignment, income_amount="200000", costs=[], shares=shares
    )
    assert "researcher_floor" in {w["code"] for w in plan.warnings}  # 40% < 50%


def test_distribution_of_an_equity_deal_takes_the_registered_shares_value(equity, manager_a):
    shares = [
        {"name": "张三", "role": "researcher", "amount": "840000"},
        {"name": "李四", "role": "transfer_staff", "amount": "36000"},
        {"name": "单位", "role": "unit", "amount": "324000"},
    ]
    sign(equity, manager_a)
    with pytest.raises(ValidationError) as exc:  # nothing registered yet
        distribution_record(
            user=manager_a, licence=equity, income_amount="1200000", costs=[], shares=shares
        )
    assert "income_amount" in exc.value.message_dict
    share_register(user=manager_a, licence=equity, registered_on=D(2025, 3, 5))
    plan = distribution_record(
        user=manager_a, licence=equity, income_amount="1200000", costs=[], shares=shares
    )
    assert plan.net_income_amount == Decimal("1200000.00")
    assert "researcher_floor" not in {w["code"] for w in plan.warnings}  # 70% ≥ 50%


# --- the contract PDF ----------------------------------------------------------------------


def test_the_equity_agreement_names_company_valuation_shares_and_report(equity):
    html = contract.contract_html(equity)
    for text in (
        "科技成果作价投资协议",
        "云南储氢科技有限公司",
        "1,200,000.00 元（大写：壹佰贰拾万元整）",
        "600,000 股",
        "20%",
        "云正评报字〔2025〕第 018 号",
        "云南正和资产评估有限公司",
        "evaluation.pdf",
    ):
        assert text in html, text
    data = contract.contract_pdf(equity)
    assert data.startswith(b"%PDF")


def test_the_assignment_contract_states_the_price_and_its_parts(assignment):
    html = contract.contract_html(assignment)
    for text in (
        "技术转让合同",
        "转让方（甲方）",
        "500,000.00 元（大写：伍拾万元整）",
        "首付款",
        "尾款",
    ):
        assert text in html, text


# --- what other apps count -----------------------------------------------------------------


def test_the_transfer_report_lists_an_assignment_and_an_equity_deal_by_kind(assignment, manager_a):
    sign(assignment, manager_a, on=D(2025, 1, 2))
    row = next(r for r in report_rows(manager_a.organisation_id, D(2025, 12, 31)))
    assert row["transfer_status"] == "transferred"
    assert row["counterparty"] == "昆明氢能科技有限公司（转让）"
    assert row["contract_amount"] == Decimal("500000.00")


def test_an_equity_deal_counts_its_valuation_in_the_transfer_report(equity, manager_a):
    sign(equity, manager_a)
    row = report_rows(manager_a.organisation_id, D(2025, 12, 31))[0]
    assert row["counterparty"] == "昆明氢能科技有限公司（作价投资）"
    assert row["contract_amount"] == Decimal("1200000.00")
