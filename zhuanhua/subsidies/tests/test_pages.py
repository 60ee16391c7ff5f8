"""Pages and API: who sees what, the what-if calculator, htmx preview, the review form."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from zhuanhua.subsidies import services
from zhuanhua.subsidies.models import Grant, SubsidyApplication
from zhuanhua.subsidies.tests.conftest import pdf

pytestmark = pytest.mark.django_db


def _client(user: Any = None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def test_catalogue_is_public_with_source_sentences(client: Client) -> None:
    r = client.get(reverse("subsidies:catalogue"))
    assert r.status_code == 200
    body = r.content.decode()
    assert body.count('data-testid="measure"') == 17
    assert "按成交实际到账额的20%给予单个项目不超过100万元、每家企业每年不超过300万元补助" in body
    assert "年度上限：每家企业每年不超过 3,000,000.00 元" in body
    assert "国际标准 500,000.00 元" in body


def test_whatif_for_a_visitor(client: Client) -> None:
    url = reverse("subsidies:whatif")
    assert client.get(url + "?measure=M7-1").status_code == 200
    assert client.get(url + "?measure=NOPE").status_code == 404
    r = client.post(
        url,
        {
            "measure": "M7-1",
            "applicant_type": "enterprise",
            "base_amount": "6000000",
            "registered": "on",
        },
    )
    body = r.content.decode()
    assert '<span data-testid="preview-amount">1,000,000.00</span>' in body
    assert "超过单个项目上限 1,000,000.00 元" in body
    r = client.post(
        url,
        {"measure": "M7-1", "applicant_type": "university", "base_amount": "6000000"},
        HTTP_HX_REQUEST="true",
    )
    body = r.content.decode()
    assert "<html" not in body
    assert "不符合申请条件：申请主体类型不符；技术合同未经认定登记" in body


def test_whatif_counts_the_organisations_grants(submit: Any, reviewer: Any, firm_user: Any) -> None:
    for _ in range(3):
        services.application_approve(user=reviewer, application=submit())
    r = _client(firm_user).post(
        reverse("subsidies:whatif"),
        {"measure": "M7-1", "base_amount": "6000000", "registered": "on"},
        HTTP_HX_REQUEST="true",
    )
    body = r.content.decode()
    assert '<span data-testid="preview-amount">0.00</span>' in body
    assert "已计入本单位此前获得的 3 笔补助" in body


def test_apply_page_preview_and_submit(firm_user: Any) -> None:
    c = _client(firm_user)
    r = c.get(reverse("subsidies:apply", args=["M7-1"]))
    assert r.status_code == 200
    assert 'name="base_amount"' in r.content.decode()
    assert 'name="counterparty"' not in r.content.decode()
    r = c.post(
        reverse("subsidies:preview", args=["M7-1"]),
        {"base_amount": "2000000", "registered": "on"},
        HTTP_HX_REQUEST="true",
    )
    assert '<span data-testid="preview-amount">400,000.00</span>' in r.content.decode()
    r = c.post(
        reverse("subsidies:apply", args=["M7-1"]),
        {
            "base_amount": "2000000",
            "registered": "on",
            "evidence_kind": "bank_slip",
            "evidence": [pdf()],
        },
    )
    app = SubsidyApplication.objects.get()
    assert r.status_code == 302
    assert r["Location"] == reverse("subsidies:detail", args=[app.pk])
    assert app.engine_amount == Decimal("400000.00")


def test_apply_forbidden_to_department(reviewer: Any) -> None:
    assert _client(reviewer).get(reverse("subsidies:apply", args=["M7-1"])).status_code == 403


def test_detail_visibility_and_review_form(
    submit: Any, firm_user: Any, other_firm_user: Any, reviewer: Any, auditor: Any
) -> None:
    app = submit()
    url = reverse("subsidies:detail", args=[app.pk])
    assert _client(other_firm_user).get(url).status_code == 404
    assert _client().get(url).status_code == 302
    own = _client(firm_user).get(url).content.decode()
    assert 'data-testid="review"' not in own
    assert _client(auditor).get(url).status_code == 200
    page = _client(reviewer).get(url).content.decode()
    assert '<strong data-testid="current-amount">1,000,000.00</strong>' in page
    ev = app.evidence.get()
    assert (
        _client(other_firm_user).get(reverse("subsidies:evidence", args=[ev.pk])).status_code == 404
    )
    assert _client(reviewer).get(reverse("subsidies:evidence", args=[ev.pk])).status_code == 200
    decide = reverse("subsidies:decide", args=[app.pk])
    assert _client(firm_user).post(decide, {"decision": "approve"}).status_code == 403
    r = _client(reviewer).post(decide, {"decision": "approve", "amount": "900000"}, follow=True)
    assert "核减批准金额须说明理由" in r.content.decode()
    r = _client(reviewer).post(
        decide, {"decision": "approve", "amount": "900000", "reason": "到账凭证不全"}, follow=True
    )
    assert "已批准补助 900,000.00 元" in r.content.decode()
    assert Grant.objects.get().amount == Decimal("900000.00")


def test_budget_and_settlement_pages(
    submit: Any, reviewer: Any, firm_user: Any, auditor: Any
) -> None:
    services.application_approve(user=reviewer, application=submit())
    assert _client(firm_user).get(reverse("subsidies:budget")).status_code == 403
    page = _client(auditor).get(reverse("subsidies:budget")).content.decode()
    assert '<td class="text-end" data-testid="committed">1,000,000.00</td>' in page
    from django.utils import timezone

    today = timezone.localdate().isoformat()
    assert (
        _client(auditor)
        .post(reverse("subsidies:settlements"), {"period_from_on": today, "period_to_on": today})
        .status_code
        == 403
    )
    r = _client(reviewer).post(
        reverse("subsidies:settlements"), {"period_from_on": today, "period_to_on": today}
    )
    assert r.status_code == 302
    detail = _client(reviewer).get(r["Location"]).content.decode()
    assert "云南测试科技有限公司" in detail
    batch_pk = int(r["Location"].rstrip("/").rsplit("/", 1)[1])
    x = _client(auditor).get(reverse("subsidies:disbursement", args=[batch_pk]))
    assert x["Content-Type"].startswith("application/vnd.openxmlformats")


def test_api_measures_and_whatif(client: Client, firm_user: Any) -> None:
    r = client.get("/api/subsidies/measures")
    assert r.status_code == 200
    m71 = next(m for m in r.json()["measures"] if m["code"] == "M7-1")
    assert m71["rate"] == "0.20"
    assert m71["fields"] == ["base_amount", "requested_amount", "registered"]
    r = client.post(
        "/api/subsidies/whatif",
        json.dumps(
            {
                "measure": "M7-1",
                "applicant_type": "enterprise",
                "base_amount": "6000000",
                "registered": True,
            }
        ),
        content_type="application/json",
    )
    assert r.status_code == 200
    assert r.json()["granted"] == "1000000.00"
    r = client.post(
        "/api/subsidies/whatif", json.dumps({"measure": "M7-1"}), content_type="application/json"
    )
    assert r.status_code == 422


def test_api_application_visibility(submit: Any, other_firm_user: Any, firm_user: Any) -> None:
    app = submit()
    assert _client(other_firm_user).get(f"/api/subsidies/applications/{app.pk}").status_code == 404
    r = _client(firm_user).get(f"/api/subsidies/applications/{app.pk}")
    assert r.status_code == 200
    assert r.json()["engine_amount"] == "1000000.00"


def test_return_and_resubmit_through_pages(submit: Any, reviewer: Any, firm_user: Any) -> None:
    app = submit()
    decide = reverse("subsidies:decide", args=[app.pk])
    r = _client(reviewer).post(decide, {"decision": "return", "reason": ""}, follow=True)
    assert "退回补充材料须写明需补充的内容" in r.content.decode()
    _client(reviewer).post(decide, {"decision": "return", "reason": "请补充发票"})
    app.refresh_from_db()
    assert app.status == "returned"
    page = _client(firm_user).get(reverse("subsidies:detail", args=[app.pk])).content.decode()
    assert "补充材料后重新提交" in page
    r = _client(firm_user).post(
        reverse("subsidies:resubmit", args=[app.pk]),
        {
            "base_amount": "3000000",
            "registered": "on",
            "evidence_kind": "invoice",
            "evidence": [pdf("发票.pdf")],
        },
        follow=True,
    )
    assert "已重新提交" in r.content.decode()
    app.refresh_from_db()
    assert app.status == "submitted"
    assert app.engine_amount == Decimal("600000.00")
    assert app.evidence.count() == 2
