"""The consent pages and API: the unit's page per achievement and purpose, the completer's
answer page; the offer form shows the answers."""

from __future__ import annotations

import json

import pytest

from zhuanhua.achievements import consent
from zhuanhua.achievements.models import CompleterConsent
from zhuanhua.licensing.models import LicenceOffer
from zhuanhua.licensing.tests.conftest import OFFER_DATA
from zhuanhua.licensing.tests.test_pages import editor_data


@pytest.fixture
def researcher(make_user, unit_a):
    return make_user("张三", unit_a, ["researcher"])


def test_unit_asks_completer_answers_unit_sees_on_offer_form(
    client, published_a, manager_a, researcher
):
    client.force_login(manager_a)
    url = f"/achievements/{published_a.pk}/consent/use_first_licence/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"op": "open", "note": "拟许可省内企业"}).status_code == 302
    answer = CompleterConsent.objects.get()
    client.force_login(researcher)
    assert "拟许可省内企业" in client.get(f"/achievements/consent/{answer.pk}/").content.decode()
    refused = client.post(f"/achievements/consent/{answer.pk}/", {"value": "object", "reason": ""})
    assert refused.status_code == 422
    client.post(f"/achievements/consent/{answer.pk}/", {"value": "object", "reason": "须先中试"})
    client.force_login(manager_a)
    body = client.get(f"/licensing/achievements/{published_a.pk}/offer/").content.decode()
    assert 'data-testid="consent-panel"' in body
    assert "须先中试" in body


def test_other_people_cannot_use_the_units_page(client, published_a, manager_b, researcher):
    url = f"/achievements/{published_a.pk}/consent/use_first_licence/"
    for user in (manager_b, researcher):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(url, {"op": "open"}).status_code == 403


def test_api_open_answer_override(client, published_a, manager_a, researcher, settings):
    settings.ZHUANHUA_CONSENT_BEFORE_PUBLISH = True
    client.force_login(manager_a)
    base = f"/api/consent/achievements/{published_a.pk}/use_first_licence"
    opened = client.post(base, json.dumps({"note": ""}), content_type="application/json")
    assert opened.status_code == 200, opened.content
    assert opened.json()["may_publish"] is False
    no_reason = client.post(
        f"{base}/override", json.dumps({"reason": " "}), content_type="application/json"
    )
    assert no_reason.status_code == 422
    client.force_login(researcher)
    mine = client.get("/api/consent/").json()
    assert [m["achievement_id"] for m in mine] == [published_a.pk]
    answered = client.post(
        f"/api/consent/answers/{mine[0]['id']}",
        json.dumps({"answer": "agree"}),
        content_type="application/json",
    )
    assert answered.json()["answer"] == "agree"
    assert client.get(base).status_code == 403
    client.force_login(manager_a)
    assert client.get(base).json()["may_publish"] is True


def test_offer_form_refuses_until_asked_then_publishes(client, published_a, manager_a, settings):
    settings.ZHUANHUA_CONSENT_BEFORE_PUBLISH = True
    client.force_login(manager_a)
    url = f"/licensing/achievements/{published_a.pk}/offer/"
    data = {
        **{k: v for k, v in OFFER_DATA.items() if k not in ("terms", "fee_model")},
        **editor_data(OFFER_DATA["terms"], with_term=False, fee_model="staged_royalty"),
    }
    refused = client.post(url, data)
    assert refused.status_code == 422
    assert consent.ERR_NOT_ASKED in refused.content.decode()
    assert not LicenceOffer.objects.exists()
    client.post(
        f"/achievements/{published_a.pk}/consent/use_first_licence/", {"op": "open", "note": ""}
    )
    answer = CompleterConsent.objects.get()  # 张三 has no account here: offline
    assert answer.user is None
    client.post(
        f"/achievements/{published_a.pk}/consent/use_first_licence/",
        {"op": "override", "override_reason": ""},
    )
    assert client.post(url, data).status_code == 422  # still no answer, no reason
    client.post(
        f"/achievements/{published_a.pk}/consent/use_first_licence/",
        {"op": "offline", "answer_id": answer.pk, "value": "agree", "reason": ""},
    )
    assert client.post(url, data).status_code == 302
    assert LicenceOffer.objects.get().is_active
