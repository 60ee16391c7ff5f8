"""A record holding control characters (pasted from another system) still exports: the .xlsx
writer drops what Excel cannot store."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from zhuanhua.achievements import excel
from zhuanhua.achievements.models import Achievement
from zhuanhua.achievements.tests.test_excel import make_org, published

pytestmark = pytest.mark.django_db


def test_export_drops_control_characters_and_keeps_the_text() -> None:
    published(make_org(), "高原\x0c粳稻\x01抗旱技术", summary="第一段\x0b\n第二段\t完")
    content = excel.achievements_export(Achievement.objects.all())
    row = [c.value for c in load_workbook(io.BytesIO(content)).active[2]]
    assert row[:2] == ["高原粳稻抗旱技术", "第一段\n第二段\t完"]
