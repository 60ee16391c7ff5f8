"""The pages of issue 20.4–5: a claim opened on the licence page, paid on the provider's page,
its coverage and the provider's exposure; the credit referral; a finding of 恶意违约 shown."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from zhuanhua.credit import services as credit_services
from zhuanhua.credit.models import CreditReferral
from zhuanhua.credit.services import CreditEventInput
from zhuanhua.licensing.models import Payment, RiskClaim
from zhuanhua.licensing.services import cover_attach

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
        share="1",
        limit_amount="100000",
        starts_on="2025-01-01",
        ends_on="2026-12-31",
    )


def test_a_claim_through_the_pages(client, cover, active_licence, manager_a, guarantor):
    client.force_login(manager_a)
    page = client.get(f"/licensing/licences/{active_licence.pk}/").content.decode()
    assert 'data-testid="claim-open-form"' in page
    assert "门槛费：逾期未付 10,000.00 元（2025-01-01 到期）" in page
    client.post(
        f"/licensing/licences/{active_licence.pk}/claims/",
        {"cover": cover.pk, "obligation_ref": "upfront"},
    )
    claim = RiskClaim.objects.get()
    client.force_login(guarantor)
    covers = client.get("/licensing/covers/").content.decode()
    assert f'data-testid="claim-decide-{claim.pk}"' in covers
    refused = client.post(
        f"/licensing/claims/{claim.pk}/decide/",
        {"decision": "pay", "payout_amount": "20000", "resolution": "代偿"},
        follow=True,
    ).content.decode()
    assert "赔付金额（20,000.00 元）超过该义务当前逾期未付的金额（10,000.00 元）" in refused
    assert Payment.objects.count() == 0
    client.post(
        f"/licensing/claims/{claim.pk}/decide/",
        {
            "decision": "pay",
            "payout_amount": "10000",
            "paid_on": "2025-12-01",
            "resolution": "代偿",
        },
    )
    assert Payment.objects.get().payer_id == guarantor.organisation_id
    covers = client.get("/licensing/covers/").content.decode()
    assert "已赔付 <strong>10,000.00</strong> 元" in covers
    client.force_login(manager_a)
    page = client.get(f"/licensing/licences/{active_licence.pk}/").content.decode()
    assert "按到期先后冲抵：门槛费 10,000.00 元" in page
    assert "，付款方：云南省科技融资担保有限公司" in page  # the payout in the payments list


def test_a_referral_and_a_finding_through_the_pages(
    client, active_licence, manager_a, licensee_user, make_org, make_user
):
    reviewer = make_user(
        "dept_rev", make_org(name="科技厅（测试）", org_type="department"), ["department_reviewer"]
    )
    client.force_login(manager_a)
    page = client.get(f"/licensing/licences/{active_licence.pk}/").content.decode()
    assert 'data-testid="credit-refer-form"' in page
    client.post(
        f"/licensing/licences/{active_licence.pk}/credit-referral/", {"reason": "逾期超过 90 天"}
    )
    case = CreditReferral.objects.get()
    client.force_login(reviewer)
    queue = client.get("/credit/referrals/").content.decode()
    assert "许可编号" in queue
    assert "待审查" in queue
    detail = client.get(f"/credit/referrals/{case.pk}/").content.decode()
    assert "门槛费：应付 10,000.00 元" in detail
    credit_services.credit_referral_record(
        user=reviewer,
        referral=case,
        data=CreditEventInput(
            organisation=active_licence.licensee,
            kind="malicious_default",
            description="长期拒付",
            party_statement="资金困难",
            hearing_on=TODAY,
            effective_from=TODAY,
            effective_to=dt.date(2026, 12, 1),
        ),
        evidence=[
            SimpleUploadedFile("h.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
        ],
    )
    client.force_login(manager_a)
    for url in (
        f"/licensing/licences/{active_licence.pk}/",
        f"/licensing/inquiries/{active_licence.inquiry_id}/",
    ):
        html = client.get(url).content.decode()
        assert 'data-testid="malicious-default"' in html
        assert "被认定为<strong>恶意违约</strong>" in html
