"""Fixtures of the transfer tests: units whose editors have e-mail, achievements with chosen dates."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from zhuanhua.achievements.services import achievement_create, achievement_transition


@pytest.fixture
def manager_a_mail(manager_a: Any) -> Any:
    manager_a.email = "manager_a@ynu.example.cn"
    manager_a.save()
    return manager_a


@pytest.fixture
def make_achievement(achievement_data: dict[str, Any], reviewer: Any) -> Any:
    """`make_achievement(user, ip_acquired_on, publish=False, **fields)` through the real services."""

    def make(user: Any, ip_acquired_on: dt.date, *, publish: bool = False, **fields: Any) -> Any:
        data = {**achievement_data, "ip_acquired_on": ip_acquired_on, **fields}
        achievement = achievement_create(
            user=user, data=data, completers=[{"name": "张三", "employer": "云南大学"}]
        )
        if publish:
            achievement_transition(user=user, achievement=achievement, action="submit")
            achievement = achievement_transition(
                user=reviewer, achievement=achievement, action="publish"
            )
        return achievement

    return make
