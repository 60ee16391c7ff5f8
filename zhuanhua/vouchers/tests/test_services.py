"""Quota, spend (50% of each contract, the year's quota), claim, decision, the ledger."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhuanhua.audit.models import AuditEntry
from zhuanhua.vouchers import services
from zhuanhua.vouchers.choices import DEFAULT_ANNUAL_QUOTA_AMOUNT
from zhuanhua.vouchers.models import VoucherQuota, VoucherSpend
from zhuanhua.vouchers.selectors import voucher_ledger
from zhuanhua.vouchers.tests.conftest import YEAR, pdf

D = Decimal


def ledger_tuple(tech, year=YEAR):
    led = voucher_ledger(tech, year)
    return (led.issued_amount, led.spent_amount, led.redeemed_amount, led.left_amount)


def assert_quota_agrees(tech, year=YEAR):
    led = voucher_ledger(tech, year)
    q = VoucherQuota.objects.get(enterprise=tech, year=year)
    assert (q.issued_amount, q.spent_amount, q.redeemed_amount) == (
        led.issued_amount,
        led.spent_amount,
        led.redeemed_amount,
    )


def test_annual_cap_comes_from_the_catalogue():
    assert services.voucher_annual_cap() == D("800000.00") == DEFAULT_ANNUAL_QUOTA_AMOUNT
    assert services.voucher_contract_rate() == D("0.50")


def test_cap_falls_back_to_the_constant(monkeypatch):
    monkeypatch.setattr(services, "_catalogue_measure", lambda: None)
    assert services.voucher_annual_cap() == DEFAULT_ANNUAL_QUOTA_AMOUNT


def test_issue_defaults_to_the_cap_and_audits(quota, tech):
    assert quota.issued_amount == D("800000.00")
    assert ledger_tuple(tech) == (D("800000.00"), 0, 0, D("800000.00"))
    assert AuditEntry.objects.filter(action="voucher_quota.issue").count() == 1


def test_issue_checks(reviewer, tech, unit_a, tech_staff, auditor):
    with pytest.raises(ValidationError) as exc:
        services.voucher_quota_issue(
            user=reviewer, enterprise=tech, year=YEAR, issued_amount="800000.01"
        )
    assert exc.value.message_dict["issued_amount"] == [
        services.ERR_QUOTA_OVER_CAP.format(cap="800,000.00")
    ]
    with pytest.raises(ValidationError) as exc:
        services.voucher_quota_issue(user=reviewer, enterprise=unit_a, year=YEAR)
    assert exc.value.message_dict["enterprise"] == [services.ERR_NOT_TECH_ENTERPRISE]
    for user in (tech_staff, auditor):
        with pytest.raises(PermissionDenied):
            services.voucher_quota_issue(user=user, enterprise=tech, year=YEAR)
    assert not VoucherQuota.objects.exists()


def test_issue_again_adjusts_but_not_below_spent(reviewer, tech, spent):
    quota = services.voucher_quota_issue(
        user=reviewer, enterprise=tech, year=YEAR, issued_amount="500000"
    )
    assert quota.issued_amount == D("500000.00")
    with pytest.raises(ValidationError) as exc:
        services.voucher_quota_issue(
            user=reviewer, enterprise=tech, year=YEAR, issued_amount="99999.99"
        )
    assert exc.value.message_dict["issued_amount"] == [
        services.ERR_QUOTA_BELOW_SPENT.format(spent="100,000.00")
    ]
    assert VoucherQuota.objects.get().issued_amount == D("500000.00")


def test_spend_counts_against_the_quota(spent, tech):
    assert spent.status == "spent"
    assert ledger_tuple(tech) == (D("800000.00"), D("100000.00"), 0, D("700000.00"))
    assert_quota_agrees(tech)
    assert AuditEntry.objects.filter(action="voucher.spend").count() == 1


def test_spend_over_half_of_the_contract_is_refused(quota, spend_kwargs, tech):
    spend_kwargs["voucher_amount"] = D("100000.01")
    with pytest.raises(ValidationError) as exc:
        services.voucher_spend(**spend_kwargs)
    assert exc.value.message_dict["voucher_amount"] == [
        "创新券兑付金额不得超过单项合同金额的 50%（本合同最多 100,000.00 元，已使用 0.00 元）"
    ]
    assert ledger_tuple(tech) == (D("800000.00"), 0, 0, D("800000.00"))
    assert not VoucherSpend.objects.exists()


def test_half_counts_every_spend_on_the_same_contract(spent, spend_kwargs, tech):
    spend_kwargs["voucher_amount"] = D("0.01")
    with pytest.raises(ValidationError) as exc:
        services.voucher_spend(**spend_kwargs)
    assert exc.value.message_dict["voucher_amount"] == [
        services.ERR_OVER_HALF.format(limit="100,000.00", used="100,000.00")
    ]
    spend_kwargs.update(subject_id="SC-002")
    services.voucher_spend(**spend_kwargs)  # another contract is fine
    assert ledger_tuple(tech)[1] == D("100000.01")


def test_contract_amount_must_stay_the_same(spent, spend_kwargs, contracts):
    contracts.contracts["SC-001"].contract_amount = D("400000.00")  # the record changed later
    with pytest.raises(ValidationError) as exc:
        services.voucher_spend(**{**spend_kwargs, "voucher_amount": D("50000.00")})
    assert exc.value.message_dict == {
        "contract_amount": [services.ERR_CONTRACT_CHANGED.format(amount="200,000.00")]
    }
    assert VoucherSpend.objects.count() == 1


def test_spend_over_the_quota_is_refused(quota, spend_kwargs, tech):
    for n in range(7):
        services.voucher_spend(**{**spend_kwargs, "subject_id": f"C{n}"})
    assert ledger_tuple(tech)[3] == D("100000.00")
    with pytest.raises(ValidationError) as exc:
        services.voucher_spend(
            **{
                **spend_kwargs,
                "subject_id": "C7",  # a contract of 300,000
                "voucher_amount": D("100000.01"),
            }
        )
    assert exc.value.message_dict["voucher_amount"] == [
        "超出本年度创新券剩余额度（剩余 100,000.00 元）"
    ]
    assert ledger_tuple(tech) == (D("800000.00"), D("700000.00"), 0, D("100000.00"))
    services.voucher_spend(**{**spend_kwargs, "subject_id": "C7"})
    assert ledger_tuple(tech)[3] == 0
    assert_quota_agrees(tech)


def test_spend_without_quota_is_refused(spend_kwargs):
    with pytest.raises(ValidationError) as exc:
        services.voucher_spend(**spend_kwargs)
    assert exc.value.message_dict["voucher_amount"] == [services.ERR_NO_QUOTA.format(year=YEAR)]


def test_spend_of_another_year_uses_that_quota(quota, spend_kwargs):
    with pytest.raises(ValidationError):
        services.voucher_spend(**{**spend_kwargs, "year": YEAR + 1})


def test_only_enterprise_staff_spend(
    quota, spend_kwargs, provider_staff, reviewer, tech, make_user
):
    viewer = make_user("tech_researcher", tech, ["researcher"])
    for user in (provider_staff, reviewer, viewer):
        with pytest.raises(PermissionDenied):
            services.voucher_spend(**{**spend_kwargs, "user": user})
    assert not VoucherSpend.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("voucher_amount", "0"),
        ("voucher_amount", "-5"),
        ("voucher_amount", "1.001"),
        ("voucher_amount", "1e100"),
        ("voucher_amount", "NaN"),
        ("contract_amount", "abc"),
        ("contract_amount", "1000000000000"),
    ],
)
def test_amounts_are_checked(quota, spend_kwargs, field, value):
    with pytest.raises(ValidationError) as exc:
        services.voucher_spend(**{**spend_kwargs, field: value})
    assert exc.value.message_dict[field] == [services.ERR_AMOUNT]


def test_provider_claims_with_three_documents(claimed, tech):
    assert claimed.status == "claimed"
    assert sorted(claimed.documents.values_list("kind", flat=True)) == [
        "contract",
        "invoice",
        "payment_proof",
    ]
    led = voucher_ledger(tech, YEAR)
    assert led.pending_amount == D("100000.00")
    assert led.redeemed_amount == 0


def test_claim_needs_every_document_and_the_provider(spent, provider_staff, tech_staff, manager_b):
    with pytest.raises(ValidationError) as exc:
        services.voucher_redemption_claim(
            user=provider_staff,
            spend=spent,
            contract_file=pdf("c.pdf"),
            invoice_file=None,
            payment_file=None,
        )
    assert exc.value.message_dict == {
        "invoice": [services.ERR_DOCUMENT.format(label="发票")],
        "payment_proof": [services.ERR_DOCUMENT.format(label="付款凭证")],
    }
    for user in (tech_staff, manager_b):
        with pytest.raises(PermissionDenied):
            services.voucher_redemption_claim(
                user=user,
                spend=spent,
                contract_file=pdf("c.pdf"),
                invoice_file=pdf("i.pdf"),
                payment_file=pdf("p.pdf"),
            )
    spent.refresh_from_db()
    assert spent.status == "spent"


def test_spend_without_a_named_provider_pays_the_contracts_counterparty(
    quota, spend_kwargs, provider_staff, provider
):
    spend = services.voucher_spend(**{**spend_kwargs, "provider": None})
    assert spend.provider == provider
    spend = services.voucher_redemption_claim(
        user=provider_staff,
        spend=spend,
        contract_file=pdf("c.pdf"),
        invoice_file=pdf("i.pdf"),
        payment_file=pdf("p.pdf"),
    )
    assert spend.provider == provider


def test_reviewer_approves(claimed, reviewer, tech):
    spend = services.voucher_redemption_decide(user=reviewer, spend=claimed, approve=True)
    assert spend.status == "redeemed"
    assert ledger_tuple(tech) == (D("800000.00"), D("100000.00"), D("100000.00"), D("700000.00"))
    assert_quota_agrees(tech)
    with pytest.raises(ValidationError):
        services.voucher_redemption_decide(user=reviewer, spend=spend, approve=True)
    assert ledger_tuple(tech)[2] == D("100000.00")


def test_reviewer_rejects_with_reason_and_the_quota_returns(claimed, reviewer, tech):
    with pytest.raises(ValidationError) as exc:
        services.voucher_redemption_decide(user=reviewer, spend=claimed, approve=False)
    assert exc.value.message_dict["reason"] == [services.ERR_REASON]
    spend = services.voucher_redemption_decide(
        user=reviewer, spend=claimed, approve=False, reason="发票与合同金额不符"
    )
    assert spend.status == "rejected"
    assert ledger_tuple(tech) == (D("800000.00"), 0, 0, D("800000.00"))
    assert_quota_agrees(tech)


def test_only_reviewers_decide(claimed, auditor, tech_staff, provider_staff):
    for user in (auditor, tech_staff, provider_staff):
        with pytest.raises(PermissionDenied):
            services.voucher_redemption_decide(user=user, spend=claimed, approve=True)


def test_unclaimed_spend_cannot_be_decided(spent, reviewer):
    with pytest.raises(ValidationError) as exc:
        services.voucher_redemption_decide(user=reviewer, spend=spent, approve=True)
    assert exc.value.message_dict["status"] == [
        services.ERR_BAD_STATE.format(status="已使用（待申请兑付）")
    ]


def test_database_refuses_a_negative_ledger(quota):
    from django.db import IntegrityError, transaction

    quota.spent_amount = quota.issued_amount + 1
    with pytest.raises(IntegrityError), transaction.atomic():
        quota.save()
