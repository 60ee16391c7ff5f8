"""Ending a licence early (issue 20.2): the cure notice (催告), termination for breach after the
deadline, termination by agreement, the plan's terminated view, the achievement's 转化状态,
expiry by the daily job; each refusal changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from zhuanhua.achievements.choices import TransferStatus
from zhuanhua.achievements.models import Achievement
from zhuanhua.audit.models import AuditEntry
from zhuanhua.licensing import termination
from zhuanhua.licensing.models import (
    CureNotice,
    Licence,
    MilestoneAchievement,
    TerminationProposal,
)
from zhuanhua.licensing.selectors import licence_plan
from zhuanhua.licensing.services import (
    ERR_MILESTONE_AFTER_END,
    milestone_record,
    payment_record,
    revenue_report_file,
)
from zhuanhua.licensing.termination import (
    ERR_BEFORE_DEADLINE,
    ERR_CURE_DEADLINE,
    ERR_CURED,
    ERR_NO_NOTICE,
    ERR_NOT_NAMEABLE,
    ERR_NOT_UNIT,
    ERR_NOTICE_OPEN,
    ERR_OWN_PROPOSAL,
    ERR_PROPOSAL_OPEN,
    ERR_REASON,
    ERR_REPORT_AFTER,
    ERR_TERMINATED_ON,
    cure_notice_send,
    licence_expire_due,
    licence_terminate_for_breach,
    termination_answer,
    termination_propose,
)
from zhuanhua.licensing.tests.conftest import post_json
from zhuanhua.licensing.tests.test_milestones import staged_licence  # noqa: F401 F811 (fixture)
from zhuanhua.notifications.models import Notification

# The licence of conftest: signed 2025-01-01, 2025-01-01..2026-12-31, upfront 10 000 due at
# start, installment 首付节点 50 000 due 2025-06-30, 5% quarterly royalties.
TODAY = dt.date(2025, 9, 15)
DEADLINE = TODAY + dt.timedelta(days=30)  # 2025-10-15
OVERDUE = ["upfront", "installment:首付节点"]


@pytest.fixture
def today(monkeypatch):
    """Move "today" (timezone.localdate, which the services and core.inputs read)."""

    def set_today(day: dt.date) -> None:
        monkeypatch.setattr(timezone, "localdate", lambda *a, **k: day)

    set_today(TODAY)
    return set_today


@pytest.fixture
def noticed(active_licence, manager_a, today):
    return cure_notice_send(
        user=manager_a, licence=active_licence, refs=OVERDUE, cure_deadline=DEADLINE
    )


def _counts():
    return (
        CureNotice.objects.count(),
        TerminationProposal.objects.count(),
        AuditEntry.objects.count(),
        Notification.objects.count(),
        list(Licence.objects.values_list("status", "terminated_on")),
    )


def test_cure_notice_names_the_overdue_obligations_and_tells_the_licensee(
    active_licence, manager_a, licensee_user, today
):
    notice = cure_notice_send(
        user=manager_a,
        licence=active_licence,
        refs=OVERDUE,
        cure_deadline=DEADLINE,
        note="请尽快联系我单位。",
    )
    assert (notice.sent_on, notice.cure_deadline, notice.status) == (TODAY, DEADLINE, "open")
    assert notice.obligations == [
        {
            "ref": "upfront",
            "label": "门槛费",
            "status": "overdue",
            "amount": "10000.00",
            "outstanding": "10000.00",
            "due": "2025-01-01",
        },
        {
            "ref": "installment:首付节点",
            "label": "阶段性支付“首付节点”",
            "status": "overdue",
            "amount": "50000.00",
            "outstanding": "50000.00",
            "due": "2025-06-30",
        },
    ]
    assert "请于 2025-10-15 前履行完毕" in notice.body
    assert "1. 门槛费（逾期，应于 2025-01-01 前履行，未付 10,000.00 元）" in notice.body
    assert notice.body.endswith("请尽快联系我单位。")
    told = Notification.objects.filter(user=licensee_user).order_by("pk").last()
    assert told.title == "催告通知：请于 2025-10-15 前履行逾期义务"
    assert told.url == f"/licensing/licences/{active_licence.pk}/"
    assert AuditEntry.objects.filter(action="licence.cure_notice").count() == 1


def test_the_nameable_obligations_are_overdue_ones_and_missing_reports(active_licence, today):
    refs = [line.ref for line in termination.nameable_lines(active_licence, TODAY)]
    assert refs == ["upfront", "installment:首付节点", "royalty:2025-01-01", "royalty:2025-04-01"]


@pytest.mark.parametrize(
    ("refs", "deadline", "field", "message"),
    [
        (OVERDUE, DEADLINE - dt.timedelta(days=1), "cure_deadline", None),
        (["royalty:2025-07-01"], DEADLINE, "obligations", None),
        ([], DEADLINE, "obligations", termination.ERR_NO_OBLIGATION),
    ],
)
def test_cure_notice_refusals_change_nothing(
    active_licence, manager_a, today, refs, deadline, field, message
):
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        cure_notice_send(user=manager_a, licence=active_licence, refs=refs, cure_deadline=deadline)
    expected = (
        message
        or {
            "cure_deadline": ERR_CURE_DEADLINE.format(date=DEADLINE, days=30),
            "obligations": ERR_NOT_NAMEABLE.format(refs="royalty:2025-07-01"),
        }[field]
    )
    assert exc.value.message_dict == {field: [expected]}
    assert _counts() == before


def test_the_contract_may_give_more_days_to_cure(active_licence, manager_a, today):
    Licence.objects.filter(pk=active_licence.pk).update(
        terms={**active_licence.terms, "cure_days": 45}
    )
    active_licence.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        cure_notice_send(
            user=manager_a, licence=active_licence, refs=OVERDUE, cure_deadline=DEADLINE
        )
    assert exc.value.message_dict == {
        "cure_deadline": [ERR_CURE_DEADLINE.format(date=TODAY + dt.timedelta(days=45), days=45)]
    }


def test_only_the_unit_sends_a_cure_notice(active_licence, licensee_user, today):
    before = _counts()
    with pytest.raises(PermissionDenied, match=ERR_NOT_UNIT):
        cure_notice_send(
            user=licensee_user, licence=active_licence, refs=OVERDUE, cure_deadline=DEADLINE
        )
    assert _counts() == before


def test_a_second_open_notice_is_refused(noticed, active_licence, manager_a):
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        cure_notice_send(
            user=manager_a, licence=active_licence, refs=OVERDUE, cure_deadline=DEADLINE
        )
    assert exc.value.message_dict == {"status": [ERR_NOTICE_OPEN.format(date=DEADLINE)]}
    assert _counts() == before


def test_terminating_without_a_cure_notice_is_refused(active_licence, manager_a, today):
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        licence_terminate_for_breach(user=manager_a, licence=active_licence, reason="拒不付款")
    assert exc.value.message_dict == {"status": [ERR_NO_NOTICE]}
    assert _counts() == before


def test_terminating_before_the_cure_deadline_is_refused(noticed, active_licence, manager_a, today):
    today(DEADLINE)  # the deadline day itself still belongs to the licensee
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        licence_terminate_for_breach(
            user=manager_a, licence=active_licence, reason="逾期未付", terminated_on=DEADLINE
        )
    assert exc.value.message_dict == {"status": [ERR_BEFORE_DEADLINE.format(date=DEADLINE)]}
    assert _counts() == before


def test_terminating_when_the_named_obligations_were_met_is_refused(
    noticed, active_licence, manager_a, today
):
    payment_record(user=manager_a, licence=active_licence, amount="60000", paid_on=TODAY)
    today(DEADLINE + dt.timedelta(days=1))
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        licence_terminate_for_breach(user=manager_a, licence=active_licence, reason="逾期未付")
    assert exc.value.message_dict == {"status": [ERR_CURED]}
    assert _counts() == before


def test_termination_needs_a_reason_and_a_date_after_the_deadline(
    noticed, active_licence, manager_a, today
):
    today(DEADLINE + dt.timedelta(days=5))
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        licence_terminate_for_breach(user=manager_a, licence=active_licence, reason="  ")
    assert exc.value.message_dict == {"reason": [ERR_REASON]}
    with pytest.raises(ValidationError) as exc:
        licence_terminate_for_breach(
            user=manager_a, licence=active_licence, reason="逾期未付", terminated_on=DEADLINE
        )
    assert exc.value.message_dict == {
        "terminated_on": [
            ERR_TERMINATED_ON.format(
                low=DEADLINE + dt.timedelta(days=1), high=DEADLINE + dt.timedelta(days=5)
            )
        ]
    }
    assert _counts() == before


def test_only_the_unit_terminates_for_breach(noticed, active_licence, licensee_user, today):
    today(DEADLINE + dt.timedelta(days=1))
    before = _counts()
    with pytest.raises(PermissionDenied, match=ERR_NOT_UNIT):
        licence_terminate_for_breach(user=licensee_user, licence=active_licence, reason="x")
    assert _counts() == before


def test_termination_for_breach_ends_the_licence_and_the_plan_follows(
    noticed, active_licence, manager_a, licensee_user, published_a, today
):
    assert Achievement.objects.get(pk=published_a.pk).transfer_status == TransferStatus.LICENSED
    ended_on = DEADLINE + dt.timedelta(days=1)  # 2025-10-16
    today(ended_on)
    licence = licence_terminate_for_breach(
        user=manager_a, licence=active_licence, reason="补救期限届满仍未支付门槛费和阶段性款项"
    )
    assert (licence.status, licence.terminated_on, licence.termination_kind) == (
        "terminated",
        ended_on,
        "breach",
    )
    assert CureNotice.objects.get().status == "terminated"
    # The engine's terminated view: the Q4 period is clipped at 2025-10-16, none after it; the
    # upfront fee and the installment were earned before and stay owed.
    plan = licence_plan(Licence.objects.get(pk=licence.pk), dt.date(2026, 6, 30))
    got = [(r["o"].kind, r["o"].key, r["o"].period_end, r["o"].status) for r in plan.rows]
    assert got == [
        ("upfront", "upfront", None, "overdue"),
        ("installment", "首付节点", None, "overdue"),
        ("royalty", None, dt.date(2025, 3, 31), "report_missing"),
        ("royalty", None, dt.date(2025, 6, 30), "report_missing"),
        ("royalty", None, dt.date(2025, 9, 30), "report_missing"),
        ("royalty", None, dt.date(2025, 10, 16), "report_missing"),
    ]
    assert plan.totals.overdue == Decimal("60000.00")
    # Nothing implemented (no revenue, no milestone): no longer counts as transferred.
    achievement = Achievement.objects.get(pk=published_a.pk)
    assert (achievement.transfer_status, achievement.transferred_on) == (
        TransferStatus.UNTRANSFERRED,
        None,
    )
    told = Notification.objects.filter(user=licensee_user).order_by("pk").last()
    assert told.title == "许可已解除（违约解除，终止日 2025-10-16）"
    actions = list(
        AuditEntry.objects.filter(action__in=["licence.terminate", "achievement.transfer_status"])
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions[-2:] == ["licence.terminate", "achievement.transfer_status"]


def test_a_licence_that_was_implemented_keeps_counting_as_transferred(
    noticed, active_licence, manager_a, licensee_user, published_a, today
):
    revenue_report_file(
        user=licensee_user,
        licence=active_licence,
        period_start="2025-01-01",
        revenue_amount="80000",
        reported_on="2025-04-20",
    )
    today(DEADLINE + dt.timedelta(days=1))
    licence_terminate_for_breach(user=manager_a, licence=active_licence, reason="逾期未付")
    assert Achievement.objects.get(pk=published_a.pk).transfer_status == TransferStatus.LICENSED


def test_the_clipped_period_is_reported_after_termination(
    noticed, active_licence, manager_a, licensee_user, today
):
    today(DEADLINE + dt.timedelta(days=1))
    licence_terminate_for_breach(user=manager_a, licence=active_licence, reason="逾期未付")
    today(dt.date(2025, 11, 1))
    licence = Licence.objects.get(pk=active_licence.pk)
    report = revenue_report_file(
        user=licensee_user, licence=licence, period_start="2025-10-01", revenue_amount="10000"
    )
    assert report.period_end == dt.date(2025, 10, 16)
    # ...and money is still recorded on it.
    payment_record(user=manager_a, licence=licence, amount="500", paid_on="2025-11-01")
    plan = licence_plan(licence, dt.date(2025, 11, 1))
    last = plan.rows[-1]["o"]
    assert (last.amount, last.due, last.paid, last.status) == (
        Decimal("500.00"),
        dt.date(2025, 11, 15),
        Decimal("0.00"),
        "open",
    )


def test_termination_by_agreement_needs_the_other_party(
    active_licence, manager_a, licensee_user, published_a, today
):
    proposal = termination_propose(
        user=licensee_user,
        licence=active_licence,
        terminated_on=dt.date(2025, 9, 1),
        reason="市场变化，双方协商一致解除",
    )
    assert Notification.objects.filter(user=manager_a).order_by("pk").last().title == (
        "对方提议协议解除许可（终止日 2025-09-01），请确认"
    )
    before = _counts()
    with pytest.raises(PermissionDenied, match=ERR_OWN_PROPOSAL):
        termination_answer(user=licensee_user, proposal=proposal, action="confirm")
    with pytest.raises(ValidationError) as exc:
        termination_propose(
            user=manager_a, licence=active_licence, terminated_on=TODAY, reason="另一提议"
        )
    assert exc.value.message_dict == {"status": [ERR_PROPOSAL_OPEN]}
    assert _counts() == before
    done = termination_answer(user=manager_a, proposal=proposal, action="confirm")
    assert done.status == "confirmed"
    licence = Licence.objects.get(pk=active_licence.pk)
    assert (licence.status, licence.terminated_on, licence.termination_kind) == (
        "terminated",
        dt.date(2025, 9, 1),
        "agreement",
    )
    assert licence.termination_reason == "市场变化，双方协商一致解除"
    assert Notification.objects.filter(user=licensee_user).order_by("pk").last().title == (
        "许可已协议解除（终止日 2025-09-01）"
    )
    assert (
        Achievement.objects.get(pk=published_a.pk).transfer_status == TransferStatus.UNTRANSFERRED
    )


def test_a_declined_proposal_leaves_the_licence_in_force(
    active_licence, manager_a, licensee_user, today
):
    proposal = termination_propose(
        user=manager_a, licence=active_licence, terminated_on=TODAY, reason="拟解除"
    )
    with pytest.raises(PermissionDenied):
        termination_answer(user=licensee_user, proposal=proposal, action="withdraw")
    termination_answer(user=licensee_user, proposal=proposal, action="decline")
    assert Licence.objects.get(pk=active_licence.pk).status == "active"
    assert TerminationProposal.objects.get().status == "declined"


def test_a_termination_date_before_a_reported_period_end_is_refused(
    active_licence, manager_a, licensee_user, today
):
    revenue_report_file(
        user=licensee_user,
        licence=active_licence,
        period_start="2025-01-01",
        revenue_amount="80000",
        reported_on="2025-04-20",
    )
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        termination_propose(
            user=manager_a,
            licence=active_licence,
            terminated_on=dt.date(2025, 3, 15),
            reason="拟解除",
        )
    assert exc.value.message_dict == {
        "terminated_on": [
            ERR_REPORT_AFTER.format(start=dt.date(2025, 1, 1), end=dt.date(2025, 3, 31))
        ]
    }
    assert _counts() == before


def test_a_terminated_licence_cannot_be_noticed_again(noticed, active_licence, manager_a, today):
    today(DEADLINE + dt.timedelta(days=1))
    licence_terminate_for_breach(user=manager_a, licence=active_licence, reason="逾期未付")
    with pytest.raises(ValidationError) as exc:
        termination_propose(
            user=manager_a,
            licence=active_licence,
            terminated_on=DEADLINE,
            reason="x",
        )
    assert exc.value.message_dict == {"status": ["只有履行中的许可可以执行该操作（当前：已终止）"]}


def test_the_daily_job_records_expiry_once(active_licence, licensee_user, manager_a):
    assert licence_expire_due(dt.date(2026, 12, 31)) == {"expired": 0}
    assert licence_expire_due(dt.date(2027, 1, 1)) == {"expired": 1}
    assert licence_expire_due(dt.date(2027, 1, 2)) == {"expired": 0}
    licence = Licence.objects.get(pk=active_licence.pk)
    assert (licence.status, licence.terminated_on) == ("expired", None)
    assert AuditEntry.objects.filter(action="licence.expire").count() == 1
    assert Notification.objects.filter(user=licensee_user).order_by("pk").last().title == (
        "许可期限届满：一种固态储氢材料的制备方法"
    )
    assert Notification.objects.filter(user=manager_a, title__startswith="许可期限届满").exists()


# --------------------------------------------------------------------------------------------
# Pages and API


def test_the_pages_walk_from_cure_notice_to_termination(
    client, active_licence, manager_a, licensee_user, today
):
    url = f"/licensing/licences/{active_licence.pk}/"
    client.force_login(licensee_user)
    page = client.get(url).content.decode()
    assert 'data-testid="cure-notice-form"' not in page  # only the unit sends one
    client.force_login(manager_a)
    page = client.get(url).content.decode()
    assert 'data-testid="cure-notice-form"' in page
    assert "确认发出催告" in page
    response = client.post(
        f"{url}cure-notices/",
        {"obligations": ["upfront"], "cure_deadline": "2025-10-01", "note": ""},
    )
    assert response.status_code == 422
    assert ERR_CURE_DEADLINE.format(date=DEADLINE, days=30) in response.content.decode()
    response = client.post(
        f"{url}cure-notices/", {"obligations": OVERDUE, "cure_deadline": "2025-10-15"}
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert 'data-testid="terminate-wait"' in page
    assert 'data-testid="terminate-form"' not in page
    today(DEADLINE + dt.timedelta(days=1))
    page = client.get(url).content.decode()
    assert 'data-testid="terminate-form"' in page
    assert "仍未履行" in page
    response = client.post(
        f"{url}terminate/", {"terminated_on": "2025-10-16", "reason": "补救期限届满仍未付款"}
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert 'data-testid="terminated-banner"' in page
    assert "违约解除" in page
    assert "已取消（提前终止）" not in page  # nothing was left to cancel in these terms
    offer_page = client.get(f"/licensing/offers/{active_licence.inquiry.offer_id}/").content
    assert "违约解除，终止日 2025-10-16" in offer_page.decode()
    client.force_login(licensee_user)
    page = client.get(url).content.decode()
    assert "催告全文" in page
    assert "请于 2025-10-15 前履行完毕" in page


def test_the_api_proposes_and_confirms_termination(
    client, active_licence, manager_a, licensee_user, today
):
    base = f"/api/licensing/licences/{active_licence.pk}"
    client.force_login(licensee_user)
    response = post_json(
        client,
        f"{base}/termination-proposals",
        {"terminated_on": "2025-09-01", "reason": "协商一致"},
    )
    assert response.status_code == 201
    proposal = response.json()
    assert (proposal["side"], proposal["status"]) == ("licensee", "proposed")
    response = post_json(client, f"{base}/termination-proposals/{proposal['id']}/confirm", {})
    assert response.status_code == 403
    client.force_login(manager_a)
    response = post_json(client, f"{base}/termination-proposals/{proposal['id']}/confirm", {})
    assert response.status_code == 200
    assert response.json()["licence"] == {
        "id": active_licence.pk,
        "status": "terminated",
        "terminated_on": "2025-09-01",
        "termination_kind": "agreement",
        "termination_reason": "协商一致",
    }
    licence = client.get(base).json()
    assert licence["terminated_on"] == "2025-09-01"
    assert [o["period_end"] for o in licence["plan"]["obligations"] if o["kind"] == "royalty"][
        -1
    ] == "2025-09-01"


def test_the_api_refuses_termination_before_the_deadline(
    client, noticed, active_licence, manager_a
):
    client.force_login(manager_a)
    response = post_json(
        client, f"/api/licensing/licences/{active_licence.pk}/termination", {"reason": "逾期"}
    )
    assert response.status_code == 422
    assert response.json() == {
        "detail": [{"field": "status", "message": ERR_BEFORE_DEADLINE.format(date=DEADLINE)}]
    }
    assert Licence.objects.get(pk=active_licence.pk).status == "active"


def test_after_termination_a_milestone_reached_before_it_is_still_earned(
    staged_licence,  # noqa: F811 (the fixture imported above)
    manager_a,
    licensee_user,
    today,
):
    proposal = termination_propose(
        user=manager_a, licence=staged_licence, terminated_on="2025-09-01", reason="协商一致"
    )
    termination_answer(user=licensee_user, proposal=proposal, action="confirm")
    licence = Licence.objects.get(pk=staged_licence.pk)
    with pytest.raises(ValidationError) as exc:
        milestone_record(
            user=licensee_user, licence=licence, key="中试完成", achieved_on="2025-09-05"
        )
    assert exc.value.message_dict == {
        "achieved_on": [ERR_MILESTONE_AFTER_END.format(date=dt.date(2025, 9, 1))]
    }
    assert MilestoneAchievement.objects.count() == 0
    milestone_record(user=licensee_user, licence=licence, key="中试完成", achieved_on="2025-08-20")
    plan = licence_plan(licence, TODAY)
    got = [(r["o"].key, r["o"].due, r["o"].status, r["status_label"]) for r in plan.rows]
    assert got == [
        ("中试完成", dt.date(2025, 9, 19), "open", "待付"),
        ("年末款", dt.date(2025, 12, 31), "cancelled", "已取消（提前终止）"),
    ]
    assert plan.totals.scheduled == Decimal("30000.00")
