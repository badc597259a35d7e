"""A Redis cache that degrades to a cache miss while Redis is unreachable.

The cache (and the sessions cached in it, which the database keeps too) must never turn a Redis
outage into HTTP 500 on every page: a read that cannot reach Redis is a miss, a write is dropped
and logged. Everything the cache holds can be rebuilt from the database.
"""

from __future__ import annotations

import logging

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)
_UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


class DegradingRedisCache(RedisCache):
    """Django's RedisCache; unreachable Redis reads as a miss and drops writes."""

    def _down(self, what: str, default=None):
        log.warning("Redis cache unreachable (%s): degraded to the database", what)
        return default

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except _UNREACHABLE:
            return self._down("get", default)

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except _UNREACHABLE:
            return self._down("get_many", {})

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except _UNREACHABLE:
            return self._down("has_key", False)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set(key, value, timeout, version)
        except _UNREACHABLE:
            return self._down("set")

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except _UNREACHABLE:
            return self._down("add", False)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except _UNREACHABLE:
            return self._down("set_many", list(data))

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except _UNREACHABLE:
            return self._down("touch", False)

    def incr(self, key, delta=1, version=None):
        # A generation bump while Redis is down is dropped like any write (the values it would
        # make stale are unreachable too; what Redis brings back carries its own timeout).
        try:
            return super().incr(key, delta, version)
        except _UNREACHABLE:
            return self._down("incr", 0)

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except _UNREACHABLE:
            return self._down("delete", False)

    def delete_many(self, keys, version=None):
        try:
            return super().delete_many(keys, version)
        except _UNREACHABLE:
            return self._down("delete_many")


# --- generations: cached data with correct invalidation ---------------------------------------
#
# Data that changes rarely and is read on every page (the catalogue's years) is kept in the default
# cache under a key that carries a generation number; whoever changes the data bumps the generation
# (after the transaction commits), so every process — web workers, Celery workers, commands —
# reads the new data on its next request. The cache is shared by all processes: Redis in
# production, files under ITA_VAR_DIR without Redis; a lost or unreachable cache is a miss.


def _generation_key(name: str) -> str:
    return f"gen:{name}"


def generation(name: str) -> int:
    from django.core.cache import cache

    return cache.get(_generation_key(name)) or 0


def bump_generation(name: str) -> None:
    """Make every cached value of ``name`` stale: at once (this transaction's own later reads) and
    again once the transaction commits (another process may have cached the old rows under the
    first new generation meanwhile; a rolled-back change costs only a cache miss)."""
    from django.core.cache import cache
    from django.db import transaction

    def bump():
        key = _generation_key(name)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=None)

    bump()
    transaction.on_commit(bump)


def remember(name: str, key: str, build, timeout: int = 24 * 3600):
    """``build()``'s value, cached under ``name``'s current generation."""
    from django.core.cache import cache

    full = f"{name}:{generation(name)}:{key}"
    value = cache.get(full)
    if value is None:
        value = build()
        cache.set(full, value, timeout)
    return value
