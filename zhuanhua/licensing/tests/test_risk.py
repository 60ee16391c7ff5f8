"""Risk sharing (article 7(2)): a guarantor's cover, a default-risk alert opening a claim."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from zhuanhua.licensing import services
from zhuanhua.licensing.jobs import licensing_alerts_due
from zhuanhua.licensing.models import RiskClaim, RiskCover

pytestmark = pytest.mark.django_db

LATE = dt.date(2025, 12, 1)  # the upfront fee (due 2025-01-01) is > 90 days overdue


@pytest.fixture
def guarantor(make_org, make_user):
    org = make_org(name="云南省科技融资担保有限公司", org_type="guarantor")
    return make_user("guarantor", org, ["org_admin"], email="risk@guarantee.example.com")


@pytest.fixture
def cover(active_licence, guarantor):
    return services.cover_attach(
        user=guarantor,
        licence=active_licence,
        share="0.6",
        limit_amount="100000",
        starts_on="2025-01-01",
        ends_on="2026-12-31",
    )


def test_cover_attach_and_refusals(cover, active_licence, guarantor, manager_a, licensee_user):
    assert cover.kind == "guarantee"
    assert cover.share == Decimal("0.6000")
    with pytest.raises(ValidationError) as exc:
        services.cover_attach(
            user=guarantor,
            licence=active_licence,
            share="0.5",
            limit_amount="1",
            starts_on="2025-01-01",
            ends_on="2025-12-31",
        )
    assert exc.value.message_dict == {"licence": [services.ERR_COVER_EXISTS]}
    for user in (manager_a, licensee_user):
        with pytest.raises(PermissionDenied):
            services.cover_attach(
                user=user,
                licence=active_licence,
                share="0.5",
                limit_amount="1",
                starts_on="2025-01-01",
                ends_on="2025-12-31",
            )


@pytest.mark.parametrize(
    ("kw", "field", "message"),
    [
        ({"share": "0"}, "share", services.ERR_SHARE),
        ({"share": "1.5"}, "share", services.ERR_SHARE),
        ({"limit_amount": "0"}, "limit_amount", services.ERR_LIMIT_POSITIVE),
        ({"ends_on": "2024-12-31"}, "ends_on", services.ERR_COVER_DATES),
    ],
)
def test_cover_validation(active_licence, guarantor, kw, field, message):
    data = {
        "share": "0.5",
        "limit_amount": "1000",
        "starts_on": "2025-01-01",
        "ends_on": "2025-12-31",
        **kw,
    }
    with pytest.raises(ValidationError) as exc:
        services.cover_attach(user=guarantor, licence=active_licence, **data)
    assert exc.value.message_dict == {field: [message]}


def test_default_risk_alert_opens_one_claim(
    django_capture_on_commit_callbacks, cover, guarantor, manager_a
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        summary = licensing_alerts_due(LATE)
    assert summary["claims"] == 1
    claim = RiskClaim.objects.get()
    assert claim.alert.code == "default_risk"
    assert claim.status == "open"
    assert any(m.to == ["risk@guarantee.example.com"] for m in mail.outbox)
    assert licensing_alerts_due(LATE + dt.timedelta(days=1))["claims"] == 0
    with pytest.raises(PermissionDenied):
        services.claim_handle(user=manager_a, claim=claim, resolution="代偿")
    with pytest.raises(ValidationError) as exc:
        services.claim_handle(user=guarantor, claim=claim, resolution=" ")
    assert exc.value.message_dict == {"resolution": [services.ERR_RESOLUTION_EMPTY]}
    handled = services.claim_handle(user=guarantor, claim=claim, resolution="已核实并代偿 6 万元")
    assert handled.status == "handled"
    assert handled.handled_by == guarantor
    with pytest.raises(ValidationError) as exc:
        services.claim_handle(user=guarantor, claim=claim, resolution="再次")
    assert exc.value.message_dict == {"status": [services.ERR_CLAIM_HANDLED]}


def test_cover_out_of_term_opens_no_claim(active_licence, guarantor):
    services.cover_attach(
        user=guarantor,
        licence=active_licence,
        share="0.5",
        limit_amount="1000",
        starts_on="2026-01-01",
        ends_on="2026-12-31",
    )
    assert licensing_alerts_due(LATE)["claims"] == 0
    assert not RiskClaim.objects.exists()


def test_covers_page_attach_and_claims_visibility(
    client, active_licence, guarantor, enterprise, outsider, manager_a, licensee_user, reviewer
):
    client.force_login(guarantor)
    assert client.get("/licensing/covers/").status_code == 200
    bad = client.post(
        "/licensing/covers/",
        {
            "licence_id": active_licence.pk,
            "licensee_uscc": "91530100MA0000000X",
            "share_percent": "50",
            "limit_amount": "1000",
            "starts_on": "2025-01-01",
            "ends_on": "2026-12-31",
        },
    )
    assert bad.status_code == 422
    assert "未找到该许可" in bad.content.decode()
    ok = client.post(
        "/licensing/covers/",
        {
            "licence_id": active_licence.pk,
            "licensee_uscc": enterprise.uscc,
            "share_percent": "50",
            "limit_amount": "1000",
            "starts_on": "2025-01-01",
            "ends_on": "2026-12-31",
        },
    )
    assert ok.status_code == 302
    assert RiskCover.objects.get().share == Decimal("0.5")
    licensing_alerts_due(LATE)
    claim = RiskClaim.objects.get()
    assert "待处理" in client.get("/licensing/covers/").content.decode()
    for user in (manager_a, licensee_user, reviewer):
        client.force_login(user)
        assert "claims" in client.get(f"/licensing/licences/{active_licence.pk}/").content.decode()
    client.force_login(outsider)
    assert (
        client.post(f"/licensing/claims/{claim.pk}/handle/", {"resolution": "x"}).status_code == 404
    )
    assert client.get("/licensing/covers/").status_code == 403
    client.force_login(guarantor)
    client.post(f"/licensing/claims/{claim.pk}/handle/", {"resolution": "已代偿"})
    claim.refresh_from_db()
    assert claim.status == "handled"
