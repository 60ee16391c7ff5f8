"""赋权 pages: a completer applies, the unit screens against the negative list, decides, publishes
the decision as a rights_grant publicity notice and records the grant; the holders page shows it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from zhuanhua.audit.models import AuditEntry
from zhuanhua.engines import rights
from zhuanhua.publicity.models import Notice
from zhuanhua.transfer import services
from zhuanhua.transfer.models import RightsGrant, RightsGrantApplication
from zhuanhua.transfer.services import grant_application_create, grant_application_decide

CO_SHARES = [
    {"holder_kind": "unit", "holder_name": "", "share": "40"},
    {"holder_kind": "completer", "holder_name": "张三", "share": "60"},
]


@pytest.fixture
def researcher(unit_a: Any, make_user: Any) -> Any:
    user = make_user("zhangsan", unit_a, ["researcher"])
    user.display_name = "张三"
    user.save()
    return user


def apply(researcher: Any, achievement: Any, **kwargs: Any) -> RightsGrantApplication:
    data = {
        "kind": "co_ownership",
        "statement": "团队拟自行创办企业实施转化。",
        "shares": CO_SHARES,
        **kwargs,
    }
    return grant_application_create(user=researcher, achievement=achievement, **data)


def test_apply_then_negative_list_blocks_with_its_reason(
    researcher: Any, published_a: Any, manager_a: Any
) -> None:
    application = apply(researcher, published_a)
    assert application.status == "submitted"
    decided = grant_application_decide(
        user=manager_a,
        application=application,
        negative_list_category="national_defence",
        approve=True,
    )
    assert decided.status == "blocked"
    assert decided.decision_reason == rights.ERR_NEGATIVE_LIST.format(label="国防安全")
    assert decided.decision_reason == "该成果属于赋权负面清单（国防安全），暂不纳入赋权范围"
    assert RightsGrant.objects.count() == 0
    assert Notice.objects.count() == 0
    with pytest.raises(ValidationError) as exc:
        grant_application_decide(
            user=manager_a, application=decided, negative_list_category="", approve=True
        )
    assert exc.value.message_dict == {"status": [services.ERR_APPLICATION_DECIDED]}


def test_approval_records_grant_and_publishes_notice(
    client: Any, researcher: Any, published_a: Any, manager_a: Any
) -> None:
    application = apply(researcher, published_a)
    decided = grant_application_decide(
        user=manager_a,
        application=application,
        negative_list_category="",
        approve=True,
        reason="经校长办公会审议同意",
    )
    assert decided.status == "granted"
    grant = decided.grant
    assert grant is not None
    assert [(s.holder_kind, s.holder_name, s.share) for s in grant.shares.all()] == [
        ("unit", "云南大学（测试）", Decimal("40.00")),
        ("completer", "张三", Decimal("60.00")),
    ]
    notice = decided.notice
    assert notice is not None
    assert (notice.kind, notice.status, notice.publisher_id) == (
        "rights_grant",
        "published",
        published_a.owner_id,
    )
    assert (notice.subject_type, notice.subject_id) == ("transfer.rightsgrant", str(grant.pk))
    assert notice.starts_on == timezone.localdate()
    assert "张三 60.00%" in notice.content
    assert AuditEntry.objects.filter(action="rights_grant_application.decide").count() == 1

    page = client.get(f"/transfer/achievements/{published_a.pk}/holders/")  # public
    assert page.status_code == 200
    assert [(h.name, h.right, h.share) for h in page.context["rows"]] == [
        ("云南大学（测试）", "共同所有权", Decimal("40.00")),
        ("张三", "共同所有权", Decimal("60.00")),
    ]
    assert f"/publicity/{notice.pk}/" in page.content.decode()


def test_refusal_needs_a_reason(researcher: Any, published_a: Any, manager_a: Any) -> None:
    application = apply(researcher, published_a)
    with pytest.raises(ValidationError) as exc:
        grant_application_decide(
            user=manager_a, application=application, negative_list_category="", approve=False
        )
    assert exc.value.message_dict == {"reason": [services.ERR_REJECT_REASON]}
    decided = grant_application_decide(
        user=manager_a,
        application=application,
        negative_list_category="",
        approve=False,
        reason="成果拟由单位统一挂牌转让",
    )
    assert (decided.status, decided.decision_reason) == ("rejected", "成果拟由单位统一挂牌转让")


def test_application_checks_shares_and_use_years(researcher: Any, published_a: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        apply(researcher, published_a, shares=[CO_SHARES[0], {**CO_SHARES[1], "share": "50"}])
    assert exc.value.message_dict == {"shares": [rights.ERR_SHARES_SUM.format(total="90.00")]}
    with pytest.raises(ValidationError) as exc:
        apply(researcher, published_a, kind="long_term_use", use_years=9, shares=[])
    assert exc.value.message_dict == {"use_years": [rights.ERR_USE_YEARS]}
    application = apply(researcher, published_a, kind="long_term_use", use_years=10, shares=[])
    assert application.use_years == 10
    with pytest.raises(ValidationError) as exc:
        apply(researcher, published_a)
    assert exc.value.message_dict == {"achievement": [services.ERR_APPLICATION_PENDING]}


def test_who_may_apply_and_decide(
    researcher: Any,
    published_a: Any,
    manager_a: Any,
    manager_b: Any,
    unit_a: Any,
    make_user: Any,
    unit_b: Any,
) -> None:
    with pytest.raises(PermissionDenied):
        apply(manager_a, published_a)  # not a researcher
    with pytest.raises(PermissionDenied):
        apply(make_user("other_researcher", unit_b, ["researcher"]), published_a)
    stranger = make_user("wangwu", unit_a, ["researcher"])
    with pytest.raises(ValidationError) as exc:
        apply(stranger, published_a)
    assert exc.value.message_dict == {"achievement": [services.ERR_NOT_COMPLETER]}
    application = apply(researcher, published_a)
    for user in (manager_b, researcher):
        with pytest.raises(PermissionDenied):
            grant_application_decide(
                user=user, application=application, negative_list_category="", approve=True
            )


def test_pages_apply_and_decide(
    client: Any, researcher: Any, published_a: Any, manager_a: Any, manager_b: Any
) -> None:
    client.force_login(researcher)
    holders = client.get(f"/transfer/achievements/{published_a.pk}/holders/")
    assert holders.context["can_apply"]
    assert [(h.name, h.right, h.share) for h in holders.context["rows"]] == [
        ("云南大学（测试）", "所有权", Decimal("100.00"))
    ]
    response = client.post(
        f"/transfer/achievements/{published_a.pk}/rights-grant/apply/",
        {
            "kind": "long_term_use",
            "use_years": "8",
            "statement": "团队实施",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["use_years"] == [rights.ERR_USE_YEARS]
    response = client.post(
        f"/transfer/achievements/{published_a.pk}/rights-grant/apply/",
        {
            "kind": "co_ownership",
            "unit_share": "30",
            "completer_shares": "张三 70",
            "statement": "团队实施",
        },
    )
    application = RightsGrantApplication.objects.get()
    assert response.status_code == 302
    assert application.shares == [
        {"holder_kind": "unit", "holder_name": "", "share": "30.00"},
        {"holder_kind": "completer", "holder_name": "张三", "share": "70.00"},
    ]
    assert (
        client.post(
            f"/transfer/rights-grants/{application.pk}/", {"decision": "approve"}
        ).status_code
        == 403
    )

    client.force_login(manager_b)
    assert client.get(f"/transfer/rights-grants/{application.pk}/").status_code == 404

    client.force_login(manager_a)
    response = client.post(
        f"/transfer/rights-grants/{application.pk}/",
        {"negative_list_category": "public_security", "decision": "approve", "reason": ""},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "blocked"
    assert application.decision_reason == "该成果属于赋权负面清单（公共安全），暂不纳入赋权范围"
    page = client.get(f"/transfer/rights-grants/{application.pk}/")
    assert "该成果属于赋权负面清单（公共安全），暂不纳入赋权范围" in page.content.decode()


def test_holders_page_follows_achievement_visibility(
    client: Any, draft_a: Any, manager_a: Any, manager_b: Any
) -> None:
    assert client.get(f"/transfer/achievements/{draft_a.pk}/holders/").status_code == 404
    client.force_login(manager_b)
    assert client.get(f"/transfer/achievements/{draft_a.pk}/holders/").status_code == 404
    client.force_login(manager_a)
    assert client.get(f"/transfer/achievements/{draft_a.pk}/holders/").status_code == 200


def test_holders_tag_renders(published_a: Any, manager_a: Any) -> None:
    from django.template import Context, Template

    services.rights_grant_create(
        user=manager_a,
        achievement=published_a,
        kind="long_term_use",
        negative_list_category="",
        use_years=15,
        granted_on=dt.date(2026, 1, 5),
    )
    html = Template("{% load transfer_tags %}{% achievement_holders a %}").render(
        Context({"a": published_a})
    )
    assert "长期使用权（15 年）" in html
    assert "张三" in html
    assert "云南大学（测试）" in html


def test_achievement_page_reads_completers_once_for_a_grant_without_completer_shares(
    client: Any, published_a: Any, manager_a: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    services.rights_grant_create(
        user=manager_a,
        achievement=published_a,
        kind="long_term_use",
        negative_list_category="",
        use_years=15,
        granted_on=dt.date(2026, 1, 5),
    )
    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"/achievements/{published_a.pk}/")
    body = page.content.decode()
    assert "长期使用权（15 年）" in body
    assert body.count("张三") >= 2  # in the completers list and among the holders
    completer_reads = [
        q for q in queries.captured_queries if 'FROM "achievements_completer"' in q["sql"]
    ]
    assert len(completer_reads) == 1
