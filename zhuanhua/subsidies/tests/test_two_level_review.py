"""The two-level review (issue 24.2): the prefecture bureau (or supervising department) checks,
the provincial department decides, a second provincial reviewer approves above the measure's
threshold, and the finance department signs the settlement list off before it is paid."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from zhuanhua.notifications.models import Notification
from zhuanhua.subsidies import selectors, services
from zhuanhua.subsidies.models import Grant
from zhuanhua.subsidies.tests.conftest import pdf

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def bureau(make_org: Any) -> Any:
    """曲靖市科学技术局: the firm of the conftest is in 曲靖市 (530300)."""
    return make_org(
        name="曲靖市科学技术局（测试）", org_type="prefecture_bureau", prefecture="530300"
    )


@pytest.fixture
def checker(bureau: Any, make_user: Any) -> Any:
    return make_user("qujing_checker", bureau, ["department_reviewer"])


@pytest.fixture
def other_bureau_checker(make_org: Any, make_user: Any) -> Any:
    org = make_org(
        name="大理州科学技术局（测试）", org_type="prefecture_bureau", prefecture="532900"
    )
    return make_user("dali_checker", org, ["department_reviewer"])


def m8_1(user: Any, base: str = "20000000") -> Any:
    """An M8-1 claim: 20% of the R&D spend, up to 10,000,000 — above the 1,000,000 threshold."""
    return services.application_submit(
        user=user,
        measure="M8-1",
        data={"base_amount": Decimal(base), "subject": "高原储能电池"},
        uploads=[("invoice", pdf())],
    )


def test_an_application_goes_first_to_its_prefecture_bureau(
    firm_user: Any, checker: Any, bureau: Any, reviewer: Any
) -> None:
    app = m8_1(firm_user)
    assert (app.status, app.checker_org_id) == ("checking", bureau.pk)
    assert app.step_due_on is not None
    assert app.step_due_on > app.claim_on
    assert Notification.objects.filter(user=checker, title__contains="待初审").exists()
    # The province cannot decide before the check.
    with pytest.raises(ValidationError) as exc:
        services.application_approve(user=reviewer, application=app)
    assert exc.value.messages == ["当前状态（待初审）不能执行该操作"]


def test_a_prefecture_bureau_sees_only_its_prefectures_applications(
    submit: Any, firm_user: Any, other_firm_user: Any, checker: Any, other_bureau_checker: Any
) -> None:
    mine = m8_1(firm_user)  # 曲靖市
    theirs = m8_1(other_firm_user)  # 昆明市
    assert list(selectors.applications_visible_to(checker)) == [mine]
    assert list(selectors.queue_of(checker)) == [mine]
    assert theirs not in selectors.applications_visible_to(checker)
    assert list(selectors.applications_visible_to(other_bureau_checker)) == []
    with pytest.raises(PermissionDenied):
        services.application_check(user=other_bureau_checker, application=mine)


def test_a_units_supervising_department_checks_measure_7_2(
    make_org: Any, make_user: Any, checker: Any
) -> None:
    edu = make_org(name="云南省教育厅（测试）", org_type="supervising_department")
    edu_checker = make_user("edu_checker", edu, ["department_reviewer"])
    uni = make_org(name="测试大学", org_type="university", prefecture="530300", supervisor=edu)
    staff = make_user("uni_staff", uni, ["achievement_manager"])
    app = services.application_submit(
        user=staff,
        measure="M7-2",
        data={"base_amount": Decimal("1000000"), "registered": True},
        uploads=[("bank_slip", pdf())],
    )
    assert app.checker_org_id == edu.pk  # M7-2's first check: the supervising department
    assert list(selectors.queue_of(edu_checker)) == [app]
    assert list(selectors.queue_of(checker)) == []


def test_one_person_cannot_check_and_decide_nor_decide_and_approve_twice(
    firm_user: Any, checker: Any, reviewer: Any, reviewer2: Any
) -> None:
    app = m8_1(firm_user)
    services.application_check(user=checker, application=app, opinion="材料齐全")
    # Whoever checked may not decide (a checker is never a provincial reviewer, and the service
    # refuses the same person even if their roles change).
    app.refresh_from_db()
    app.checked_by = reviewer
    app.save(update_fields=["checked_by"])
    with pytest.raises(PermissionDenied) as exc:
        services.application_approve(user=reviewer, application=app)
    assert str(exc.value) == "同一人不能既初审又审定同一申请（四眼原则）"
    app.checked_by = checker
    app.save(update_fields=["checked_by"])

    # Above the threshold the decision waits for a second provincial reviewer.
    assert services.application_approve(user=reviewer, application=app) is None
    app.refresh_from_db()
    assert (app.status, app.approved_amount) == ("second", Decimal("4000000.00"))
    assert not Grant.objects.filter(application=app).exists()
    assert app not in selectors.queue_of(reviewer)
    assert app in selectors.queue_of(reviewer2)
    with pytest.raises(PermissionDenied) as exc:
        services.application_second_approve(user=reviewer, application=app)
    assert str(exc.value) == "复核须由另一名省级审核员完成：审定人不能复核自己的决定（四眼原则）"
    grant = services.application_second_approve(user=reviewer2, application=app, opinion="同意")
    app.refresh_from_db()
    assert (app.status, grant.amount, app.second_by_id) == (
        "approved",
        Decimal("4000000.00"),
        reviewer2.pk,
    )
    assert Notification.objects.filter(user=firm_user, title__contains="已批准").exists()


def test_at_or_below_the_threshold_one_provincial_reviewer_approves(
    submit: Any, reviewer: Any
) -> None:
    app = submit()  # M7-1: 1,000,000 = the threshold, not above it
    grant = services.application_approve(user=reviewer, application=app)
    assert grant is not None
    assert grant.amount == Decimal("1000000.00")


def test_second_reviewer_may_send_it_back_to_the_decider(
    firm_user: Any, reviewer: Any, reviewer2: Any
) -> None:
    app = m8_1(firm_user)  # no bureau here: straight to the provincial decision
    assert app.status == "submitted"
    services.application_approve(user=reviewer, application=app)
    with pytest.raises(ValidationError):
        services.application_second_refuse(user=reviewer2, application=app, reason="")
    services.application_second_refuse(user=reviewer2, application=app, reason="研发投入需审计")
    app.refresh_from_db()
    assert (app.status, app.second_opinion) == ("submitted", "研发投入需审计")


def _receipt(ids: list[int]) -> SimpleUploadedFile:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["补助编号"])
    for i in ids:
        ws.append([i])
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("回执.xlsx", buf.getvalue(), content_type=XLSX)


def test_finance_sign_off_is_required_before_paid(submit: Any, reviewer: Any, finance: Any) -> None:
    grant = services.application_approve(user=reviewer, application=submit())
    assert grant is not None
    today = dt.date.today()
    batch = services.settlement_create(user=reviewer, period_from_on=today, period_to_on=today)
    assert batch.status == "issued"
    assert batch.signoff_due_on is not None
    assert Notification.objects.filter(user=finance, title__contains="待财政部门签核").exists()
    with pytest.raises(ValidationError) as exc:
        services.settlement_mark_paid(user=reviewer, batch=batch, upload=_receipt([grant.pk]))
    assert exc.value.messages == ["拨付清单须经财政部门签核后才能标记拨付"]
    with pytest.raises(PermissionDenied):
        services.settlement_sign_off(user=reviewer, batch=batch)
    batch = services.settlement_sign_off(user=finance, batch=batch, opinion="同意拨付")
    assert batch.status == "signed_off"
    assert batch.signed_off_by_id == finance.pk
    with pytest.raises(ValidationError):
        services.settlement_sign_off(user=finance, batch=batch)
    assert services.settlement_mark_paid(
        user=reviewer, batch=batch, upload=_receipt([grant.pk])
    ) == [grant.pk]
    grant.refresh_from_db()
    assert grant.status == "paid"


def test_an_application_dated_outside_the_policy_window_is_refused(firm_user: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.application_submit(
            user=firm_user,
            measure="M7-1",
            data={"base_amount": Decimal("1000000"), "registered": True},
            uploads=[("bank_slip", pdf())],
            today=dt.date(2024, 12, 31),
        )
    assert exc.value.messages == ["不符合本措施的申请条件：不在本措施有效期内"]


def test_the_application_says_which_policy_version_applied(submit: Any) -> None:
    app = submit()
    assert app.policy_label.startswith("云政办发〔2024〕65号《促进科技成果转移转化十五条措施》")
    assert "2025-01-01 至 长期" in app.policy_label


def test_a_prefecture_bureau_manages_its_own_local_measures(checker: Any) -> None:
    data = {
        "title": "曲靖市成果转化奖励",
        "issuer": "",
        "document": "曲科发〔2026〕1号",
        "source_text": "对在曲靖转化的成果给予奖励。",
        "prefecture": "530100",  # ignored: a bureau writes its own prefecture's measures
        "amount_kind": "fixed",
        "fixed_amount": "100000",
        "effective_from_on": dt.date(2026, 1, 1),
    }
    lm = services.local_measure_save(user=checker, data=data)
    assert (lm.prefecture, lm.issuer) == ("530300", "曲靖市科学技术局（测试）")
    assert lm.code.startswith("L5303-")
