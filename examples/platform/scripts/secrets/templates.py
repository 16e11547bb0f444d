"""Secret templates: which secrets each service needs, rendered per environment.

A template is a mapping of secret name patterns to value generators, e.g.

    {"{env}/{service}/db-password": "random:32", "{env}/{service}/api-url": "literal:https://api"}
"""
from __future__ import annotations

import secrets as _random
import string
from dataclasses import dataclass

from ..common.naming import join_path, slug

ALPHABET = string.ascii_letters + string.digits


class TemplateError(ValueError):
    pass


@dataclass(frozen=True)
class SecretSpec:
    name: str
    generator: str
    argument: str

    def value(self) -> str:
        if self.generator == "random":
            return "".join(_random.choice(ALPHABET) for _ in range(int(self.argument)))
        return self.argument


def parse_generator(spec: str) -> tuple[str, str]:
    kind, sep, argument = spec.partition(":")
    if not sep or kind not in ("random", "literal"):
        raise TemplateError(f"unknown generator {spec!r} (use random:N or literal:VALUE)")
    if kind == "random" and (not argument.isdigit() or not 8 <= int(argument) <= 128):
        raise TemplateError(f"random length must be 8..128, got {argument!r}")
    return kind, argument


def render(template: dict[str, str], env: str, service: str) -> list[SecretSpec]:
    """The secrets of one service in one environment, sorted by name."""
    specs = []
    for pattern, generator in template.items():
        try:
            name = pattern.format(env=slug(env), service=slug(service))
        except KeyError as missing:
            raise TemplateError(f"unknown placeholder {missing} in {pattern!r}") from None
        kind, argument = parse_generator(generator)
        specs.append(SecretSpec(name=join_path(name).lstrip("/"), generator=kind, argument=argument))
    return sorted(specs, key=lambda s: s.name)
