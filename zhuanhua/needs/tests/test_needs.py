"""Technology needs: posting, the hall, visibility, response threads and their permissions."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from zhuanhua.licensing.models import Inquiry, LicenceOffer
from zhuanhua.needs import services
from zhuanhua.needs.models import NeedResponse, ResponseMessage

pytestmark = pytest.mark.django_db


def login(client: Any, user: Any) -> Any:
    client.force_login(user)
    return client


def offer_for(achievement: Any) -> LicenceOffer:
    return LicenceOffer.objects.create(
        achievement=achievement,
        summary="许可说明",
        fee_standard="门槛费 1 万元 + 提成 3%",
        fee_model="royalty",
        license_mode="non_exclusive",
        term_months=36,
    )


def test_only_enterprises_post_needs(manager_a: Any, need_data: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied) as exc:
        services.need_create(user=manager_a, data=need_data)
    assert str(exc.value) == services.ERR_NOT_POSTER


def test_need_validation(enterprise_user: Any, need_data: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as exc:
        services.need_create(
            user=enterprise_user,
            data={**need_data, "title": " ", "budget_amount": "1.234", "fee_model": "free"},
        )
    errors = exc.value.message_dict
    assert errors["title"] == [services.ERR_REQUIRED]
    assert errors["budget_amount"] == [services.ERR_AMOUNT]
    assert errors["fee_model"] == [services.ERR_CHOICE]


def test_create_keeps_money_and_keywords(enterprise_user: Any, need_data: dict[str, Any]) -> None:
    need = services.need_create(
        user=enterprise_user, data={**need_data, "keywords": "储氢，光伏、 安全"}
    )
    assert str(need.budget_amount) == "500000.00"
    assert need.keywords == ["储氢", "光伏", "安全"]
    assert need.status == "draft"
    assert " 储氢 " in need.search_text


def test_hall_filters_and_keyword(
    client: Any, published_need: Any, enterprise_user: Any, need_data: dict[str, Any]
) -> None:
    other = services.need_create(
        user=enterprise_user,
        data={
            **need_data,
            "title": "普洱茶渥堆发酵自动化",
            "description": "茶叶发酵车间温湿度控制",
            "keywords": ["普洱茶"],
            "industry_field": "food",
            "prefecture": "530800",
            "fee_model": "",
        },
    )
    services.need_transition(user=enterprise_user, need=other, action="publish")
    services.need_create(user=enterprise_user, data={**need_data, "title": "草稿需求甲"})

    def titles(**params: str) -> str:
        return client.get(reverse("needs:hall"), params).content.decode()

    html = titles()
    assert published_need.title in html
    assert other.title in html
    assert "草稿需求甲" not in html
    html = titles(q="发酵")
    assert other.title in html
    assert published_need.title not in html
    html = titles(prefecture="530100")
    assert published_need.title in html
    assert other.title not in html
    html = titles(industry_field="food", fee_model="royalty")
    assert other.title not in html
    assert published_need.title not in html


def test_draft_need_is_404_for_others(
    client: Any, enterprise_user: Any, need_data: dict[str, Any], manager_a: Any
) -> None:
    need = services.need_create(user=enterprise_user, data=need_data)
    url = reverse("needs:detail", args=[need.pk])
    assert client.get(url).status_code == 404
    assert login(client, manager_a).get(url).status_code == 404
    assert login(client, enterprise_user).get(url).status_code == 200


def test_detail_shows_matches_with_reasons(
    client: Any, published_need: Any, published_a: Any, manager_a: Any
) -> None:
    html = login(client, manager_a).get(reverse("needs:detail", args=[published_need.pk]))
    text = html.content.decode()
    assert published_a.title in text
    assert "同属领域：新能源与节能" in text
    assert "用这个成果回应" in text


def test_response_thread_only_for_the_two_parties(
    client: Any,
    published_need: Any,
    published_a: Any,
    manager_a: Any,
    manager_b: Any,
    enterprise_user: Any,
    reviewer: Any,
) -> None:
    response = login(client, manager_a).post(
        reverse("needs:respond", args=[published_need.pk]),
        {"achievement": published_a.pk, "message": "我们的镁基储氢材料可满足指标。"},
    )
    thread = NeedResponse.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("needs:response_detail", args=[thread.pk])
    url = reverse("needs:response_detail", args=[thread.pk])
    assert login(client, manager_a).get(url).status_code == 200
    assert login(client, enterprise_user).get(url).status_code == 200
    client.post(reverse("needs:response_message", args=[thread.pk]), {"body": "请提供样品数据"})
    assert ResponseMessage.objects.count() == 2
    for outsider in (manager_b, reviewer):
        assert login(client, outsider).get(url).status_code == 404
        assert (
            client.post(
                reverse("needs:response_message", args=[thread.pk]), {"body": "x"}
            ).status_code
            == 404
        )
    client.logout()
    assert client.get(url).status_code == 302  # to the login page
    with pytest.raises(PermissionDenied):
        services.response_message_post(user=manager_b, response=thread, body="x")


def test_cannot_respond_with_another_units_or_unpublished_achievement(
    published_need: Any,
    published_a: Any,
    manager_b: Any,
    manager_a: Any,
    draft_a: Any,
    enterprise_user: Any,
) -> None:
    with pytest.raises(PermissionDenied):
        services.response_open(user=manager_b, need=published_need, achievement=published_a)
    with pytest.raises(PermissionDenied) as exc:
        services.response_open(user=enterprise_user, need=published_need, achievement=published_a)
    assert str(exc.value) == services.ERR_NOT_RESPONDER
    services.response_open(user=manager_a, need=published_need, achievement=published_a)
    with pytest.raises(ValidationError) as exc2:
        services.response_open(user=manager_a, need=published_need, achievement=published_a)
    assert exc2.value.message_dict["achievement"] == [services.ERR_RESPONSE_EXISTS]
    services.need_transition(user=enterprise_user, need=published_need, action="close")
    with pytest.raises(ValidationError) as exc3:
        services.response_open(user=manager_a, need=published_need, achievement=published_a)
    assert exc3.value.message_dict["need"] == [services.ERR_NEED_NOT_OPEN]


def test_response_opens_licensing_inquiry(
    client: Any,
    published_need: Any,
    published_a: Any,
    manager_a: Any,
    enterprise_user: Any,
) -> None:
    thread = services.response_open(user=manager_a, need=published_need, achievement=published_a)
    with pytest.raises(ValidationError) as exc:
        services.response_open_inquiry(user=enterprise_user, response=thread)
    assert exc.value.message_dict["offer"] == [services.ERR_NO_OFFER]
    offer_for(published_a)
    with pytest.raises(PermissionDenied):
        services.response_open_inquiry(user=manager_a, response=thread)
    response = login(client, enterprise_user).post(
        reverse("needs:response_inquiry", args=[thread.pk])
    )
    inquiry = Inquiry.objects.get()
    assert response["Location"] == reverse("licensing:inquiry_detail", args=[inquiry.pk])
    assert inquiry.licensee_id == enterprise_user.organisation_id


def test_owner_opens_inquiry_from_a_match(
    client: Any,
    published_need: Any,
    published_a: Any,
    enterprise_user: Any,
    manager_b: Any,
) -> None:
    offer_for(published_a)
    url = reverse("needs:match_inquiry", args=[published_need.pk, published_a.pk])
    assert login(client, manager_b).post(url).status_code == 403
    response = login(client, enterprise_user).post(url)
    assert response.status_code == 302
    assert Inquiry.objects.filter(offer__achievement=published_a).exists()


def test_edit_and_close(
    client: Any, published_need: Any, enterprise_user: Any, manager_a: Any
) -> None:
    url = reverse("needs:edit", args=[published_need.pk])
    assert login(client, manager_a).get(url).status_code == 403
    login(client, enterprise_user)
    response = client.post(
        url,
        {
            "title": "新标题储能",
            "description": "d",
            "industry_field": "new_energy",
            "prefecture": "530100",
        },
    )
    assert response.status_code == 302
    published_need.refresh_from_db()
    assert published_need.title == "新标题储能"
    assert published_need.budget_amount is None
    client.post(reverse("needs:transition", args=[published_need.pk, "close"]))
    published_need.refresh_from_db()
    assert published_need.status == "closed"
    assert client.get(url).status_code == 200  # page renders; the service refuses to save
    with pytest.raises(ValidationError):
        services.need_update(user=enterprise_user, need=published_need, data={"title": "x"})


def test_create_page_publishes(client: Any, enterprise_user: Any) -> None:
    login(client, enterprise_user)
    response = client.post(
        reverse("needs:create"),
        {
            "title": "尾矿综合利用",
            "description": "锡尾矿中有价金属回收",
            "industry_field": "resources_environment",
            "prefecture": "532500",
            "publish": "1",
            "keywords": "尾矿，锡",
        },
    )
    assert response.status_code == 302
    html = client.get(reverse("needs:hall"), {"q": "尾矿"}).content.decode()
    assert "尾矿综合利用" in html


def test_api(client: Any, published_need: Any, published_a: Any) -> None:
    data = client.get("/api/needs/", {"q": "储氢"}).json()
    assert [n["id"] for n in data["items"]] == [published_need.pk]
    matches = client.get(f"/api/needs/{published_need.pk}/matches").json()
    assert matches[0]["achievement_id"] == published_a.pk
    assert matches[0]["reasons"]


def test_hall_htmx_partial(client: Any, published_need: Any) -> None:
    response = client.get(reverse("needs:hall"), {"q": "储氢"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'data-testid="need-count">1<' in html
    assert "<form" not in html
