"""Pages and API: the ledger, the spend form with its refusals, the issue form, the queue,
the claim and decision, and who may see what."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from zhuanhua.vouchers import services
from zhuanhua.vouchers.models import VoucherQuota, VoucherSpend
from zhuanhua.vouchers.tests.conftest import TEST_SUBJECT, pdf

D = Decimal


@pytest.fixture
def this_year():
    return timezone.localdate().year


@pytest.fixture
def live_quota(reviewer, tech, this_year):
    return services.voucher_quota_issue(user=reviewer, enterprise=tech, year=this_year)


@pytest.fixture
def live_spend(live_quota, spend_kwargs, this_year):
    return services.voucher_spend(**{**spend_kwargs, "year": this_year})


def spend_post(voucher="60000", subject="SC-9"):
    return {"subject": f"{TEST_SUBJECT}:{subject}", "voucher_amount": voucher}


def test_enterprise_sees_its_ledger_and_spends(client, tech_staff, live_quota, contracts):
    client.force_login(tech_staff)
    body = client.get(reverse("vouchers:ledger")).content.decode()
    assert 'data-testid="left">800,000.00<' in body
    response = client.post(reverse("vouchers:spend"), spend_post())
    assert response.status_code == 302
    body = client.get(response.url).content.decode()
    assert 'data-testid="spent">60,000.00<' in body
    assert 'data-testid="left">740,000.00<' in body


def test_spend_form_shows_the_refusal_and_changes_nothing(
    client, tech_staff, live_quota, contracts
):
    client.force_login(tech_staff)
    response = client.post(reverse("vouchers:spend"), spend_post(voucher="100000.01"))
    assert response.status_code == 200
    body = response.content.decode()
    assert (
        "创新券兑付金额不得超过单项合同金额的 50%（本合同最多 100,000.00 元，已使用 0.00 元）"
        in body
    )
    assert 'data-testid="left">800,000.00<' in body
    assert not VoucherSpend.objects.exists()


def test_other_enterprise_ledger_is_404(client, manager_b, tech, live_quota):
    client.force_login(manager_b)
    assert client.get(reverse("vouchers:ledger") + f"?enterprise={tech.pk}").status_code == 404
    assert client.get(f"/api/vouchers/ledger?enterprise_id={tech.pk}").status_code == 404


def test_department_reads_any_ledger(client, auditor, tech, live_quota):
    client.force_login(auditor)
    body = client.get(reverse("vouchers:ledger") + f"?enterprise={tech.pk}").content.decode()
    assert tech.name in body
    assert 'data-testid="issued">800,000.00<' in body
    assert client.get(reverse("vouchers:issue")).status_code == 403
    assert client.get(reverse("vouchers:queue")).status_code == 200


def test_reviewer_issues_through_the_form(client, reviewer, tech, this_year):
    client.force_login(reviewer)
    body = client.get(reverse("vouchers:issue")).content.decode()
    assert "800,000.00" in body
    assert tech.name in body
    response = client.post(
        reverse("vouchers:issue"),
        {
            "enterprise": str(tech.pk),
            "year": str(this_year),
            "issued_amount": "600000",
        },
    )
    assert response.status_code == 302
    assert VoucherQuota.objects.get().issued_amount == D("600000.00")
    over = client.post(
        reverse("vouchers:issue"),
        {
            "enterprise": str(tech.pk),
            "year": str(this_year),
            "issued_amount": "900000",
        },
    )
    assert "年度创新券额度不得超过 800,000.00 元" in over.content.decode()
    assert VoucherQuota.objects.get().issued_amount == D("600000.00")


def test_enterprise_cannot_issue(client, tech_staff):
    client.force_login(tech_staff)
    assert client.get(reverse("vouchers:issue")).status_code == 403


def test_provider_claims_and_reviewer_approves_in_the_queue(
    client, live_spend, provider_staff, reviewer, tech, this_year
):
    detail = reverse("vouchers:spend_detail", args=[live_spend.pk])
    client.force_login(provider_staff)
    assert "提交兑付申请" in client.get(detail).content.decode()
    assert 'data-testid="provided"' in client.get(reverse("vouchers:ledger")).content.decode()
    client.post(
        reverse("vouchers:claim", args=[live_spend.pk]),
        {
            "contract": pdf("c.pdf"),
            "invoice": pdf("i.pdf"),
            "payment_proof": pdf("p.pdf"),
        },
    )
    live_spend.refresh_from_db()
    assert live_spend.status == "claimed"
    client.force_login(reviewer)
    queue = client.get(reverse("vouchers:queue")).content.decode()
    assert 'data-testid="queue-count">1<' in queue
    response = client.post(
        reverse("vouchers:decide", args=[live_spend.pk, "approve"]), {"next": "queue"}
    )
    assert response.url == reverse("vouchers:queue")
    live_spend.refresh_from_db()
    assert live_spend.status == "redeemed"
    body = client.get(reverse("vouchers:ledger") + f"?enterprise={tech.pk}").content.decode()
    assert 'data-testid="redeemed">100,000.00<' in body


def test_documents_are_private(client, live_spend, provider_staff, manager_b):
    services.voucher_redemption_claim(
        user=provider_staff,
        spend=live_spend,
        contract_file=pdf("c.pdf"),
        invoice_file=pdf("i.pdf"),
        payment_file=pdf("p.pdf"),
    )
    doc = live_spend.documents.first()
    client.force_login(manager_b)
    assert client.get(reverse("vouchers:spend_detail", args=[live_spend.pk])).status_code == 404
    assert client.get(reverse("vouchers:document_download", args=[doc.pk])).status_code == 404
    client.force_login(provider_staff)
    assert client.get(reverse("vouchers:document_download", args=[doc.pk])).status_code == 200


def test_api_flow(
    client, reviewer, tech, tech_staff, provider, provider_staff, this_year, contracts
):
    client.force_login(reviewer)
    issued = client.post(
        "/api/vouchers/quotas",
        {"enterprise_id": tech.pk, "year": this_year},
        content_type="application/json",
    )
    assert issued.status_code == 201
    assert issued.json()["left_amount"] == "800000.00"
    client.force_login(tech_staff)
    contracts.add(
        "L-1", enterprise=tech, counterparty=provider, contract_amount=D("50000"), title="许可"
    )
    body = {
        "provider_id": provider.pk,
        "subject_type": TEST_SUBJECT,
        "subject_id": "L-1",
        "voucher_amount": "25000.01",
    }
    refused = client.post("/api/vouchers/spends", body, content_type="application/json")
    assert refused.status_code == 422
    assert refused.json()["detail"] == [
        {
            "field": "voucher_amount",
            "message": services.ERR_OVER_HALF.format(limit="25,000.00", used="0.00"),
        }
    ]
    created = client.post(
        "/api/vouchers/spends", {**body, "voucher_amount": "25000"}, content_type="application/json"
    )
    assert created.status_code == 201
    spend_id = created.json()["id"]
    client.force_login(provider_staff)
    claimed = client.post(
        f"/api/vouchers/spends/{spend_id}/claim",
        {
            "contract": pdf("c.pdf"),
            "invoice": pdf("i.pdf"),
            "payment_proof": pdf("p.pdf"),
            "invoice_number": "INV-1",
        },
    )
    assert claimed.status_code == 200, claimed.content
    assert claimed.json()["status"] == "claimed"
    assert (
        client.post(
            f"/api/vouchers/spends/{spend_id}/decision",
            {"approve": True},
            content_type="application/json",
        ).status_code
        == 403
    )
    client.force_login(reviewer)
    decided = client.post(
        f"/api/vouchers/spends/{spend_id}/decision",
        {"approve": False, "reason": "发票不符"},
        content_type="application/json",
    )
    assert decided.json()["status"] == "rejected"
    ledger = client.get(f"/api/vouchers/ledger?enterprise_id={tech.pk}&year={this_year}").json()
    assert (ledger["spent_amount"], ledger["left_amount"]) == ("0.00", "800000.00")
    assert len(ledger["spends"]) == 1


def test_api_needs_login(client):
    assert client.get("/api/vouchers/ledger").status_code == 401
