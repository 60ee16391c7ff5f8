"""Inquiry and negotiation (article 6(2)): messages, numbered versions, diffs, acceptance."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhuanhua.licensing.models import Inquiry, Licence, Message, TermVersion
from zhuanhua.licensing.selectors import versions_with_diffs
from zhuanhua.licensing.services import (
    inquiry_open,
    message_post,
    version_accept,
    version_propose,
)
from zhuanhua.licensing.tests.conftest import VERSION_TERMS, post_json


def test_only_an_enterprise_agent_opens_an_inquiry(offer, manager_b, make_user, enterprise):
    bystander = make_user("researcher", enterprise, ["researcher"])
    for user in (manager_b, bystander):
        with pytest.raises(PermissionDenied):
            inquiry_open(user=user, offer=offer)
    assert Inquiry.objects.count() == 0


def test_inquiry_opens_with_the_first_message(inquiry, enterprise, unit_a):
    assert inquiry.status == "open"
    assert inquiry.licensor == unit_a
    assert inquiry.licensee == enterprise
    assert [(m.side, m.body) for m in inquiry.messages.all()] == [
        ("licensee", "我司希望承接该成果。")
    ]


def test_a_second_open_inquiry_of_the_same_enterprise_is_refused(inquiry, offer, licensee_user):
    with pytest.raises(ValidationError) as exc:
        inquiry_open(user=licensee_user, offer=offer)
    assert exc.value.message_dict == {"offer": ["本单位已就该成果发起承接意向，请在原商洽中继续"]}
    assert Inquiry.objects.count() == 1


def test_messages_carry_the_side(inquiry, manager_a, licensee_user, outsider):
    message_post(user=manager_a, inquiry=inquiry, body="欢迎，请提出条款。")
    with pytest.raises(PermissionDenied):
        message_post(user=outsider, inquiry=inquiry, body="插话")
    assert [m.side for m in inquiry.messages.all()] == ["licensee", "licensor"]


def test_versions_are_numbered_and_diffed(inquiry, manager_a, licensee_user):
    v1 = version_propose(user=licensee_user, inquiry=inquiry, terms=dict(VERSION_TERMS))
    counter = {
        **VERSION_TERMS,
        "royalty": {"rate": "0.04", "period": "quarter"},
        "upfront_fee": "8000",
    }
    v2 = version_propose(user=manager_a, inquiry=inquiry, terms=counter, note="降低提成")
    v3 = version_propose(user=licensee_user, inquiry=inquiry, terms=counter)
    assert [(v1.number, v1.side), (v2.number, v2.side), (v3.number, v3.side)] == [
        (1, "licensee"),
        (2, "licensor"),
        (3, "licensee"),
    ]
    rows = versions_with_diffs(inquiry)
    assert rows[1]["changes"] == [
        {"path": "upfront_fee", "label": "门槛费", "before": "10000.00", "after": "8000.00"},
        {"path": "royalty.rate", "label": "收入提成·提成比例", "before": "0.05", "after": "0.04"},
    ]
    assert rows[2]["changes"] == []
    assert rows[0]["changes"][0] == {
        "path": "fee_model",
        "label": "费用模式",
        "before": None,
        "after": "staged_royalty",
    }


def test_a_bad_version_is_refused_in_chinese(inquiry, licensee_user):
    with pytest.raises(ValidationError) as exc:
        version_propose(
            user=licensee_user, inquiry=inquiry, terms={**VERSION_TERMS, "end": "2024-12-31"}
        )
    assert exc.value.message_dict == {"terms.end": ["许可终止日（end）：不能早于许可起始日"]}
    assert TermVersion.objects.count() == 0


def test_you_cannot_accept_your_own_version(inquiry, licensee_user):
    version_propose(user=licensee_user, inquiry=inquiry, terms=dict(VERSION_TERMS))
    with pytest.raises(PermissionDenied) as exc:
        version_accept(user=licensee_user, inquiry=inquiry, number=1)
    assert str(exc.value) == "不能接受本方提出的条款版本，须由对方接受"
    inquiry.refresh_from_db()
    assert inquiry.status == "open"
    assert Licence.objects.count() == 0


def test_only_the_latest_version_can_be_accepted(inquiry, licensee_user, manager_a):
    version_propose(user=licensee_user, inquiry=inquiry, terms=dict(VERSION_TERMS))
    version_propose(user=manager_a, inquiry=inquiry, terms={**VERSION_TERMS, "grace_days": 10})
    with pytest.raises(ValidationError) as exc:
        version_accept(user=manager_a, inquiry=inquiry, number=1)
    assert exc.value.message_dict == {"version": ["只能接受最新的条款版本（当前为第 2 版）"]}
    assert Licence.objects.count() == 0


def test_acceptance_creates_the_licence(
    inquiry, licensee_user, manager_a, unit_a, enterprise, published_a
):
    version_propose(user=manager_a, inquiry=inquiry, terms={**VERSION_TERMS, "grace_days": 10})
    licence = version_accept(user=licensee_user, inquiry=inquiry, number=1)
    inquiry.refresh_from_db()
    assert inquiry.status == "accepted"
    assert licence.licensor == unit_a
    assert licence.licensee == enterprise
    assert licence.achievement == published_a
    assert licence.status == "draft_contract"
    assert licence.start == dt.date(2025, 1, 1)
    assert licence.end == dt.date(2026, 12, 31)
    assert licence.fee_model == "staged_royalty"
    assert licence.license_mode == "non_exclusive"
    assert licence.terms["grace_days"] == 10
    assert licence.accepted_version.number == 1
    with pytest.raises(ValidationError):
        version_propose(user=licensee_user, inquiry=inquiry, terms=dict(VERSION_TERMS))
    with pytest.raises(ValidationError):
        message_post(user=licensee_user, inquiry=inquiry, body="再谈谈")
    assert TermVersion.objects.count() == 1
    assert Message.objects.count() == 1


def test_negotiation_through_the_api(client, inquiry, licensee_user, manager_a):
    client.force_login(licensee_user)
    base = f"/api/licensing/inquiries/{inquiry.pk}"
    assert post_json(client, f"{base}/messages", {"body": "请看条款"}).status_code == 201
    v1 = post_json(client, f"{base}/versions", {"terms": VERSION_TERMS})
    assert v1.status_code == 201, v1.content
    assert v1.json()["number"] == 1
    own = client.post(f"{base}/versions/1/accept")
    assert own.status_code == 403
    assert own.json() == {"detail": "不能接受本方提出的条款版本，须由对方接受"}
    client.force_login(manager_a)
    accepted = client.post(f"{base}/versions/1/accept")
    assert accepted.status_code == 201, accepted.content
    body = accepted.json()
    assert body["status"] == "draft_contract"
    assert body["accepted_version"] == 1
    detail = client.get(base).json()
    assert detail["status"] == "accepted"
    assert detail["licence_id"] == body["id"]
    assert [m["side"] for m in detail["messages"]] == ["licensee", "licensee"]
