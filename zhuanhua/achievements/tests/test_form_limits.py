"""The achievement form refuses what the API refuses: too many completers, over-long texts and
control characters, with nothing written."""

from typing import Any

import pytest
from django.urls import reverse

from zhuanhua.achievements.forms import (
    ERR_TOO_MANY_COMPLETERS,
    MAX_COMPLETERS,
    AchievementForm,
)
from zhuanhua.achievements.models import Achievement
from zhuanhua.core.inputs import ERR_CONTROL_CHARS, ERR_TOO_LONG, FORM_LONG_TEXT

VALID = {
    "title": "三七总皂苷提取新工艺",
    "summary": "一种三七总皂苷高效提取与纯化工艺。",
    "industry_field": "biomedicine",
    "ip_type": "patent",
    "ip_number": "ZL202220000002.2",
    "ip_acquired_on": "2023-01-05",
    "trl": "5",
    "transfer_status": "untransferred",
    "completers": "陈七，昆明医科大学",
}


def test_the_valid_form_passes() -> None:
    form = AchievementForm(VALID)
    assert form.is_valid(), form.errors
    assert form.completer_rows() == [{"name": "陈七", "employer": "昆明医科大学"}]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"completers": "\n".join(f"完成人{i}" for i in range(MAX_COMPLETERS + 1))},
            "completers",
            ERR_TOO_MANY_COMPLETERS.format(limit=MAX_COMPLETERS),
        ),
        (
            {"completers": "\n".join(f"完成人{i}" for i in range(10000))},
            "completers",
            ERR_TOO_LONG.format(limit=FORM_LONG_TEXT),
        ),
        ({"summary": "长" * 1_000_000}, "summary", ERR_TOO_LONG.format(limit=FORM_LONG_TEXT)),
        ({"title": "三七\x00总皂苷"}, "title", ERR_CONTROL_CHARS),
        ({"ip_number": "ZL\x1b2022"}, "ip_number", ERR_CONTROL_CHARS),
    ],
)
def test_the_form_refuses_by_field(change: dict[str, str], field: str, message: str) -> None:
    form = AchievementForm({**VALID, **change})
    assert not form.is_valid()
    assert form.errors[field] == [message]


@pytest.mark.django_db
def test_a_refused_page_post_writes_nothing(client: Any, manager_a: Any) -> None:
    client.force_login(manager_a)
    response = client.post(reverse("achievements:create"), {**VALID, "title": "三七\x00"})
    assert response.status_code == 200
    assert ERR_CONTROL_CHARS in response.content.decode()
    assert Achievement.objects.count() == 0
