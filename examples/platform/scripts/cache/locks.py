"""A run lock in Redis so two syncs never push to the same registry at once."""
from __future__ import annotations

import os
import uuid

from .resp import Redis


def redis_url() -> str:
    url = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL")
    if not url:
        raise RuntimeError("CACHE_URL is not set")
    return url


class RunLock:
    def __init__(self, name: str, ttl_ms: int = 60_000, client: Redis | None = None):
        self.key = f"lock:{name}"
        self.token = uuid.uuid4().hex
        self.ttl_ms = ttl_ms
        self.client = client or Redis(redis_url())

    def acquire(self) -> bool:
        return self.client.call("SET", self.key, self.token, "NX", "PX", self.ttl_ms) == "OK"

    def release(self) -> bool:
        """Releases only our own lock (compare-and-delete)."""
        if self.client.call("GET", self.key) == self.token.encode():
            return self.client.call("DEL", self.key) == 1
        return False
