"""Every party told (issue 19.3): each step of a deal reaches the other side's people who act
on it — the unit's 成果管理员 and 机构管理员, the enterprise's 被许可方经办人 and 机构管理员 — and
nobody else: not the person who took the step, not a researcher, not a third party."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from zhuanhua.achievements.models import Achievement
from zhuanhua.audit.models import AuditEntry
from zhuanhua.licensing import services
from zhuanhua.licensing.imports import PaymentRow
from zhuanhua.licensing.jobs import licensing_alerts_due
from zhuanhua.licensing.models import Inquiry, LicenceAlert
from zhuanhua.licensing.tests.conftest import VERSION_TERMS, post_json, signed_pdf
from zhuanhua.notifications.models import Notification
from zhuanhua.notifications.services import notification_settings_update

UNIT = {"manager_a", "unit_admin"}
ENTERPRISE = {"licensee", "licensee_colleague"}


@pytest.fixture
def people(make_user, unit_a, enterprise, manager_a, licensee_user, outsider):
    """Besides the two agents: a unit admin and a researcher, an enterprise colleague and a
    researcher of the enterprise, and an outsider — the latter ones must never be told."""
    make_user("unit_admin", unit_a, ["org_admin"], email="admin@unit.example.com")
    make_user("unit_researcher", unit_a, ["researcher"])
    make_user("licensee_colleague", enterprise, ["licensee_staff"])
    make_user("licensee_researcher", enterprise, ["researcher"])


def told(title_start: str) -> set[str]:
    """Usernames of the people whose centre holds a message whose title starts so."""
    return set(
        Notification.objects.filter(title__startswith=title_start).values_list(
            "user__username", flat=True
        )
    )


def test_a_new_inquiry_tells_the_units_editors(people, offer, licensee_user):
    inquiry = services.inquiry_open(user=licensee_user, offer=offer, message="希望洽谈")
    assert told("新的承接意向：") == UNIT
    note = Notification.objects.get(user__username="manager_a", title__startswith="新的承接")
    assert (note.kind, note.url) == ("licence", f"/licensing/inquiries/{inquiry.pk}/")
    assert note.body == (
        f"昆明氢能科技有限公司希望以先使用后付费方式承接“{offer.achievement.title}”。\n留言：希望洽谈"
    )


def test_each_message_tells_the_other_side_only(people, inquiry, licensee_user, manager_a):
    Notification.objects.all().delete()
    services.message_post(user=licensee_user, inquiry=inquiry, body="门槛费能否分两期？")
    assert told("商洽新消息：") == UNIT
    Notification.objects.all().delete()
    services.message_post(user=manager_a, inquiry=inquiry, body="可以。")
    assert told("商洽新消息：") == ENTERPRISE
    assert Notification.objects.get(user__username="licensee").body == "云南大学（测试）：可以。"


def test_a_proposed_version_tells_the_other_side(people, inquiry, licensee_user, manager_a):
    services.version_propose(
        user=licensee_user, inquiry=inquiry, terms=dict(VERSION_TERMS), note="首付降低"
    )
    assert told("第 1 版条款待确认：") == UNIT
    services.version_propose(user=manager_a, inquiry=inquiry, terms=dict(VERSION_TERMS))
    assert told("第 2 版条款待确认：") == ENTERPRISE
    first = Notification.objects.get(user__username="unit_admin", title__startswith="第 1 版")
    assert first.body.endswith("\n说明：首付降低")


def test_acceptance_tells_the_proposer_the_licence_is_ready_to_sign(
    people, inquiry, licensee_user, manager_a
):
    services.version_propose(user=licensee_user, inquiry=inquiry, terms=dict(VERSION_TERMS))
    licence = services.version_accept(user=manager_a, inquiry=inquiry, number=1)
    assert told("第 1 版条款已被接受，许可合同待签：") == ENTERPRISE
    note = Notification.objects.get(user__username="licensee", title__startswith="第 1 版条款已")
    assert note.url == f"/licensing/licences/{licence.pk}/"


def test_a_withdrawn_negotiation_tells_the_other_side(people, inquiry, licensee_user):
    services.version_propose(user=licensee_user, inquiry=inquiry, terms=dict(VERSION_TERMS))
    withdrawn = services.inquiry_withdraw(user=licensee_user, inquiry=inquiry, reason="预算调整")
    assert withdrawn.status == "withdrawn"
    assert told("商洽已撤回：") == UNIT
    note = Notification.objects.get(user__username="manager_a", title__startswith="商洽已撤回")
    assert note.body == (
        "昆明氢能科技有限公司撤回了本次商洽，未接受的条款版本随之失效。\n原因：预算调整"
    )
    entry = AuditEntry.objects.get(action="inquiry.withdraw")
    assert entry.detail == {"side": "licensee", "reason": "预算调整"}


def test_only_a_party_may_withdraw_and_only_once(people, inquiry, outsider, manager_a):
    with pytest.raises(PermissionDenied):
        services.inquiry_withdraw(user=outsider, inquiry=inquiry)
    assert Inquiry.objects.get(pk=inquiry.pk).status == "open"
    assert told("商洽已撤回：") == set()
    services.inquiry_withdraw(user=manager_a, inquiry=inquiry)
    assert told("商洽已撤回：") == ENTERPRISE
    with pytest.raises(ValidationError) as exc:
        services.inquiry_withdraw(user=manager_a, inquiry=inquiry)
    assert exc.value.message_dict == {"status": ["商洽已结束（已撤回），不能再执行该操作"]}
    assert Notification.objects.filter(title__startswith="商洽已撤回").count() == 2


def test_the_inquiry_page_withdraws(client, people, inquiry, licensee_user):
    client.force_login(licensee_user)
    page = client.get(f"/licensing/inquiries/{inquiry.pk}/").content.decode()
    assert f'action="/licensing/inquiries/{inquiry.pk}/withdraw/"' in page
    response = client.post(f"/licensing/inquiries/{inquiry.pk}/withdraw/", {"reason": "暂缓"})
    assert response.status_code == 302
    assert Inquiry.objects.get(pk=inquiry.pk).status == "withdrawn"
    assert told("商洽已撤回：") == UNIT


def test_a_refused_acceptance_tells_nobody(people, inquiry, licensee_user):
    services.version_propose(user=licensee_user, inquiry=inquiry, terms=dict(VERSION_TERMS))
    before = Notification.objects.count()
    with pytest.raises(PermissionDenied):
        services.version_accept(user=licensee_user, inquiry=inquiry, number=1)
    assert Notification.objects.count() == before


def test_signing_and_registration_tell_the_licensee(people, licence, manager_a):
    services.licence_activate(
        user=manager_a, licence=licence, signed_on=dt.date(2025, 1, 1), signed_pdf=signed_pdf()
    )
    assert told("许可合同已签订：") == ENTERPRISE
    services.registration_record(
        user=manager_a,
        licence=licence,
        data={
            "contract_type": "license",
            "registration_number": "2025530100000123",
            "registry": "昆明市技术市场管理办公室",
            "registered_on": "2025-02-01",
            "transaction_amount": "1200000",
            "technical_income_amount": "1000000",
        },
    )
    assert told("技术合同已认定登记：") == ENTERPRISE
    note = Notification.objects.get(user__username="licensee", title__startswith="技术合同")
    assert note.body == (
        "登记编号 2025530100000123（昆明市技术市场管理办公室，2025-02-01），成交额 1,200,000.00 元。"
    )


def test_a_revenue_report_tells_the_unit_and_a_payment_tells_the_enterprise(
    people, active_licence, licensee_user, manager_a
):
    services.revenue_report_file(
        user=licensee_user,
        licence=active_licence,
        period_start="2025-01-01",
        revenue_amount="200000",
        reported_on="2025-04-10",
    )
    assert told("收到收入报告：") == UNIT
    assert Notification.objects.get(
        user__username="manager_a", title__startswith="收到收入报告"
    ).body == (
        "昆明氢能科技有限公司报送了 2025-01-01 至 2025-03-31 的收入 200,000.00 元，提成金额见付款计划。"
    )
    services.payment_record(
        user=manager_a, licence=active_licence, amount="10000", paid_on="2025-04-20", ref="回单 7"
    )
    assert told("许可方已登记到账 10,000.00 元：") == ENTERPRISE


def test_e_mail_goes_after_commit_and_honours_each_persons_settings(
    django_capture_on_commit_callbacks, people, offer, licensee_user, manager_a
):
    manager_a.email = "manager@unit.example.com"
    manager_a.save()
    notification_settings_update(
        user=manager_a, muted_kinds=[], no_email_kinds=["licence"], weekly_digest=True
    )
    unit_admin = type(manager_a).objects.get(username="unit_admin")
    notification_settings_update(
        user=unit_admin, muted_kinds=["licence"], no_email_kinds=[], weekly_digest=True
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.inquiry_open(user=licensee_user, offer=offer)
    assert told("新的承接意向：") == {"manager_a"}  # the admin muted the kind
    assert len(callbacks) == 0  # manager_a turned its e-mail off: nothing to send
    assert mail.outbox == []


# --------------------------------------------------------------------------------------------
# The daily job: report due and missing, overdue, default risk — both sides, once


def _alerts(code: str) -> set[str]:
    return set(LicenceAlert.objects.filter(code=code).values_list("ref", flat=True))


def test_a_report_due_is_told_seven_days_before_and_missing_when_it_lapses(people, active_licence):
    # Q1 2025 ends 31 March; its report is due within 30 days, by 30 April.
    licensing_alerts_due(dt.date(2025, 4, 22))
    assert _alerts("report_due") == set()
    licensing_alerts_due(dt.date(2025, 4, 23))
    assert _alerts("report_due") == {"2025-01-01"}
    assert told("收入报告即将到期：") == UNIT | ENTERPRISE
    note = Notification.objects.get(user__username="licensee", title__startswith="收入报告即将")
    assert note.kind == "licence_alert"
    assert "请于 2025-04-30 前报送收入，逾期将记为报告缺失。" in note.body
    licensing_alerts_due(dt.date(2025, 4, 24))
    assert Notification.objects.filter(title__startswith="收入报告即将到期").count() == 4
    licensing_alerts_due(dt.date(2025, 5, 1))
    assert _alerts("report_missing") == {"2025-01-01"}
    assert told("收入报告缺失：") == UNIT | ENTERPRISE


def test_a_filed_report_is_not_reminded(people, active_licence, licensee_user):
    services.revenue_report_file(
        user=licensee_user,
        licence=active_licence,
        period_start="2025-01-01",
        revenue_amount="0",
        reported_on="2025-04-10",
    )
    licensing_alerts_due(dt.date(2025, 4, 25))
    assert _alerts("report_due") == set()
    assert told("收入报告即将到期：") == set()


def test_overdue_and_default_risk_are_told_to_both_sides_in_words(people, active_licence):
    licensing_alerts_due(dt.date(2025, 4, 5))  # the upfront fee fell due on 1 January
    assert told("付款逾期：") == UNIT | ENTERPRISE
    bodies = set(Notification.objects.filter(title__startswith="付款逾期").values_list("body"))
    assert any("提醒：付款逾期（门槛费）" in body for (body,) in bodies)
    assert told("违约风险") == UNIT | ENTERPRISE
    risk = Notification.objects.filter(title__startswith="违约风险").first()
    assert risk is not None
    assert risk.body.endswith("说明：本提示仅为风险提示，恶意违约须经人工核实认定。")


def test_a_licence_not_signed_raises_nothing(people, licence):
    assert licensing_alerts_due(dt.date(2025, 8, 1))["licences"] == 0
    assert not Notification.objects.filter(kind="licence_alert").exists()


def test_an_import_tells_each_person_once(people, active_licence, manager_a):
    rows = [
        PaymentRow(2, dt.date(2025, 2, 1), Decimal("10000"), "流水001", "昆明氢能", "门槛费"),
        PaymentRow(3, dt.date(2025, 3, 1), Decimal("5000"), "流水002", "昆明氢能", "首付"),
    ]
    services.payments_import(user=manager_a, licence=active_licence, rows=rows)
    assert told("许可方已登记 2 笔到账：") == ENTERPRISE
    assert not Notification.objects.filter(title__startswith="许可方已登记到账").exists()
    note = Notification.objects.get(user__username="licensee", title__startswith="许可方已登记 2")
    assert note.body.count("\n") == 1
    assert "2025-02-01 到账 10,000.00 元（凭证号 流水001）" in note.body


def test_the_api_withdraws_for_systems(client, people, inquiry, licensee_user, outsider):
    url = f"/api/licensing/inquiries/{inquiry.pk}/withdraw"
    client.force_login(outsider)
    assert post_json(client, url, {}).status_code == 404
    client.force_login(licensee_user)
    response = post_json(client, url, {"reason": "暂缓"})
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"
    assert told("商洽已撤回：") == UNIT
    assert post_json(client, url, {}).status_code == 422


def test_the_other_sides_centre_shows_the_step_with_its_link(
    client, people, inquiry, licensee_user, manager_a
):
    client.force_login(licensee_user)
    client.post(f"/licensing/inquiries/{inquiry.pk}/messages/", {"body": "请问首付节点可否延后？"})
    client.force_login(manager_a)
    inbox = client.get("/notifications/").content.decode()
    assert f'<a href="/licensing/inquiries/{inquiry.pk}/">商洽新消息：' in inbox
    assert "昆明氢能科技有限公司：请问首付节点可否延后？" in inbox
    client.force_login(licensee_user)
    assert "商洽新消息" not in client.get("/notifications/").content.decode()


def test_an_import_title_keeps_braces_of_the_achievement(people, active_licence, manager_a):
    Achievement.objects.filter(pk=active_licence.achievement_id).update(title="储氢{材料}")
    active_licence.refresh_from_db()
    rows = [
        PaymentRow(2, dt.date(2025, 2, 1), Decimal("100"), "A1", "昆明氢能", ""),
        PaymentRow(3, dt.date(2025, 3, 1), Decimal("200"), "A2", "昆明氢能", ""),
    ]
    services.payments_import(user=manager_a, licence=active_licence, rows=rows)
    assert told("许可方已登记 2 笔到账：储氢{材料}") == ENTERPRISE
