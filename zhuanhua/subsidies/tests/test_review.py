"""Review: approve (≤ engine), approve less with a reason, return, reject; grants and audit."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhuanhua.audit.models import AuditEntry
from zhuanhua.subsidies import services
from zhuanhua.subsidies.models import Grant
from zhuanhua.subsidies.tests.conftest import approved as _approved

pytestmark = pytest.mark.django_db


def _actions() -> list[str]:
    return list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))


def test_approve_records_grant_at_engine_amount(submit: Any, reviewer: Any, firm: Any) -> None:
    app = submit()
    grant = _approved(services.application_approve(user=reviewer, application=app))
    app.refresh_from_db()
    assert app.status == "approved"
    assert app.approved_amount == grant.amount == Decimal("1000000.00")
    assert grant.applicant == firm
    assert grant.measure == "M7-1"
    assert grant.granted_on == app.claim_on
    assert grant.status == "committed"
    assert _actions()[-1] == "subsidy_application.approve"


def test_approve_above_engine_is_refused(submit: Any, reviewer: Any) -> None:
    app = submit()
    with pytest.raises(ValidationError) as exc:
        _approved(
            services.application_approve(
                user=reviewer, application=app, amount=Decimal("1000000.01")
            )
        )
    assert exc.value.messages == ["批准金额不得超过测算最高补助 1,000,000.00 元"]
    with pytest.raises(ValidationError) as exc:
        _approved(services.application_approve(user=reviewer, application=app, amount=Decimal("0")))
    assert exc.value.messages == ["批准金额必须大于 0 元"]
    assert not Grant.objects.exists()


def test_approve_less_needs_a_reason(submit: Any, reviewer: Any) -> None:
    app = submit()
    with pytest.raises(ValidationError) as exc:
        _approved(
            services.application_approve(user=reviewer, application=app, amount=Decimal("800000"))
        )
    assert exc.value.messages == ["核减批准金额须说明理由"]
    grant = _approved(
        services.application_approve(
            user=reviewer,
            application=app,
            amount=Decimal("800000"),
            reason="部分到账额不属于本合同",
        )
    )
    assert grant.amount == Decimal("800000.00")
    app.refresh_from_db()
    assert app.decision_reason == "部分到账额不属于本合同"
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None
    assert entry.action == "subsidy_application.approve_less"
    assert entry.detail["engine_amount"] == "1000000.00"
    assert entry.detail["reason"] == "部分到账额不属于本合同"


def test_approval_re_runs_engine_with_all_grants(submit: Any, reviewer: Any) -> None:
    """Three applications each worth 1,000,000 submitted before any approval; the annual cap
    of 3,000,000 leaves the fourth nothing at approval."""
    apps = [submit() for _ in range(4)]
    assert all(a.engine_amount == Decimal("1000000.00") for a in apps)
    for a in apps[:3]:
        _approved(services.application_approve(user=reviewer, application=a))
    with pytest.raises(ValidationError) as exc:
        _approved(services.application_approve(user=reviewer, application=apps[3]))
    assert exc.value.messages == ["按政策上限和已获补助，本申请当前可批准金额为 0 元，不能批准"]
    assert sum(g.amount for g in Grant.objects.all()) == Decimal("3000000.00")


def test_return_and_reject_need_reasons_and_are_audited(submit: Any, reviewer: Any) -> None:
    app = submit()
    with pytest.raises(ValidationError) as exc:
        services.application_return(user=reviewer, application=app, reason=" ")
    assert exc.value.messages == ["退回补充材料须写明需补充的内容"]
    services.application_return(user=reviewer, application=app, reason="请补充发票")
    app2 = submit()
    with pytest.raises(ValidationError) as exc:
        services.application_reject(user=reviewer, application=app2, reason="")
    assert exc.value.messages == ["不予支持须说明理由"]
    services.application_reject(user=reviewer, application=app2, reason="合同系关联交易")
    app2.refresh_from_db()
    assert app2.status == "rejected"
    with pytest.raises(ValidationError) as exc:
        _approved(services.application_approve(user=reviewer, application=app2))
    assert exc.value.messages == ["当前状态（不予支持）不能执行该操作"]
    assert "subsidy_application.return" in _actions()
    assert "subsidy_application.reject" in _actions()


def test_only_reviewers_decide(submit: Any, firm_user: Any, auditor: Any) -> None:
    app = submit()
    for user in (firm_user, auditor):
        with pytest.raises(PermissionDenied) as exc:
            _approved(services.application_approve(user=user, application=app))
        assert str(exc.value) == "只有省科技厅审核员可以审定奖补申请"


def test_credit_event_blocks_approval(submit: Any, reviewer: Any, credit_event: Any) -> None:
    app = submit()
    credit_event()
    with pytest.raises(ValidationError) as exc:
        _approved(services.application_approve(user=reviewer, application=app))
    assert exc.value.messages == ["申请单位存在未消除的失信记录（诚信管理），暂停批准其奖补"]


def test_case_by_case_approval(firm_user: Any, reviewer: Any, reviewer2: Any) -> None:
    from zhuanhua.subsidies.tests.conftest import pdf

    app = services.application_submit(
        user=firm_user,
        measure="M7-4",
        data={"description": "颠覆性技术团队"},
        uploads=[("certificate", pdf())],
    )
    with pytest.raises(ValidationError) as exc:
        _approved(services.application_approve(user=reviewer, application=app))
    assert exc.value.messages == ["一事一议事项须填写批准金额"]
    with pytest.raises(ValidationError) as exc:
        _approved(
            services.application_approve(user=reviewer, application=app, amount=Decimal("2000000"))
        )
    assert exc.value.messages == ["一事一议事项须写明决定依据"]
    # 一事一议 always takes a second provincial reviewer (threshold 0 in the catalogue).
    assert (
        services.application_approve(
            user=reviewer,
            application=app,
            amount=Decimal("2000000"),
            reason="厅务会议纪要第 12 号",
        )
        is None
    )
    app.refresh_from_db()
    assert app.status == "second"
    grant = services.application_second_approve(user=reviewer2, application=app)
    assert grant.amount == Decimal("2000000.00")
