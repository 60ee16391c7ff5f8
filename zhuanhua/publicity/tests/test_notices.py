"""Notices: create, publish, objections and answers, close; agreement_price_cleared."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhuanhua.achievements.services import achievement_create
from zhuanhua.audit.models import AuditEntry
from zhuanhua.publicity import services
from zhuanhua.publicity.models import Notice, Objection
from zhuanhua.publicity.selectors import agreement_price_cleared, agreement_price_notice
from zhuanhua.publicity.tests.conftest import END, START

AFTER = END + dt.timedelta(days=1)


def _snapshot(notice):
    notice.refresh_from_db()
    return (
        notice.status,
        notice.closed_at,
        notice.close_note,
        notice.objections.count(),
        AuditEntry.objects.count(),
    )


def test_create_makes_an_audited_draft_with_the_price_facts(
    manager_a, draft_notice, published_a, enterprise
):
    n = Notice.objects.get(pk=draft_notice.pk)
    assert n.status == "draft"
    assert n.publisher_id == manager_a.organisation_id
    assert (n.achievement_id, n.licensee_id) == (published_a.pk, enterprise.pk)
    assert n.price_amount == Decimal("120000.00")
    assert (n.subject_type, n.subject_id) == ("achievements.achievement", str(published_a.pk))
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.action, entry.object_id) == ("notice.create", str(n.pk))


@pytest.mark.parametrize("days", [1, 14])
def test_agreement_pricing_under_15_days_is_refused(manager_a, price_data, days):
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.notice_create(user=manager_a, data={**price_data, "period_days": days})

    assert exc.value.message_dict["period_days"] == [services.ERR_AGREEMENT_DAYS]
    assert Notice.objects.count() == 0
    assert AuditEntry.objects.count() == before


def test_other_kinds_may_be_shorter_and_drop_price_fields(manager_a, price_data):
    notice = services.notice_create(
        user=manager_a, data={**price_data, "kind": "unit_rules", "period_days": 5}
    )

    assert (notice.period_days, notice.achievement_id, notice.price_amount) == (5, None, None)
    assert notice.ends_on == dt.date(2025, 9, 25)


def test_agreement_needs_own_achievement_other_licensee_and_positive_price(
    manager_a, manager_b, price_data, unit_a, achievement_data
):
    foreign = achievement_create(
        user=manager_b, data=achievement_data, completers=[{"name": "李四"}]
    )
    with pytest.raises(ValidationError) as exc:
        services.notice_create(
            user=manager_a,
            data={
                **price_data,
                "achievement": foreign,
                "licensee": unit_a,
                "price_amount": "0",
            },
        )

    assert exc.value.message_dict == {
        "achievement": [services.ERR_ACHIEVEMENT],
        "licensee": [services.ERR_LICENSEE_SELF],
        "price_amount": [services.ERR_PRICE],
    }
    assert Notice.objects.count() == 0


def test_only_a_unit_manager_creates_notices(outsider, price_data):
    with pytest.raises(PermissionDenied):
        services.notice_create(user=outsider, data=price_data)
    assert Notice.objects.count() == 0


def test_publish_fixes_the_period(open_notice):
    open_notice.refresh_from_db()
    assert open_notice.status == "published"
    assert (open_notice.ends_on, open_notice.extended) == (END, True)
    assert open_notice.published_at is not None
    assert AuditEntry.objects.order_by("-seq").first().action == "notice.publish"


def test_publish_with_a_start_in_the_past_is_refused(manager_a, draft_notice):
    before = _snapshot(draft_notice)
    with pytest.raises(ValidationError) as exc:
        services.notice_publish(user=manager_a, notice=draft_notice, today=START + dt.timedelta(1))

    assert exc.value.message_dict == {"starts_on": [services.ERR_START_PAST]}
    assert _snapshot(draft_notice) == before


def test_another_unit_cannot_publish(manager_b, draft_notice):
    before = _snapshot(draft_notice)
    with pytest.raises(PermissionDenied):
        services.notice_publish(user=manager_b, notice=draft_notice, today=START)
    assert _snapshot(draft_notice) == before


def test_published_notice_is_not_edited(manager_a, open_notice):
    before = _snapshot(open_notice)
    with pytest.raises(ValidationError) as exc:
        services.notice_update(user=manager_a, notice=open_notice, data={"title": "改"})
    assert exc.value.message_dict == {"status": ["当前状态（公示中）不能执行该操作"]}
    assert _snapshot(open_notice) == before


def test_draft_update_recomputes_the_end(manager_a, draft_notice):
    notice = services.notice_update(
        user=manager_a, notice=draft_notice, data={"starts_on": dt.date(2025, 9, 1)}
    )
    # 2025-09-16 is a Tuesday: no extension.
    assert (notice.ends_on, notice.extended) == (dt.date(2025, 9, 16), False)


def test_objection_on_the_end_date_is_accepted(outsider, open_notice, enterprise):
    objection = services.objection_file(
        user=outsider, notice=open_notice, content="价格偏低", today=END
    )

    assert (objection.objector_id, objection.objector_organisation_id) == (
        outsider.pk,
        enterprise.pk,
    )
    assert (objection.content, objection.filed_on, objection.answer) == ("价格偏低", END, "")
    assert AuditEntry.objects.order_by("-seq").first().action == "objection.file"


def test_objection_after_the_end_date_is_refused(outsider, open_notice):
    before = _snapshot(open_notice)
    with pytest.raises(ValidationError) as exc:
        services.objection_file(user=outsider, notice=open_notice, content="价格偏低", today=AFTER)

    assert exc.value.message_dict == {"notice": ["公示期已于 2025-10-09 届满，不再受理异议"]}
    assert _snapshot(open_notice) == before


def test_objection_to_a_draft_or_anonymous_is_refused(outsider, draft_notice):
    from django.contrib.auth.models import AnonymousUser

    before = _snapshot(draft_notice)
    with pytest.raises(ValidationError) as exc:
        services.objection_file(user=outsider, notice=draft_notice, content="x", today=START)
    assert exc.value.message_dict == {"notice": [services.ERR_NOT_OPEN]}
    with pytest.raises(PermissionDenied):
        services.objection_file(user=AnonymousUser(), notice=draft_notice, content="x", today=START)
    assert _snapshot(draft_notice) == before


def test_empty_objection_is_refused(outsider, open_notice):
    with pytest.raises(ValidationError) as exc:
        services.objection_file(user=outsider, notice=open_notice, content="  ", today=START)
    assert exc.value.message_dict == {"content": [services.ERR_REQUIRED]}
    assert Objection.objects.count() == 0


def test_cannot_close_before_the_period_ends(manager_a, open_notice):
    before = _snapshot(open_notice)
    with pytest.raises(ValidationError) as exc:
        services.notice_close(user=manager_a, notice=open_notice, today=END)

    assert exc.value.message_dict == {"status": ["公示期至 2025-10-09 届满，届满前不能结束公示"]}
    assert _snapshot(open_notice) == before


def test_cannot_close_with_an_unanswered_objection(manager_a, outsider, open_notice):
    services.objection_file(user=outsider, notice=open_notice, content="价格偏低", today=START)
    before = _snapshot(open_notice)

    with pytest.raises(ValidationError) as exc:
        services.notice_close(user=manager_a, notice=open_notice, today=AFTER)

    assert exc.value.message_dict == {"status": ["尚有 1 条异议未答复，不能结束公示"]}
    assert _snapshot(open_notice) == before


def test_closes_with_no_objection(manager_a, open_notice):
    notice = services.notice_close(user=manager_a, notice=open_notice, today=AFTER)

    notice.refresh_from_db()
    assert notice.status == "closed_no_objection"
    assert notice.close_note == "公示期 2025-09-20 至 2025-10-09 届满，未收到异议。"
    assert notice.closed_by_id == manager_a.pk
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.action, entry.detail) == (
        "notice.close",
        {"closed_on": "2025-10-10", "objections": 0, "by_job": False},
    )


def test_closes_objections_handled_after_every_answer(manager_a, outsider, open_notice):
    objection = services.objection_file(
        user=outsider, notice=open_notice, content="价格偏低", today=START
    )
    answered = services.objection_answer(
        user=manager_a, objection=objection, answer="价格依据第三方评估报告确定。"
    )
    assert answered.answer == "价格依据第三方评估报告确定。"
    assert answered.answered_by_id == manager_a.pk

    notice = services.notice_close(user=manager_a, notice=open_notice, today=AFTER, note="")

    assert notice.status == "closed_objections_handled"
    assert notice.close_note == "公示期 2025-09-20 至 2025-10-09 届满，共收到异议 1 条，均已答复。"


def test_answer_only_once_and_only_by_the_publisher(manager_a, manager_b, outsider, open_notice):
    objection = services.objection_file(
        user=outsider, notice=open_notice, content="价格偏低", today=START
    )
    with pytest.raises(PermissionDenied):
        services.objection_answer(user=manager_b, objection=objection, answer="无关单位答复")
    services.objection_answer(user=manager_a, objection=objection, answer="第一次答复")
    count = AuditEntry.objects.count()

    with pytest.raises(ValidationError) as exc:
        services.objection_answer(user=manager_a, objection=objection, answer="第二次答复")

    assert exc.value.message_dict == {"answer": [services.ERR_ALREADY_ANSWERED]}
    objection.refresh_from_db()
    assert objection.answer == "第一次答复"
    assert AuditEntry.objects.count() == count


def test_closed_notice_cannot_close_again_or_take_objections(manager_a, outsider, open_notice):
    services.notice_close(user=manager_a, notice=open_notice, today=AFTER)
    before = _snapshot(open_notice)

    with pytest.raises(ValidationError) as exc:
        services.notice_close(user=manager_a, notice=open_notice, today=AFTER)
    assert exc.value.message_dict == {"status": ["当前状态（公示结束（无异议））不能执行该操作"]}
    with pytest.raises(ValidationError):
        services.objection_file(user=outsider, notice=open_notice, content="迟到", today=END)
    assert _snapshot(open_notice) == before


def test_agreement_price_cleared_only_after_a_clean_close(
    manager_a, outsider, open_notice, published_a, enterprise, unit_b
):
    def cleared():
        return agreement_price_cleared(achievement=published_a, licensee=enterprise)

    assert cleared() is False  # published, period running
    objection = services.objection_file(
        user=outsider, notice=open_notice, content="价格偏低", today=START
    )
    assert cleared() is False  # objection waiting
    services.objection_answer(user=manager_a, objection=objection, answer="已复核")
    assert cleared() is False  # answered but not closed
    services.notice_close(user=manager_a, notice=open_notice, today=AFTER)

    assert cleared() is True
    assert services.agreement_price_cleared(achievement=published_a, licensee=enterprise) is True
    assert agreement_price_notice(achievement=published_a, licensee=enterprise).pk == open_notice.pk
    # Another licensee is not covered by this notice.
    assert agreement_price_cleared(achievement=published_a, licensee=unit_b) is False


def test_a_closed_non_price_notice_does_not_clear_a_price(
    manager_a, price_data, published_a, enterprise
):
    notice = services.notice_create(user=manager_a, data={**price_data, "kind": "rights_grant"})
    services.notice_publish(user=manager_a, notice=notice, today=START)
    services.notice_close(user=manager_a, notice=notice, today=AFTER)

    assert agreement_price_cleared(achievement=published_a, licensee=enterprise) is False
