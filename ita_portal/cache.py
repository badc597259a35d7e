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
