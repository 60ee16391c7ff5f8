"""Signing (date + signed PDF, pricing method, the agreement-price publicity gate), the
achievement's transfer status, the 先用后转 hook and 技术合同认定登记."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhuanhua.audit.models import AuditEntry
from zhuanhua.licensing import services
from zhuanhua.licensing.models import ContractRegistration, SignedContract
from zhuanhua.licensing.selectors import registered_contracts, unregistered_contracts
from zhuanhua.licensing.tests.conftest import OFFER_DATA, signed_pdf
from zhuanhua.transfer.models import UseFirstListEntry

pytestmark = pytest.mark.django_db

REG = {
    "contract_type": "license",
    "registration_number": "2025530100000123",
    "registry": "昆明市技术市场管理办公室",
    "registered_on": dt.date(2025, 2, 1),
    "transaction_amount": Decimal("300000"),
    "technical_income_amount": Decimal("250000"),
}


def _sign(licence, user, **kw):
    kw.setdefault("signed_pdf", signed_pdf())
    return services.licence_activate(
        user=user, licence=licence, signed_on=dt.date(2025, 1, 1), **kw
    )


def test_signing_stores_the_pdf_and_marks_the_achievement_licensed(licence, manager_a):
    signed = _sign(licence, manager_a)
    assert signed.status == "active"
    stored = SignedContract.objects.get(licence=licence)
    assert stored.file.read().startswith(b"%PDF")
    assert len(stored.sha256) == 64
    achievement = licence.achievement
    achievement.refresh_from_db()
    assert achievement.transfer_status == "licensed"
    assert achievement.transferred_on == dt.date(2025, 1, 1)
    assert AuditEntry.objects.filter(action="achievement.transfer_status").count() == 1


def test_signing_needs_a_real_pdf(licence, manager_a):
    with pytest.raises(ValidationError) as exc:
        services.licence_activate(
            user=manager_a, licence=licence, signed_on=dt.date(2025, 1, 1), signed_pdf=None
        )
    assert exc.value.message_dict == {"signed_pdf": [services.ERR_SIGNED_PDF_REQUIRED]}
    with pytest.raises(ValidationError) as exc:
        _sign(licence, manager_a, signed_pdf=signed_pdf("scan.png"))
    assert exc.value.message_dict == {"signed_pdf": [services.ERR_SIGNED_PDF_TYPE]}
    with pytest.raises(ValidationError) as exc:
        _sign(licence, manager_a, signed_pdf=signed_pdf("fake.pdf", b"not a pdf at all"))
    assert exc.value.message_dict["signed_pdf"] == ["文件内容与扩展名不符"]
    licence.refresh_from_db()
    assert licence.status == "draft_contract"


def test_only_the_licensor_signs(licence, licensee_user):
    with pytest.raises(PermissionDenied):
        _sign(licence, licensee_user)


def test_agreement_price_blocks_signing_until_publicity_cleared(licence, manager_a, monkeypatch):
    services.licence_set_pricing_method(user=manager_a, licence=licence, pricing_method="agreement")
    licence.refresh_from_db()
    with pytest.raises(ValidationError) as exc:  # the real selector: no notice exists
        _sign(licence, manager_a)
    assert exc.value.message_dict == {"pricing_method": [services.ERR_AGREEMENT_NOT_PUBLICISED]}
    assert not SignedContract.objects.exists()
    calls = []

    def cleared(*, achievement, licensee):
        calls.append((achievement.pk, licensee.pk))
        return True

    monkeypatch.setattr("zhuanhua.publicity.selectors.agreement_price_cleared", cleared)
    assert _sign(licence, manager_a).status == "active"
    assert calls == [(licence.achievement_id, licence.licensee_id)]


def test_listing_and_auction_need_no_notice(licence, manager_a):
    services.licence_set_pricing_method(user=manager_a, licence=licence, pricing_method="auction")
    licence.refresh_from_db()
    assert licence.pricing_method == "auction"
    assert _sign(licence, manager_a).status == "active"
    with pytest.raises(ValidationError) as exc:
        services.licence_set_pricing_method(
            user=manager_a, licence=licence, pricing_method="agreement"
        )
    assert exc.value.message_dict == {"pricing_method": [services.ERR_PRICING_LOCKED]}


def test_pricing_method_choice_and_role(licence, manager_a, licensee_user):
    with pytest.raises(ValidationError):
        services.licence_set_pricing_method(user=manager_a, licence=licence, pricing_method="x")
    with pytest.raises(PermissionDenied):
        services.licence_set_pricing_method(
            user=licensee_user, licence=licence, pricing_method="listing"
        )


def test_agreement_page_links_to_the_notice(client, licence, manager_a):
    services.licence_set_pricing_method(user=manager_a, licence=licence, pricing_method="agreement")
    client.force_login(manager_a)
    html = client.get(f"/licensing/licences/{licence.pk}/").content.decode()
    assert "须先在平台公示成果名称和拟交易价格" in html
    assert "/publicity/new/?kind=agreement_price" in html
    response = client.post(
        f"/licensing/licences/{licence.pk}/activate/",
        {"signed_on": "2025-01-01", "signed_pdf": signed_pdf()},
    )
    assert response.status_code == 422
    assert services.ERR_AGREEMENT_NOT_PUBLICISED in response.content.decode()


def test_offer_on_the_use_first_list_marks_terms_completed(published_a, manager_a):
    entry = UseFirstListEntry.objects.create(achievement=published_a, joined_on=dt.date(2025, 6, 1))
    services.offer_publish(user=manager_a, achievement=published_a, data=dict(OFFER_DATA))
    entry.refresh_from_db()
    assert entry.terms_completed_on is not None
    first = entry.terms_completed_on
    services.offer_publish(user=manager_a, achievement=published_a, data=dict(OFFER_DATA))
    entry.refresh_from_db()
    assert entry.terms_completed_on == first
    assert AuditEntry.objects.filter(action="use_first_list.terms_completed").count() == 1


def test_offer_off_the_list_touches_nothing(offer):
    assert not UseFirstListEntry.objects.exists()


def test_registration_and_the_unregistered_list(active_licence, manager_a, unit_a, enterprise):
    assert list(unregistered_contracts(unit_a)) == [active_licence]
    reg = services.registration_record(user=manager_a, licence=active_licence, data=dict(REG))
    assert reg.technical_income_amount == Decimal("250000.00")
    assert list(unregistered_contracts(unit_a)) == []
    assert AuditEntry.objects.filter(action="licence.registration").count() == 1
    services.payment_record(
        user=manager_a, licence=active_licence, amount="10000", paid_on="2025-01-05"
    )
    services.payment_record(
        user=manager_a, licence=active_licence, amount="5000.50", paid_on="2025-02-05"
    )
    rows = list(registered_contracts(unit_a))
    assert [(r.registration_number, r.received_amount) for r in rows] == [
        ("2025530100000123", Decimal("15000.50"))
    ]
    assert list(registered_contracts(enterprise, side="licensee")) == rows
    assert list(registered_contracts(enterprise, side="licensor")) == []


def test_registered_contract_without_payments_has_zero_received(active_licence, manager_a, unit_a):
    services.registration_record(user=manager_a, licence=active_licence, data=dict(REG))
    assert registered_contracts(unit_a.pk).get().received_amount == Decimal("0")


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"technical_income_amount": Decimal("400000")},
            "technical_income_amount",
            services.ERR_TECH_INCOME_GT,
        ),
        ({"registered_on": dt.date(2024, 12, 1)}, "registered_on", services.ERR_REG_BEFORE_SIGN),
        ({"contract_type": "gift"}, "contract_type", services.ERR_CHOICE),
        ({"registration_number": " "}, "registration_number", services.ERR_REQUIRED),
    ],
)
def test_registration_refusals(active_licence, manager_a, change, field, message):
    with pytest.raises(ValidationError) as exc:
        services.registration_record(user=manager_a, licence=active_licence, data={**REG, **change})
    assert exc.value.message_dict[field] == [message]


def test_registration_needs_signing_and_happens_once(licence, manager_a, licensee_user):
    with pytest.raises(ValidationError) as exc:
        services.registration_record(user=manager_a, licence=licence, data=dict(REG))
    assert exc.value.message_dict == {"status": [services.ERR_NOT_SIGNED]}
    _sign(licence, manager_a)
    with pytest.raises(PermissionDenied):
        services.registration_record(user=licensee_user, licence=licence, data=dict(REG))
    services.registration_record(user=manager_a, licence=licence, data=dict(REG))
    with pytest.raises(ValidationError) as exc:
        services.registration_record(user=manager_a, licence=licence, data=dict(REG))
    assert exc.value.message_dict == {"status": [services.ERR_ALREADY_REGISTERED]}
    assert ContractRegistration.objects.count() == 1


def test_mine_flags_unregistered_contracts_to_the_unit(
    client, active_licence, manager_a, licensee_user
):
    client.force_login(manager_a)
    html = client.get("/licensing/").content.decode()
    assert "已签订未认定登记的技术合同（1）" in html
    client.force_login(licensee_user)
    assert "已签订未认定登记" not in client.get("/licensing/").content.decode()


def test_registration_page_flow_and_visibility(
    client, active_licence, manager_a, outsider, reviewer, licensee_user
):
    client.force_login(manager_a)
    response = client.post(
        f"/licensing/licences/{active_licence.pk}/registration/",
        {**{k: str(v) for k, v in REG.items()}},
    )
    assert response.status_code == 302
    for user in (manager_a, licensee_user, reviewer):
        client.force_login(user)
        html = client.get(f"/licensing/licences/{active_licence.pk}/").content.decode()
        assert "2025530100000123" in html
        assert client.get(f"/licensing/licences/{active_licence.pk}/signed.pdf").status_code == 200
    client.force_login(outsider)
    assert client.get(f"/licensing/licences/{active_licence.pk}/").status_code == 404
    assert client.get(f"/licensing/licences/{active_licence.pk}/signed.pdf").status_code == 404
    assert (
        client.post(f"/licensing/licences/{active_licence.pk}/registration/", {}).status_code == 404
    )


def test_api_licence_shows_registration_to_parties_only(
    client, active_licence, manager_a, outsider, licensee_user
):
    services.registration_record(user=manager_a, licence=active_licence, data=dict(REG))
    client.force_login(licensee_user)
    body = client.get(f"/api/licensing/licences/{active_licence.pk}").json()
    assert body["registration"]["registration_number"] == "2025530100000123"
    assert body["pricing_method"] == "listing"
    client.force_login(outsider)
    assert client.get(f"/api/licensing/licences/{active_licence.pk}").status_code == 404
