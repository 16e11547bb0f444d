"""Compares desired parameters with the current ones (pure)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ParamDiff:
    added: dict[str, str]
    changed: dict[str, tuple[str, str]]
    removed: list[str]

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.removed)


def diff(current: dict[str, str], desired: dict[str, str]) -> ParamDiff:
    added = {k: v for k, v in desired.items() if k not in current}
    changed = {k: (current[k], v) for k, v in desired.items() if k in current and current[k] != v}
    removed = sorted(k for k in current if k not in desired)
    return ParamDiff(added=dict(sorted(added.items())), changed=dict(sorted(changed.items())), removed=removed)
