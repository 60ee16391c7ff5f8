"""Hostile workbooks as a settlement batch's returned payment file (service and page): refused in
seconds with a Chinese message on the page, no grant marked paid."""

from __future__ import annotations

import datetime as dt
import html
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from zhuanhua.audit.models import AuditEntry
from zhuanhua.core import xlsx
from zhuanhua.core.tests import hostile_xlsx
from zhuanhua.subsidies import services
from zhuanhua.subsidies.models import Grant, SettlementBatch
from zhuanhua.subsidies.tests.test_settlement import XLSX, grants  # noqa: F401 – fixture

pytestmark = pytest.mark.django_db

DIMENSION_REASON = (
    "工作表声明的数据范围 A1:XFD1048576 过大（最多 100000 行、1024 列），已拒绝导入；"
    "请删除多余的行和列（或只复制需要的数据到新工作簿）后重试"
)
HOSTILE: dict[str, tuple[Callable[[list[list[Any]]], bytes], str]] = {
    "dimension": (hostile_xlsx.huge_dimension, DIMENSION_REASON),
    "shared_strings": (hostile_xlsx.shared_strings_bomb, xlsx.ERR_EXPANDS),
}


@pytest.fixture
def batch(grants: list[Grant], reviewer: Any, finance: Any) -> SettlementBatch:  # noqa: F811
    today = timezone.localdate()
    created = services.settlement_create(
        user=reviewer, period_from_on=today - dt.timedelta(days=1), period_to_on=today
    )
    return services.settlement_sign_off(user=finance, batch=created)


def payment_file(batch: SettlementBatch, kind: str) -> SimpleUploadedFile:
    build, _ = HOSTILE[kind]
    ids = list(Grant.objects.filter(batch=batch).values_list("pk", flat=True))
    rows: list[list[Any]] = [["拨付回执"], ["补助编号", "金额"], *([i, 1] for i in ids)]
    return SimpleUploadedFile("回执.xlsx", build(rows), content_type=XLSX)


def state(batch: SettlementBatch) -> tuple[list[str], str, int]:
    statuses = list(
        Grant.objects.filter(batch=batch).order_by("pk").values_list("status", flat=True)
    )
    batch.refresh_from_db()
    return statuses, batch.status, AuditEntry.objects.count()


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_mark_paid_refuses_a_hostile_payment_file(
    batch: SettlementBatch, reviewer: Any, kind: str
) -> None:
    before = state(batch)
    started = time.perf_counter()
    with pytest.raises(ValidationError) as exc:
        services.settlement_mark_paid(user=reviewer, batch=batch, upload=payment_file(batch, kind))
    assert time.perf_counter() - started < 5
    assert exc.value.message_dict == {"file": [HOSTILE[kind][1]]}
    assert state(batch) == before


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_mark_paid_page_shows_the_refusal(
    client: Any, batch: SettlementBatch, reviewer: Any, kind: str
) -> None:
    client.force_login(reviewer)
    before = state(batch)
    started = time.perf_counter()
    response = client.post(
        reverse("subsidies:mark_paid", args=[batch.pk]),
        {"file": payment_file(batch, kind)},
        follow=True,
    )
    assert time.perf_counter() - started < 5
    assert response.status_code == 200
    assert HOSTILE[kind][1] in html.unescape(response.content.decode())
    assert state(batch) == before
