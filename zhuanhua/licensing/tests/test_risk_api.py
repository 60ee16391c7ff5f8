"""The API of issue 20.4–5: a claim, its payout decision, the exposure, the credit referral."""

from __future__ import annotations

import datetime as dt

import pytest

from zhuanhua.credit.models import CreditReferral
from zhuanhua.licensing.models import Payment, RiskClaim
from zhuanhua.licensing.services import cover_attach
from zhuanhua.licensing.tests.conftest import post_json

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 12, 1)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)


@pytest.fixture
def guarantor(make_org, make_user):
    org = make_org(name="云南省科技融资担保有限公司", org_type="guarantor")
    return make_user("guarantor", org, ["org_admin"])


@pytest.fixture
def cover(active_licence, guarantor):
    return cover_attach(
        user=guarantor,
        licence=active_licence,
        share="0.8",
        limit_amount="100000",
        starts_on="2025-01-01",
        ends_on="2026-12-31",
    )


def test_claim_and_payout_through_the_api(client, cover, active_licence, manager_a, guarantor):
    client.force_login(manager_a)
    url = f"/api/licensing/licences/{active_licence.pk}/claims"
    missing = post_json(client, url, {"cover_id": 999999, "obligation_ref": "upfront"})
    assert missing.status_code == 422
    assert RiskClaim.objects.count() == 0
    opened = post_json(client, url, {"cover_id": cover.pk, "obligation_ref": "upfront"})
    assert opened.status_code == 201
    claim = opened.json()
    assert (claim["status"], claim["obligation"], claim["overdue_amount"]) == (
        "open",
        "门槛费",
        "10000.00",
    )
    client.force_login(guarantor)
    decide = f"/api/licensing/claims/{claim['id']}/decision"
    over = post_json(
        client, decide, {"decision": "pay", "resolution": "代偿", "payout_amount": "8000.01"}
    )
    assert over.status_code == 422
    assert Payment.objects.count() == 0
    paid = post_json(
        client,
        decide,
        {"decision": "pay", "resolution": "代偿", "payout_amount": "8000", "paid_on": "2025-12-01"},
    )
    assert paid.status_code == 200
    body = paid.json()
    assert (body["status"], body["payout_amount"], body["covered"]) == (
        "paid",
        "8000.00",
        [{"obligation": "门槛费", "amount": "8000.00"}],
    )
    assert Payment.objects.get().payer_id == guarantor.organisation_id
    exposure = client.get("/api/licensing/covers/exposure").json()
    assert exposure["totals"] == {
        "covered": "100000.00",
        "claims": 1,
        "open_claims": 0,
        "paid_out": "8000.00",
    }


def test_only_the_licensor_claims_and_refers(client, cover, active_licence, licensee_user):
    client.force_login(licensee_user)
    base = f"/api/licensing/licences/{active_licence.pk}"
    claim = post_json(client, f"{base}/claims", {"cover_id": cover.pk, "obligation_ref": "upfront"})
    refer = post_json(client, f"{base}/credit-referral", {"reason": "逾期"})
    assert (claim.status_code, refer.status_code) == (403, 403)
    assert client.get("/api/licensing/covers/exposure").status_code == 403
    assert RiskClaim.objects.count() == CreditReferral.objects.count() == 0


def test_credit_referral_through_the_api(client, active_licence, manager_a):
    client.force_login(manager_a)
    response = post_json(
        client,
        f"/api/licensing/licences/{active_licence.pk}/credit-referral",
        {"reason": "门槛费逾期超过 90 天"},
    )
    assert response.status_code == 201
    assert response.json()["status"] == "open"
    assert CreditReferral.objects.get().subject_id == str(active_licence.pk)
