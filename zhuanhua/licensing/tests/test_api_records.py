"""The API operations for what used to be pages only: pricing method, signing (date + signed
PDF), 认定登记, risk cover and claims, income distribution. Same services, same refusals, same
visibility: the two parties and the department see a licence's records, anyone else gets 404."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

import pytest

from zhuanhua.engines import distribution as dist
from zhuanhua.licensing import services
from zhuanhua.licensing.jobs import licensing_alerts_due
from zhuanhua.licensing.models import (
    ContractRegistration,
    DistributionPlan,
    RiskClaim,
    RiskCover,
    SignedContract,
)
from zhuanhua.licensing.tests.conftest import MINIMAL_PDF, post_json, signed_pdf

pytestmark = pytest.mark.django_db

REG = {
    "contract_type": "license",
    "registration_number": "2025530100000123",
    "registry": "昆明市技术市场管理办公室",
    "registered_on": "2025-02-01",
    "transaction_amount": "300000",
    "technical_income_amount": 250000,
}
LATE = dt.date(2025, 12, 1)  # the upfront fee (due 2025-01-01) is > 90 days overdue


def _errors(response):
    return {(e["field"], e["message"]) for e in response.json()["detail"]}


# --------------------------------------------------------------------------------------------
# Pricing method and signing


def test_signing_through_the_api_stores_the_pdf_and_activates(client, licence, manager_a):
    client.force_login(manager_a)
    response = client.post(
        f"/api/licensing/licences/{licence.pk}/signing",
        {"signed_on": "2025-01-01", "signed_pdf": signed_pdf("合同.pdf")},
    )
    assert response.status_code == 200, response.content
    assert response.json() == {
        "id": licence.pk,
        "status": "active",
        "pricing_method": "listing",
        "signed_on": "2025-01-01",
        "signed_contract": {
            "original_name": "合同.pdf",
            "size": len(MINIMAL_PDF),
            "sha256": hashlib.sha256(MINIMAL_PDF).hexdigest(),
            "download_url": f"/licensing/licences/{licence.pk}/signed.pdf",
        },
    }
    licence.refresh_from_db()
    assert (licence.status, licence.signed_on) == ("active", dt.date(2025, 1, 1))
    again = client.post(
        f"/api/licensing/licences/{licence.pk}/signing",
        {"signed_on": "2025-01-01", "signed_pdf": signed_pdf()},
    )
    assert again.status_code == 422
    assert _errors(again) == {("status", "当前状态（履行中）不能执行该操作")}
    assert SignedContract.objects.count() == 1


def test_signing_refusals_change_nothing(client, licence, manager_a):
    client.force_login(manager_a)
    url = f"/api/licensing/licences/{licence.pk}/signing"
    no_pdf = client.post(url, {"signed_on": "2025-01-01"})
    assert no_pdf.status_code == 422
    assert _errors(no_pdf) == {("signed_pdf", services.ERR_SIGNED_PDF_REQUIRED)}
    future = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    late = client.post(url, {"signed_on": future, "signed_pdf": signed_pdf()})
    assert _errors(late) == {("signed_on", services.ERR_FUTURE_DATE)}
    png = client.post(url, {"signed_on": "2025-01-01", "signed_pdf": signed_pdf("scan.png")})
    assert _errors(png) == {("signed_pdf", services.ERR_SIGNED_PDF_TYPE)}
    licence.refresh_from_db()
    assert licence.status == "draft_contract"
    assert not SignedContract.objects.exists()


def test_only_the_licensors_editors_sign_and_others_do_not_see(
    client, licence, licensee_user, outsider, reviewer
):
    url = f"/api/licensing/licences/{licence.pk}/signing"
    for user, status in ((licensee_user, 403), (reviewer, 403), (outsider, 404)):
        client.force_login(user)
        response = client.post(url, {"signed_on": "2025-01-01", "signed_pdf": signed_pdf()})
        assert response.status_code == status, user
    client.logout()
    assert client.post(url, {"signed_on": "2025-01-01"}).status_code == 401
    licence.refresh_from_db()
    assert licence.status == "draft_contract"


def test_agreement_pricing_through_the_api_gates_signing(client, licence, manager_a):
    client.force_login(manager_a)
    priced = post_json(
        client,
        f"/api/licensing/licences/{licence.pk}/pricing-method",
        {"pricing_method": "agreement"},
    )
    assert priced.status_code == 200
    assert (priced.json()["pricing_method"], priced.json()["signed_contract"]) == (
        "agreement",
        None,
    )
    blocked = client.post(
        f"/api/licensing/licences/{licence.pk}/signing",
        {"signed_on": "2025-01-01", "signed_pdf": signed_pdf()},
    )
    assert blocked.status_code == 422
    assert _errors(blocked) == {("pricing_method", services.ERR_AGREEMENT_NOT_PUBLICISED)}
    bad = post_json(
        client,
        f"/api/licensing/licences/{licence.pk}/pricing-method",
        {"pricing_method": "lottery"},
    )
    assert _errors(bad) == {("pricing_method", services.ERR_CHOICE)}
    licence.refresh_from_db()
    assert (licence.pricing_method, licence.status) == ("agreement", "draft_contract")


# --------------------------------------------------------------------------------------------
# 技术合同认定登记


def test_registration_through_the_api(client, active_licence, manager_a, licensee_user):
    client.force_login(manager_a)
    url = f"/api/licensing/licences/{active_licence.pk}/registration"
    response = post_json(client, url, REG)
    assert response.status_code == 201, response.content
    reg = ContractRegistration.objects.get()
    assert response.json() == {
        "id": reg.pk,
        "licence_id": active_licence.pk,
        "contract_type": "license",
        "registration_number": "2025530100000123",
        "registry": "昆明市技术市场管理办公室",
        "registered_on": "2025-02-01",
        "transaction_amount": "300000.00",
        "technical_income_amount": "250000.00",
    }
    assert post_json(client, url, REG).json()["detail"] == [
        {"field": "status", "message": services.ERR_ALREADY_REGISTERED}
    ]
    client.force_login(licensee_user)  # the other party reads it on the licence
    detail = client.get(f"/api/licensing/licences/{active_licence.pk}").json()
    assert detail["registration"]["registration_number"] == "2025530100000123"
    assert post_json(client, url, REG).status_code == 403
    assert ContractRegistration.objects.count() == 1


def test_registration_refusals(client, licence, active_licence, manager_a, outsider):
    client.force_login(manager_a)
    url = f"/api/licensing/licences/{licence.pk}/registration"
    over = post_json(client, url, {**REG, "technical_income_amount": "300000.01"})
    assert _errors(over) == {("technical_income_amount", services.ERR_TECH_INCOME_GT)}
    early = post_json(client, url, {**REG, "registered_on": "2024-12-31"})
    assert _errors(early) == {("registered_on", services.ERR_REG_BEFORE_SIGN)}
    missing = post_json(client, url, {**REG, "registry": " ", "contract_type": "gift"})
    assert _errors(missing) == {
        ("registry", services.ERR_REQUIRED),
        ("contract_type", services.ERR_CHOICE),
    }
    client.force_login(outsider)
    assert post_json(client, url, REG).status_code == 404
    assert not ContractRegistration.objects.exists()


def test_registration_waits_for_the_signature(client, licence, manager_a):
    client.force_login(manager_a)
    response = post_json(client, f"/api/licensing/licences/{licence.pk}/registration", REG)
    assert _errors(response) == {("status", services.ERR_NOT_SIGNED)}


# --------------------------------------------------------------------------------------------
# Risk cover and claims


@pytest.fixture
def guarantor(make_org, make_user):
    org = make_org(name="云南省科技融资担保有限公司", org_type="guarantor")
    return make_user("guarantor", org, ["org_admin"], email="risk@guarantee.example.com")


def _cover_body(licence, enterprise, **kw):
    return {
        "licence_id": licence.pk,
        "licensee_uscc": enterprise.uscc,
        "share": "0.3",
        "limit_amount": 100000,
        "starts_on": "2025-01-01",
        "ends_on": "2026-12-31",
        **kw,
    }


def test_guarantor_attaches_cover_through_the_api(client, active_licence, enterprise, guarantor):
    client.force_login(guarantor)
    response = post_json(client, "/api/licensing/covers", _cover_body(active_licence, enterprise))
    assert response.status_code == 201, response.content
    cover = RiskCover.objects.get()
    assert response.json() == {
        "id": cover.pk,
        "licence_id": active_licence.pk,
        "provider_id": guarantor.organisation_id,
        "provider_name": "云南省科技融资担保有限公司",
        "kind": "guarantee",
        "share": "0.3000",
        "limit_amount": "100000.00",
        "starts_on": "2025-01-01",
        "ends_on": "2026-12-31",
        "claims": [],
    }
    listed = client.get("/api/licensing/covers").json()
    assert (listed["count"], listed["items"][0]["id"]) == (1, cover.pk)
    twice = post_json(client, "/api/licensing/covers", _cover_body(active_licence, enterprise))
    assert _errors(twice) == {("licence", services.ERR_COVER_EXISTS)}


def test_cover_needs_the_licence_number_and_the_licensees_uscc(
    client, active_licence, enterprise, guarantor
):
    client.force_login(guarantor)
    wrong = post_json(
        client,
        "/api/licensing/covers",
        _cover_body(active_licence, enterprise, licensee_uscc="91530100MA0000000X"),
    )
    assert wrong.status_code == 422
    assert _errors(wrong) == {("licence_id", services.ERR_COVER_LICENCE_NOT_FOUND)}
    share = post_json(
        client, "/api/licensing/covers", _cover_body(active_licence, enterprise, share=30)
    )
    assert _errors(share) == {("share", services.ERR_SHARE)}
    assert not RiskCover.objects.exists()


def test_only_guarantors_and_insurers_attach_or_list_covers(
    client, active_licence, enterprise, manager_a, licensee_user, reviewer
):
    for user in (manager_a, licensee_user, reviewer):
        client.force_login(user)
        body = _cover_body(active_licence, enterprise)
        response = post_json(client, "/api/licensing/covers", body)
        assert response.status_code == 403
        assert response.json() == {"detail": services.ERR_NOT_PROVIDER}
        assert client.get("/api/licensing/covers").status_code == 403
    assert not RiskCover.objects.exists()


def test_claim_is_listed_on_the_licence_and_handled_by_the_provider(
    client, active_licence, enterprise, guarantor, manager_a, licensee_user, reviewer, outsider
):
    services.cover_attach(
        user=guarantor,
        licence=active_licence,
        share="0.6",
        limit_amount="100000",
        starts_on="2025-01-01",
        ends_on="2026-12-31",
    )
    licensing_alerts_due(LATE)
    claim = RiskClaim.objects.get()
    url = f"/api/licensing/licences/{active_licence.pk}/covers"
    for user in (manager_a, licensee_user, reviewer):
        client.force_login(user)
        [cover] = client.get(url).json()
        assert [(c["id"], c["status"], c["alert_code"]) for c in cover["claims"]] == [
            (claim.pk, "open", "default_risk")
        ]
    handle = f"/api/licensing/claims/{claim.pk}/handle"
    client.force_login(licensee_user)
    assert post_json(client, handle, {"resolution": "代偿"}).status_code == 403
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert post_json(client, handle, {"resolution": "代偿"}).status_code == 404
    client.force_login(guarantor)
    empty = post_json(client, handle, {"resolution": " "})
    assert _errors(empty) == {("resolution", services.ERR_RESOLUTION_EMPTY)}
    done = post_json(client, handle, {"resolution": "已核实并代偿 6 万元"})
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["resolution"], done.json()["licence_id"]) == (
        "handled",
        "已核实并代偿 6 万元",
        active_licence.pk,
    )
    assert _errors(post_json(client, handle, {"resolution": "再次"})) == {
        ("status", services.ERR_CLAIM_HANDLED)
    }


# --------------------------------------------------------------------------------------------
# Income distribution


DISTRIBUTION = {
    "income_amount": "100000",
    "costs": [{"label": "专利年费", "amount": "10000"}],
    "shares": [
        {"name": "张三", "role": "researcher", "amount": "40000"},
        {"name": "成果转化办", "role": "transfer_staff", "amount": 5000},
        {"name": "云南大学", "role": "unit", "amount": "45000"},
    ],
}


@pytest.fixture
def paid(active_licence, manager_a):
    services.payment_record(
        user=manager_a, licence=active_licence, amount="100000", paid_on=dt.date(2025, 2, 1)
    )
    return active_licence


def test_distribution_through_the_api_is_saved_with_its_warnings(client, paid, manager_a):
    client.force_login(manager_a)
    url = f"/api/licensing/licences/{paid.pk}/distributions"
    response = post_json(client, url, DISTRIBUTION)
    assert response.status_code == 201, response.content
    plan = DistributionPlan.objects.get()
    body = response.json()
    assert (body["id"], body["income_amount"], body["net_income_amount"]) == (
        plan.pk,
        "100000.00",
        "90000.00",
    )
    assert body["costs"] == [{"label": "专利年费", "amount": "10000.00"}]
    assert [(s["name"], s["role"], s["amount"]) for s in body["shares"]] == [
        ("张三", "researcher", "40000.00"),
        ("成果转化办", "transfer_staff", "5000.00"),
        ("云南大学", "unit", "45000.00"),
    ]
    assert body["warnings"] == [
        {
            "code": "researcher_floor",
            "message": dist.WARN_RESEARCHER_TRANSFER.format(
                actual=Decimal("40000.00"), floor=Decimal("45000.00")
            ),
        }
    ]
    assert [p["id"] for p in client.get(url).json()] == [plan.pk]


def test_distribution_refusals_record_nothing(client, paid, manager_a):
    client.force_login(manager_a)
    url = f"/api/licensing/licences/{paid.pk}/distributions"
    unequal = post_json(client, url, {**DISTRIBUTION, "costs": []})
    assert _errors(unequal) == {
        ("shares", dist.ERR_SUM.format(total=Decimal("90000.00"), net=Decimal("100000.00")))
    }
    too_much = post_json(client, url, {**DISTRIBUTION, "income_amount": "100000.01"})
    assert too_much.status_code == 422
    assert not DistributionPlan.objects.exists()


def test_distributions_are_the_licensors_and_the_departments(
    client, paid, manager_a, licensee_user, reviewer, outsider
):
    services.distribution_record(user=manager_a, licence=paid, **DISTRIBUTION)
    url = f"/api/licensing/licences/{paid.pk}/distributions"
    client.force_login(reviewer)
    assert len(client.get(url).json()) == 1
    assert post_json(client, url, DISTRIBUTION).status_code == 403
    client.force_login(licensee_user)
    hidden = client.get(url)
    assert (hidden.status_code, hidden.json()) == (
        403,
        {"detail": services.ERR_DISTRIBUTIONS_HIDDEN},
    )
    assert post_json(client, url, DISTRIBUTION).status_code == 403
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert DistributionPlan.objects.count() == 1
