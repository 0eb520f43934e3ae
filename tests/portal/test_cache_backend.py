"""The cache on Redis keeps one client per connection pool (portal.cache)
and stores values as Django's own Redis cache does."""

import threading

import pytest
from django.conf import settings
from django.core.cache.backends.redis import RedisCache

from portal.cache import PortalRedisCache

pytestmark = pytest.mark.redis


@pytest.fixture
def caches():
    params = {"KEY_PREFIX": "cache-backend-test", "OPTIONS": {"socket_timeout": 1}}
    ours = PortalRedisCache(settings.REDIS_URL, params)
    djangos = RedisCache(settings.REDIS_URL, params)
    ours.clear()
    yield ours, djangos
    ours.clear()


def test_one_client_serves_every_operation(caches):
    ours, _ = caches
    first = ours._cache.get_client("a")
    ours.set("a", 1)
    ours.incr("a")
    assert ours.get_many(["a", "b"]) == {"a": 2}
    assert ours._cache.get_client("b", write=True) is first


def test_values_read_the_same_through_djangos_cache(caches):
    ours, djangos = caches
    ours.set("record", {"title": "透明度报告", "editions": [1, 2]}, 60)
    djangos.set("count", 41, 60)
    ours.incr("count")
    assert djangos.get("record") == {"title": "透明度报告", "editions": [1, 2]}
    assert ours.get("count") == 42 == djangos.get("count")


def test_threads_share_the_client(caches):
    ours, _ = caches
    errors = []

    def work(n):
        try:
            for i in range(50):
                ours.set(f"t{n}-{i}", i)
                assert ours.get(f"t{n}-{i}") == i
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert ours.get_many([f"t{n}-49" for n in range(4)]) == {
        f"t{n}-49": 49 for n in range(4)
    }
