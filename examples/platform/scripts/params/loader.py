"""Loads parameter files: JSON objects, nested, flattened into SSM-style paths.

    {"db": {"host": "x", "port": 5432}}  ->  {"/app/prod/db/host": "x", "/app/prod/db/port": "5432"}
"""
from __future__ import annotations

import json

from scripts.common.naming import join_path


class ParameterFileError(ValueError):
    pass


def flatten(tree: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        if not isinstance(key, str) or not key or "/" in key:
            raise ParameterFileError(f"invalid key {key!r} under {prefix or '/'}")
        path = join_path(prefix, key)
        if isinstance(value, dict):
            flat.update(flatten(value, path))
        elif isinstance(value, bool):
            flat[path] = "true" if value else "false"
        elif isinstance(value, (str, int, float)):
            flat[path] = str(value)
        elif isinstance(value, list):
            flat[path] = ",".join(str(v) for v in value)
        else:
            raise ParameterFileError(f"unsupported value at {path}: {value!r}")
    return flat


def load(text: str, app: str, env: str) -> dict[str, str]:
    try:
        tree = json.loads(text)
    except json.JSONDecodeError as e:
        raise ParameterFileError(f"not JSON: {e.msg} at line {e.lineno}") from None
    if not isinstance(tree, dict):
        raise ParameterFileError("a parameter file must hold a JSON object")
    return flatten(tree, join_path(app, env))
