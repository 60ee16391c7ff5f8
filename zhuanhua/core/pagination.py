"""The API's one pagination: limit/offset with both ends bounded.

Ninja's LimitOffsetPagination leaves `offset` unbounded (and `limit` unless a setting is set), so a
value past 2**63 reached the database and answered 500. Lists here are read by people and by
systems that page through them; 200 rows a page and an offset of 1,000,000 cover both.
"""

from __future__ import annotations

from ninja import Field, Schema
from ninja.conf import settings as ninja_settings
from ninja.pagination import LimitOffsetPagination

MAX_LIMIT = 200
MAX_OFFSET = 1_000_000


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(
            min(ninja_settings.PAGINATION_PER_PAGE, MAX_LIMIT),
            ge=1,
            le=MAX_LIMIT,
            description="每页条数（1–200）",
        )
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="跳过的条数（0–1000000）")

    def __init__(self, **kwargs: object) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)
