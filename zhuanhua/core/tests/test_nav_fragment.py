"""The header's links are cached per language and role: each visitor still sees their own set."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db

MINE = "我的奖补申请"  # people of an organisation that applies (not the department)
REVIEWER = "发放创新券额度"  # reviewers only
QUEUE = "奖补申请审核"  # the reviewer's own name for the applications list (issue 21.2)


def test_each_role_sees_its_own_links_after_another_filled_the_cache(
    client: Any, manager_a: Any, reviewer: Any
) -> None:
    anonymous = client.get("/").content.decode()
    assert MINE not in anonymous
    assert REVIEWER not in anonymous
    client.force_login(reviewer)
    as_reviewer = client.get("/").content.decode()
    assert MINE not in as_reviewer
    assert QUEUE in as_reviewer
    assert REVIEWER in as_reviewer
    client.force_login(manager_a)
    as_manager = client.get("/").content.decode()
    assert MINE in as_manager
    assert QUEUE not in as_manager
    assert REVIEWER not in as_manager
    client.logout()
    assert client.get("/").content.decode().count(MINE) == 0


def test_the_links_follow_the_language(client: Any) -> None:
    chinese = client.get("/").content.decode()
    client.cookies["django_language"] = "en"
    english = client.get("/").content.decode()
    assert "成果大厅</a></li>" in chinese
    assert "成果大厅</a></li>" not in english
