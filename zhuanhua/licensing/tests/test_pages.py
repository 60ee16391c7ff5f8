"""The pages end to end: publish an offer, 我要承接, negotiate, accept, report and pay."""

from __future__ import annotations

from zhuanhua.licensing.models import Inquiry, Licence, LicenceOffer, Payment, RevenueReport
from zhuanhua.licensing.terms_form import TermsEditor
from zhuanhua.licensing.tests.conftest import OFFER_DATA, VERSION_TERMS, signed_pdf
from zhuanhua.licensing.tests.publicity_helpers import clear_agreement_price


def editor_data(terms, *, with_term, fee_model=""):
    """What the terms editor posts for ``terms`` (money and rates as a person types them)."""
    return TermsEditor.from_terms(terms, with_term=with_term, fee_model=fee_model).as_data()


OFFER_FIELDS = {k: v for k, v in OFFER_DATA.items() if k not in ("terms", "fee_model")}


def test_the_whole_flow_through_the_pages(client, published_a, manager_a, licensee_user):
    client.force_login(manager_a)
    form = client.get(f"/licensing/achievements/{published_a.pk}/offer/")
    assert form.status_code == 200
    bad = client.post(
        f"/licensing/achievements/{published_a.pk}/offer/",
        {
            **OFFER_FIELDS,
            **editor_data(OFFER_DATA["terms"], with_term=False, fee_model="staged_royalty"),
            "royalty_rate": "300",
        },
    )
    assert bad.status_code == 422
    assert "应在 0% 到 100% 之间" in bad.content.decode()
    assert LicenceOffer.objects.count() == 0
    response = client.post(
        f"/licensing/achievements/{published_a.pk}/offer/",
        {
            **OFFER_FIELDS,
            **editor_data(OFFER_DATA["terms"], with_term=False, fee_model="staged_royalty"),
        },
    )
    offer = LicenceOffer.objects.get()
    assert response.status_code == 302

    client.force_login(licensee_user)
    detail = client.get(f"/licensing/offers/{offer.pk}/").content.decode()
    assert "我要承接" in detail
    client.post(f"/licensing/offers/{offer.pk}/inquire/", {"message": "我司有意承接"})
    inquiry = Inquiry.objects.get()
    page = client.get(f"/licensing/inquiries/{inquiry.pk}/")
    assert page.status_code == 200
    assert "我司有意承接" in page.content.decode()
    bad_version = client.post(
        f"/licensing/inquiries/{inquiry.pk}/versions/",
        {**editor_data(VERSION_TERMS, with_term=True), "end": "2024-12-31"},
    )
    assert bad_version.status_code == 422
    assert "不能早于许可起始日" in bad_version.content.decode()
    client.post(
        f"/licensing/inquiries/{inquiry.pk}/versions/", editor_data(VERSION_TERMS, with_term=True)
    )
    counter = {**VERSION_TERMS, "royalty": {"rate": "0.06", "period": "quarter"}}
    client.force_login(manager_a)
    client.post(
        f"/licensing/inquiries/{inquiry.pk}/versions/",
        {**editor_data(counter, with_term=True), "note": "提成上调"},
    )
    html = client.get(f"/licensing/inquiries/{inquiry.pk}/").content.decode()
    for text in ("提成比例", "5%", "<ins>6%</ins>", "提成上调"):
        assert text in html
    own = client.post(f"/licensing/inquiries/{inquiry.pk}/versions/2/accept/", follow=True)
    assert "不能接受本方提出的条款版本" in own.content.decode()
    assert Licence.objects.count() == 0

    client.force_login(licensee_user)
    accepted = client.post(f"/licensing/inquiries/{inquiry.pk}/versions/2/accept/")
    licence = Licence.objects.get()
    assert accepted["Location"] == f"/licensing/licences/{licence.pk}/"
    assert licence.terms["royalty"]["rate"] == "0.06"
    client.post(
        f"/licensing/licences/{licence.pk}/revenue-reports/",
        {
            "period_start": "2025-01-01",
            "revenue_amount": "100000",
            "reported_on": "2025-04-02",
        },
    )
    assert RevenueReport.objects.get().revenue_amount == 100000

    client.force_login(manager_a)
    client.post(
        f"/licensing/licences/{licence.pk}/payments/",
        {"amount": "16000", "paid_on": "2025-04-20", "ref": "回单"},
    )
    assert Payment.objects.get().amount == 16000
    clear_agreement_price(manager_a, licence)  # the rate was negotiated: 协议定价 (pricing.py)
    client.post(
        f"/licensing/licences/{licence.pk}/activate/",
        {"signed_on": "2025-01-01", "signed_pdf": signed_pdf()},
    )
    licence.refresh_from_db()
    assert licence.status == "active"
    html = client.get(f"/licensing/licences/{licence.pk}/?as_of=2025-05-01").content.decode()
    assert "6000.00" in html  # 6 % of 100 000, paid from the 16 000 after the upfront fee
    assert "已付清" in html
    assert "履行中" in html
