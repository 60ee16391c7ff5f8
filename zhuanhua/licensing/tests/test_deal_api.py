"""The deals through the API: an equity listing with its report, deals of each kind with typed
fields, share registration, the same permissions as the pages."""

from __future__ import annotations

from zhuanhua.licensing.models import Licence, LicenceOffer
from zhuanhua.licensing.tests.conftest import post_json, signed_pdf
from zhuanhua.licensing.tests.test_deals import ASSIGNMENT_DATA, ASSIGNMENT_TERMS, sign


def _equity_form(achievement_id: int, uscc: str) -> dict:
    return {
        "achievement_id": achievement_id,
        "summary": "以专利作价投资。",
        "fee_standard": "评估作价 120 万元。",
        "company_name": "云南储氢科技有限公司",
        "company_uscc": uscc,
        "valuation_amount": "1200000",
        "shares": "600000",
        "share_percent": "0.2",
        "appraiser": "云南正和资产评估有限公司",
        "report_number": "云正评报字〔2025〕第 018 号",
        "base_date": "2024-12-31",
    }


def test_an_equity_deal_through_the_api(
    client, published_a, manager_a, licensee_user, outsider, valid_uscc
):
    client.force_login(manager_a)
    missing = client.post("/api/licensing/equity-offers", _equity_form(published_a.pk, valid_uscc))
    assert missing.status_code == 422
    created = client.post(
        "/api/licensing/equity-offers",
        {**_equity_form(published_a.pk, valid_uscc), "evaluation_report": signed_pdf("r.pdf")},
    )
    assert created.status_code == 201, created.content
    assert created.json()["deal_kind"] == "equity_contribution"
    offer_id = created.json()["id"]
    listed = client.get("/api/licensing/offers?deal_kind=equity_contribution").json()
    assert [o["id"] for o in listed["items"]] == [offer_id]

    client.force_login(licensee_user)
    inquiry = post_json(client, f"/api/licensing/offers/{offer_id}/inquiries", {}).json()
    terms = {**LicenceOffer.objects.get(pk=offer_id).terms, "start": "2025-02-01"}
    version = post_json(
        client, f"/api/licensing/inquiries/{inquiry['id']}/versions", {"terms": terms}
    )
    assert version.status_code == 201
    client.force_login(manager_a)
    deal = post_json(client, f"/api/licensing/inquiries/{inquiry['id']}/versions/1/accept", {})
    deal_id = deal.json()["id"]
    assert deal.json()["deal_kind"] == "equity_contribution"
    out = client.get(f"/api/licensing/deals/{deal_id}").json()
    assert out["price_amount"] == "1200000.00"
    assert out["shares"] is None
    refused = post_json(
        client, f"/api/licensing/deals/{deal_id}/shares", {"registered_on": "2025-03-01"}
    )
    assert refused.status_code == 422  # not signed yet
    sign(Licence.objects.get(pk=deal_id), manager_a)
    client.force_login(licensee_user)
    assert (
        post_json(
            client, f"/api/licensing/deals/{deal_id}/shares", {"registered_on": "2025-03-05"}
        ).status_code
        == 403
    )
    client.force_login(outsider)
    assert client.get(f"/api/licensing/deals/{deal_id}").status_code == 404
    client.force_login(manager_a)
    reg = post_json(
        client, f"/api/licensing/deals/{deal_id}/shares", {"registered_on": "2025-03-05"}
    )
    assert reg.status_code == 201
    assert reg.json()["shares"] == "600000.00"
    kinds = client.get("/api/licensing/deals?deal_kind=equity_contribution").json()
    assert [d["id"] for d in kinds] == [deal_id]


def test_an_assignment_listing_through_the_api(client, published_a, manager_a):
    client.force_login(manager_a)
    data = {**ASSIGNMENT_DATA, "achievement_id": published_a.pk, "terms": ASSIGNMENT_TERMS}
    created = post_json(client, "/api/licensing/offers", data)
    assert created.status_code == 201, created.content
    assert created.json()["deal_kind"] == "assignment"
    assert created.json()["license_mode"] == ""
    refused = post_json(client, "/api/licensing/offers", {**data, "fee_model": "royalty"})
    assert refused.status_code == 422
