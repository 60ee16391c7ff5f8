"""The demo's assignment and equity deals: each kind in every state, loaded with the consent
gate on (as in development and production)."""

from __future__ import annotations

import pytest

from zhuanhua.achievements.models import Achievement
from zhuanhua.licensing.models import EvaluationReport, Licence, LicenceOffer, ShareRegistration
from zhuanhua.ops import demo
from zhuanhua.ops.demo_deals import deals_delete
from zhuanhua.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def test_demo_has_assignment_and_equity_deals_in_every_state(settings):
    settings.ZHUANHUA_CONSENT_BEFORE_PUBLISH = True
    assert demo.load_demo(size=150).loaded
    for kind in ("assignment", "equity_contribution"):
        offers = LicenceOffer.objects.filter(deal_kind=kind)
        listed = offers.filter(is_active=True, inquiries__isnull=True)
        assert listed.exists(), kind  # listed, nobody asked yet
        assert offers.filter(inquiries__status="open").exists(), kind  # negotiating
        signed = Licence.objects.filter(deal_kind=kind, status="active")
        assert signed.count() == 2, kind
        statuses = set(
            Achievement.objects.filter(licences__in=signed).values_list(
                "transfer_status", flat=True
            )
        )
        assert statuses == {"transferred" if kind == "assignment" else "equity_contributed"}
    paid = [
        d
        for d in Licence.objects.filter(deal_kind="assignment", status="active")
        if sum(p.amount for p in d.payments.all()) == d.price_amount()
    ]
    assert len(paid) == 1
    assert ShareRegistration.objects.count() == 1
    # What the processes' delete cannot remove goes first (demo_delete calls it).
    deals_delete(Organisation.objects.filter(uscc__in=demo.demo_usccs()))
    assert not ShareRegistration.objects.exists()
    assert not EvaluationReport.objects.exists()
