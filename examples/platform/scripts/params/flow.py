"""Applies a parameter file to SSM Parameter Store: diff against what exists, then write."""
from __future__ import annotations

from scripts.common import aws

from . import diff as _diff
from . import loader


def current_parameters(ssm, prefix: str) -> dict[str, str]:
    found: dict[str, str] = {}
    paginator = ssm.get_paginator("get_parameters_by_path")
    for page in paginator.paginate(Path=prefix, Recursive=True, WithDecryption=True):
        for p in page["Parameters"]:
            found[p["Name"]] = p["Value"]
    return found


def apply(text: str, app: str, env: str, ssm=None, delete: bool = False) -> _diff.ParamDiff:
    ssm = ssm or aws.client("ssm")
    desired = loader.load(text, app, env)
    prefix = "/" + app.strip("/") + "/" + env.strip("/")
    changes = _diff.diff(current_parameters(ssm, prefix), desired)
    for name, value in {**changes.added, **{k: v[1] for k, v in changes.changed.items()}}.items():
        ssm.put_parameter(Name=name, Value=value, Type="String", Overwrite=True)
    if delete and changes.removed:
        ssm.delete_parameters(Names=changes.removed)
    return changes
