"""The final decision exports a PDF dossier with every step and the hash of the case's last audit
entry."""

from __future__ import annotations

import subprocess
from typing import Any

import pytest
from django.urls import reverse

from zhuanhua.audit.models import AuditEntry
from zhuanhua.exemption import services as s
from zhuanhua.exemption.dossier import dossier_html, dossier_pdf
from zhuanhua.exemption.tests.conftest import AFTER, START
from zhuanhua.publicity.jobs import publicity_close_due

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(in_publicity: Any, handler_a: Any, leader: Any) -> Any:
    publicity_close_due(AFTER)
    return s.case_decide(
        user=handler_a,
        case=in_publicity,
        text="对三名人员予以免责。",
        decided_on=AFTER,
        today=AFTER,
    )


def test_dossier_has_every_step_and_the_last_hash(
    decided: Any, handler_a: Any, tmp_path: Any
) -> None:
    case = s.case_record_effects(
        user=handler_a, case=decided, text="评先评优不受影响。", recorded_on=AFTER, today=AFTER
    )
    last = (
        AuditEntry.objects.filter(object_type=s.CASE_OBJECT_TYPE, object_id=str(case.pk))
        .order_by("-seq")
        .first()
    )
    assert last is not None
    assert last.action == "exemption_case.record_effects"
    html = dossier_html(case)
    for text in (
        "尽职免责认定案卷",
        "当事人员",
        "调查（第十二条）",
        "内部公示（第十三条）",
        "公示结束（无异议）",
        "对三名人员予以免责。",
        "评先评优不受影响。",
        last.entry_hash,
        "第七条第（七）项",
    ):
        assert text in html, text
    pdf = dossier_pdf(case)
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "dossier.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert last.entry_hash in text.replace("\n", "")
    assert "最终决定" in text


def test_dossier_view(
    client: Any, decided: Any, handler_a: Any, reviewer: Any, leader_user: Any, handler_b: Any
) -> None:
    url = reverse("exemption:dossier", args=[decided.pk])
    for user in (handler_a, reviewer):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
    for user in (leader_user, handler_b):
        client.force_login(user)
        assert client.get(url).status_code == 404


def test_no_dossier_before_the_final_decision(
    client: Any, in_publicity: Any, handler_a: Any
) -> None:
    client.force_login(handler_a)
    assert client.get(reverse("exemption:dossier", args=[in_publicity.pk])).status_code == 404
    assert START
