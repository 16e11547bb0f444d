"""Naming rules shared by the scripts (repositories, secrets, parameters)."""
from __future__ import annotations

import re

_INVALID = re.compile(r"[^a-z0-9._/-]+")


def slug(value: str) -> str:
    """Lower-case, with runs of invalid characters replaced by one dash."""
    cleaned = _INVALID.sub("-", value.strip().lower())
    return cleaned.strip("-/") or "unnamed"


def join_path(*parts: str) -> str:
    """Joins hierarchy parts with single slashes and a leading slash: ('a/', '/b') -> '/a/b'."""
    segments = [p.strip("/") for p in parts if p and p.strip("/")]
    return "/" + "/".join(segments)
