"""The published OpenAPI schema: one name per component, and bounded pagination."""

from __future__ import annotations

from collections import defaultdict

import pytest
from django.test import Client


def test_no_two_request_or_response_schemas_share_a_name() -> None:
    """Ninja publishes components by class name: two classes with one name make the schema
    describe one operation with the other's body."""
    from ninja import Schema

    import config.api  # noqa: F401 - imports every app's api module

    def subclasses(cls: type) -> list[type]:
        found: list[type] = []
        direct: list[type] = cls.__subclasses__()
        for sub in direct:
            found.append(sub)
            found.extend(subclasses(sub))
        return found

    by_name: dict[str, set[str]] = defaultdict(set)
    for cls in subclasses(Schema):
        if cls.__module__.startswith("zhuanhua.") and ".tests" not in cls.__module__:
            by_name[cls.__name__].add(f"{cls.__module__}.{cls.__qualname__}")
    clashes = {name: sorted(where) for name, where in by_name.items() if len(where) > 1}
    assert {"DecisionIn", "VoucherDecisionIn", "ProjectAcceptanceIn"} <= set(by_name)
    assert not clashes


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "offset=4342723055369688653373",
        "limit=30497107845201887232",
        "limit=0",
        "offset=-1",
        "limit=201",
    ],
)
def test_out_of_range_pagination_is_a_422_not_a_crash(query: str) -> None:
    response = Client().get(f"/api/achievements/?{query}")
    assert response.status_code == 422
    field = query.split("=")[0]
    assert field in response.content.decode()


@pytest.mark.django_db
def test_pagination_within_bounds_answers() -> None:
    response = Client().get("/api/achievements/?limit=200&offset=1000000")
    assert response.status_code == 200
    assert response.json()["items"] == []
