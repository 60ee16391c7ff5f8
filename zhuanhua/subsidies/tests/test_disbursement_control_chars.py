"""A settlement batch whose applicant's name holds control characters still exports."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from zhuanhua.organisations.models import Organisation
from zhuanhua.subsidies import services
from zhuanhua.subsidies.models import Grant
from zhuanhua.subsidies.settlement import disbursement_xlsx
from zhuanhua.subsidies.tests.test_settlement import grants  # noqa: F401 – fixture

pytestmark = pytest.mark.django_db


def test_disbursement_xlsx_drops_control_characters(
    grants: list[Grant],  # noqa: F811
    reviewer: Any,
) -> None:
    Organisation.objects.filter(pk=grants[0].applicant_id).update(
        name="云南\x0c测试\x07科技有限公司"
    )
    today = timezone.localdate()
    batch = services.settlement_create(
        user=reviewer, period_from_on=today - dt.timedelta(days=1), period_to_on=today
    )
    ws = load_workbook(io.BytesIO(disbursement_xlsx(batch)))["汇总"]
    names = [row[4] for row in ws.iter_rows(min_row=3, values_only=True)]
    assert "云南测试科技有限公司" in names
