"""The signed-in user arrives with their organisation: one query, not two."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhuanhua.accounts.backends import OrganisationModelBackend

pytestmark = pytest.mark.django_db


def test_the_user_is_read_with_the_organisation(manager_a: Any) -> None:
    with CaptureQueriesContext(connection) as queries:
        user = OrganisationModelBackend().get_user(manager_a.pk)
        assert user.organisation.name == manager_a.organisation.name
    assert len(queries) == 1


def test_an_inactive_or_missing_user_is_nobody(manager_a: Any) -> None:
    backend = OrganisationModelBackend()
    assert backend.get_user(10**9) is None
    manager_a.is_active = False
    manager_a.save(update_fields=["is_active"])
    assert backend.get_user(manager_a.pk) is None


def test_signing_in_through_the_page_uses_this_backend(client: Any, manager_a: Any) -> None:
    manager_a.set_password("correct-horse-9")
    manager_a.save()
    response = client.post(
        "/accounts/login/", {"username": manager_a.username, "password": "correct-horse-9"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_backend"] == (
        "zhuanhua.accounts.backends.OrganisationModelBackend"
    )
    assert client.get("/workbench/").status_code == 200
