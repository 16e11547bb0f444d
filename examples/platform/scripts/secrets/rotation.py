"""Decides which secrets are due for rotation (pure: the caller lists the secrets)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone


def due(last_rotated: datetime | None, max_age_days: int, now: datetime | None = None) -> bool:
    if max_age_days <= 0:
        raise ValueError("max_age_days must be positive")
    if last_rotated is None:
        return True
    now = now or datetime.now(timezone.utc)
    return now - last_rotated >= timedelta(days=max_age_days)


def plan(secrets: list[dict], max_age_days: int, now: datetime | None = None) -> list[str]:
    """Names of secrets (dicts with Name and optional LastRotatedDate) that must rotate."""
    return sorted(s["Name"] for s in secrets if due(s.get("LastRotatedDate"), max_age_days, now))
