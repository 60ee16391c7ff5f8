"""The Redis cache backend keeps one client per pool and still stores, reads and expires values.

Needs the Redis server the deployment uses (127.0.0.1:6379 on these machines); database 9 is
flushed before and after.
"""

from __future__ import annotations

import os

import pytest
import redis

from zhuanhua.core.cache import RedisCache

URL = os.environ.get("ZHUANHUA_TEST_REDIS_URL", "redis://127.0.0.1:6379/9")


@pytest.fixture
def backend():
    try:
        redis.Redis.from_url(URL).flushdb()
    except redis.ConnectionError:
        pytest.skip(f"no Redis at {URL}")
    cache = RedisCache(URL, {"KEY_PREFIX": "test"})
    yield cache
    redis.Redis.from_url(URL).flushdb()


def test_the_client_is_made_once_per_pool(backend) -> None:
    client = backend._cache.get_client(write=True)
    assert backend._cache.get_client(write=True) is client
    assert backend._cache.get_client() is client  # one server: reads use the same pool


def test_values_round_trip_and_counters_work(backend) -> None:
    backend.set("page", {"html": "成果大厅"}, timeout=30)
    assert backend.get("page") == {"html": "成果大厅"}
    assert backend.add("generation", 1, timeout=None)
    assert backend.incr("generation") == 2
    backend.delete("page")
    assert backend.get("page") is None


def test_a_zero_timeout_stores_nothing(backend) -> None:
    backend.set("gone", 1, timeout=0)
    assert backend.get("gone") is None
