"""The pages of the two-level review: a VC firm's register page, the checker's queue, the
finance department's sign-off button, and who gets 403."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from zhuanhua.subsidies import services
from zhuanhua.subsidies.models import VentureInvestment


def test_a_vc_firm_keeps_its_register_on_its_page(
    client: Any, make_org: Any, make_user: Any
) -> None:
    vc = make_org(name="滇中创投（页面测试）", org_type="venture_capital")
    user = make_user("vc_page", vc, ["org_admin"])
    client.force_login(user)
    assert client.get("/subsidies/investments/").status_code == 200
    response = client.post(
        "/subsidies/investments/",
        {
            "investee_name": "被投企业乙",
            "investee_uscc": "91530100MA6K000002",
            "invested_amount": "3000000",
            "paid_in_on": "2024-03-02",
        },
    )
    assert response.status_code == 302
    row = VentureInvestment.objects.get()
    assert (row.investor_id, row.invested_amount) == (vc.pk, Decimal("3000000.00"))


def test_others_cannot_open_the_register(client: Any, firm_user: Any, reviewer: Any) -> None:
    for user in (firm_user, reviewer):
        client.force_login(user)
        assert client.get("/subsidies/investments/").status_code == 403


def test_finance_sees_the_sign_off_and_a_bureau_no_budget(
    client: Any, submit: Any, reviewer: Any, finance: Any, make_org: Any, make_user: Any
) -> None:
    services.application_approve(user=reviewer, application=submit())
    today = dt.date.today()
    batch = services.settlement_create(user=reviewer, period_from_on=today, period_to_on=today)
    client.force_login(finance)
    page = client.get(f"/subsidies/settlements/{batch.pk}/").content.decode()
    assert 'data-testid="sign-off"' in page
    response = client.post(f"/subsidies/settlements/{batch.pk}/sign-off/", {"opinion": "同意"})
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == "signed_off"
    client.force_login(reviewer)
    assert client.post(f"/subsidies/settlements/{batch.pk}/sign-off/").status_code == 403
    bureau = make_org(name="玉溪市科学技术局", org_type="prefecture_bureau", prefecture="530400")
    client.force_login(make_user("yx_checker", bureau, ["department_reviewer"]))
    assert client.get("/subsidies/budget/").status_code == 403
    assert client.get("/subsidies/applications/?status=queue").status_code == 200
    assert client.get("/subsidies/local/").status_code == 200
