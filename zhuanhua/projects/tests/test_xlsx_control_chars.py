"""A unit whose name holds control characters does not break the performance .xlsx."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from zhuanhua.organisations.models import Organisation
from zhuanhua.projects.tests.test_pages import Q

pytestmark = pytest.mark.django_db


def test_performance_xlsx_drops_control_characters(
    client: Any, project: Any, reviewer: Any, unit_a: Any
) -> None:
    Organisation.objects.filter(pk=unit_a.pk).update(name="云南\x0c大学\x01（测试）")
    client.force_login(reviewer)
    export = client.get(reverse("projects:performance_xlsx") + Q)
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).active
    names = [row[1] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert "云南大学（测试）" in names
