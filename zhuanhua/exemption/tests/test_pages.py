"""The pages drive the services:立案 → persons → checklist → decision → conclusion → publicity →
review → final decision → effects."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from zhuanhua.exemption.choices import CaseStatus
from zhuanhua.exemption.models import ExemptionCase
from zhuanhua.publicity.jobs import publicity_close_due
from zhuanhua.publicity.services import objection_file

pytestmark = pytest.mark.django_db


def test_case_run_through_the_pages(
    client: Any, handler_a: Any, leader_user: Any, unit_a: Any, make_user: Any
) -> None:
    today = timezone.localdate()
    client.force_login(handler_a)
    assert client.get(reverse("exemption:list")).status_code == 200
    assert client.get(reverse("exemption:create")).status_code == 200
    response = client.post(
        reverse("exemption:create"),
        {
            "title": "作价投资企业破产",
            "state_established": "on",
            "activity_kind": "equity",
            "activity_description": "以专利作价入股某公司，公司破产清算。",
            "loss_amount": "1200000",
        },
    )
    case = ExemptionCase.objects.get()
    assert response.status_code == 302
    assert case.achievement is None  # links are chosen from the unit's records (optional)
    detail = reverse("exemption:detail", args=[case.pk])
    client.post(
        reverse("exemption:person_add", args=[case.pk]),
        {"person-role": "leader", "person-user": leader_user.pk, "person-position": "校长"},
    )
    person = case.persons.get()
    assert person.name == "leader_a"
    client.post(
        reverse("exemption:minutes_add", args=[case.pk]),
        {
            "minutes-held_on": today.isoformat(),
            "minutes-subject": "作价投资决策会",
            f"minutes-stance_{person.pk}": "oppose",
            f"minutes-text_{person.pk}": "估值过高，反对",
            "minutes-other_speaker": "副校长",
            "minutes-other_stance": "agree",
        },
    )
    assert case.minutes.get().opinions.count() == 2
    page = client.get(reverse("exemption:person", args=[person.pk])).content.decode()
    assert 'data-testid="recorded-dissent"' in page
    assert "估值过高" in page
    assert "（七）领导人员在参与职务科技成果转化决策时" in page
    client.post(
        reverse("exemption:person", args=[person.pk]),
        {
            "d_democratic_procedure": "on",
            "d_reasonable_care": "on",
            "d_supervision": "on",
            "d_no_illegal_gain": "on",
            "grounds": ["7.7"],
        },
    )
    person.refresh_from_db()
    assert person.recommended == "exempt"
    page = client.get(reverse("exemption:person", args=[person.pk])).content.decode()
    assert "建议予以免责" in page
    assert "符合第七条第（七）项" in page
    client.post(reverse("exemption:person_decide", args=[person.pk]), {"decision": "exempt"})
    client.post(reverse("exemption:conclude", args=[case.pk]))
    client.post(
        reverse("exemption:publicise", args=[case.pk]),
        {"pub-starts_on": today.isoformat(), "pub-period_days": "5", "pub-period_unit": "working"},
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.PUBLICITY
    assert case.notice is not None
    html = client.get(detail).content.decode()
    assert 'data-testid="dissent-badge"' in html
    assert case.notice.title in html
    staff = make_user("staff_a", unit_a, ["researcher"])
    objection = objection_file(user=staff, notice=case.notice, content="请核实会议记录")
    client.post(
        reverse("exemption:review", args=[case.pk, objection.pk]),
        {
            f"review{objection.pk}-result": "upheld",
            f"review{objection.pk}-findings": "会议记录属实",
            f"review{objection.pk}-answer": "维持原结论",
        },
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.REVIEWED
    assert case.notice is not None
    publicity_close_due(case.notice.ends_on + dt.timedelta(days=1))
    # The decision form appears once the notice has closed; the date is today.
    html = client.get(detail).content.decode()
    assert "作出最终决定" in html
    client.post(
        reverse("exemption:decide", args=[case.pk]),
        {
            "decide-decided_on": today.isoformat(),
            "decide-text": "予以免责",
            f"decide-final_{person.pk}": "exempt",
        },
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.DECIDED
    client.post(
        reverse("exemption:effects", args=[case.pk]),
        {"effects-recorded_on": today.isoformat(), "effects-text": "年度考核不受影响"},
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    html = client.get(detail).content.decode()
    assert 'data-testid="dossier-link"' in html
    assert "只读" in html
    assert "记录结果运用并办结" not in html
    assert "登记当事人员" not in html
    # A closed case: a POST gets the named refusal.
    response = client.post(reverse("exemption:conclude", args=[case.pk]), follow=True)
    assert "案件已办结，不能再作任何修改" in response.content.decode()
