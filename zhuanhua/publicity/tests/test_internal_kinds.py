"""Exemption conclusions are publicised inside the unit only (exemption guide art. 13)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from zhuanhua.publicity.models import Notice
from zhuanhua.publicity.selectors import notice_public_list, notice_visible_to
from zhuanhua.publicity.services import ERR_INTERNAL_ONLY, objection_file


@pytest.fixture
def internal_notice(unit_a):
    return Notice.objects.create(
        publisher=unit_a,
        kind="exemption_conclusion",
        title="免责结论公示",
        content="结论",
        starts_on=dt.date(2026, 1, 5),
        period_days=5,
        ends_on=dt.date(2026, 1, 12),
        status="published",
    )


def test_internal_notice_is_hidden_from_the_public_and_other_units(internal_notice, manager_b):
    from django.contrib.auth.models import AnonymousUser

    assert internal_notice not in notice_public_list()
    assert not notice_visible_to(AnonymousUser()).filter(pk=internal_notice.pk).exists()
    assert not notice_visible_to(manager_b).filter(pk=internal_notice.pk).exists()


def test_internal_notice_is_seen_by_its_unit_and_the_department(
    internal_notice, manager_a, reviewer
):
    assert notice_visible_to(manager_a).filter(pk=internal_notice.pk).exists()
    assert notice_visible_to(reviewer).filter(pk=internal_notice.pk).exists()


def test_only_the_units_people_may_object_to_an_internal_notice(
    internal_notice, manager_a, manager_b
):
    with pytest.raises(PermissionDenied) as exc:
        objection_file(
            user=manager_b, notice=internal_notice, content="有异议", today=dt.date(2026, 1, 8)
        )
    assert str(exc.value) == ERR_INTERNAL_ONLY
    assert objection_file(
        user=manager_a, notice=internal_notice, content="有异议", today=dt.date(2026, 1, 8)
    ).pk
