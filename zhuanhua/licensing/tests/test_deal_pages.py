"""Assignment and equity deals through the pages: listing forms, the equity version form, the
deal page with its contract PDF and the share registration."""

from __future__ import annotations

import datetime as dt

from zhuanhua.licensing.models import Inquiry, Licence, LicenceOffer, ShareRegistration
from zhuanhua.licensing.tests.conftest import signed_pdf
from zhuanhua.licensing.tests.test_deals import ASSIGNMENT_DATA, ASSIGNMENT_TERMS
from zhuanhua.licensing.tests.test_pages import editor_data


def test_an_assignment_is_listed_negotiated_and_signed_through_the_pages(
    client, published_a, manager_a, licensee_user
):
    client.force_login(manager_a)
    form = client.get(f"/licensing/achievements/{published_a.pk}/offer/?kind=assignment")
    body = form.content.decode()
    assert "发布成果转让挂牌信息" in body
    assert "许可方式" not in body
    assert 'value="royalty"' not in body  # only the staged price
    fields = {
        k: v
        for k, v in ASSIGNMENT_DATA.items()
        if k in ("deal_kind", "summary", "fee_standard", "term_months")
    }
    response = client.post(
        f"/licensing/achievements/{published_a.pk}/offer/",
        {**fields, **editor_data(ASSIGNMENT_TERMS, with_term=False, fee_model="staged")},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    offer = LicenceOffer.objects.get()
    assert offer.deal_kind == "assignment"
    assert "转让" in client.get(f"/licensing/offers/{offer.pk}/").content.decode()
    listed = client.get("/licensing/offers/?kind=assignment").content.decode()
    assert published_a.title in listed
    assert published_a.title in client.get("/licensing/offers/").content.decode()  # all kinds
    licences_only = client.get("/licensing/offers/?kind=license").content.decode()
    assert published_a.title not in licences_only

    client.force_login(licensee_user)
    client.post(f"/licensing/offers/{offer.pk}/inquire/", {"message": "拟受让"})
    inquiry = Inquiry.objects.get()
    page = client.get(f"/licensing/inquiries/{inquiry.pk}/").content.decode()
    assert "受让方" in page
    terms = {"fee_model": "staged", "start": "2025-01-01", "end": "2025-12-31", **ASSIGNMENT_TERMS}
    client.post(f"/licensing/inquiries/{inquiry.pk}/versions/", editor_data(terms, with_term=True))
    client.force_login(manager_a)
    client.post(f"/licensing/inquiries/{inquiry.pk}/versions/1/accept/")
    deal = Licence.objects.get()
    page = client.get(f"/licensing/licences/{deal.pk}/").content.decode()
    assert "技术转让合同草案 PDF" in page
    pdf = client.get(f"/licensing/licences/{deal.pk}/contract.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert f"assignment-{deal.pk}-contract.pdf" in pdf["Content-Disposition"]
    signed = client.post(
        f"/licensing/licences/{deal.pk}/activate/",
        {"signed_on": "2025-01-02", "signed_pdf": signed_pdf()},
    )
    assert signed.status_code == 302
    published_a.refresh_from_db()
    assert published_a.transfer_status == "transferred"


def _equity_form(uscc: str) -> dict:
    return {
        "deal_kind": "equity_contribution",
        "summary": "以专利作价投资。",
        "fee_standard": "评估作价 120 万元。",
        "company_name": "云南储氢科技有限公司",
        "company_uscc": uscc,
        "valuation_amount": "1200000",
        "shares": "600000",
        "share_percent": "20",
        "appraiser": "云南正和资产评估有限公司",
        "report_number": "云正评报字〔2025〕第 018 号",
        "base_date": "2024-12-31",
    }


def test_an_equity_deal_through_the_pages_to_its_shares(
    client, published_a, manager_a, licensee_user, valid_uscc
):
    client.force_login(manager_a)
    assert (
        "资产评估报告"
        in client.get(
            f"/licensing/achievements/{published_a.pk}/offer/?kind=equity_contribution"
        ).content.decode()
    )
    missing = client.post(
        f"/licensing/achievements/{published_a.pk}/offer/", _equity_form(valid_uscc)
    )
    assert missing.status_code == 422
    bad = client.post(
        f"/licensing/achievements/{published_a.pk}/offer/",
        {**_equity_form("123"), "evaluation_report": signed_pdf("report.pdf")},
    )
    assert bad.status_code == 422
    assert not LicenceOffer.objects.exists()
    client.post(
        f"/licensing/achievements/{published_a.pk}/offer/",
        {**_equity_form(valid_uscc), "evaluation_report": signed_pdf("report.pdf")},
    )
    offer = LicenceOffer.objects.get()
    assert offer.terms["share_percent"] == "0.2"
    report = client.get(f"/licensing/offers/{offer.pk}/evaluation-report.pdf")
    assert report.status_code == 200

    client.force_login(licensee_user)
    client.post(f"/licensing/offers/{offer.pk}/inquire/", {"message": ""})
    inquiry = Inquiry.objects.get()
    page = client.get(f"/licensing/inquiries/{inquiry.pk}/").content.decode()
    assert "协议生效日" in page
    version = {
        k: v for k, v in _equity_form(valid_uscc).items() if k not in ("summary", "fee_standard")
    }
    client.post(
        f"/licensing/inquiries/{inquiry.pk}/versions/",
        {**version, "start": "2025-02-01", "note": "按挂牌条件"},
    )
    assert inquiry.versions.count() == 1
    client.force_login(manager_a)
    client.post(f"/licensing/inquiries/{inquiry.pk}/versions/1/accept/")
    deal = Licence.objects.get()
    assert deal.start == deal.end == dt.date(2025, 2, 1)
    client.post(
        f"/licensing/licences/{deal.pk}/activate/",
        {"signed_on": "2025-02-03", "signed_pdf": signed_pdf()},
    )
    page = client.get(f"/licensing/licences/{deal.pk}/").content.decode()
    assert "登记股权" in page
    assert "付款计划" not in page
    response = client.post(
        f"/licensing/licences/{deal.pk}/shares/",
        {"shares": "600000", "share_percent": "20", "registered_on": "2025-03-01"},
    )
    assert response.status_code == 302
    reg = ShareRegistration.objects.get()
    assert str(reg.share_percent) == "0.200000"
    assert "工商变更登记日期" in client.get(f"/licensing/licences/{deal.pk}/").content.decode()
