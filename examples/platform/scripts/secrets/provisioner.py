"""Creates missing secrets in AWS Secrets Manager; never overwrites an existing value."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from scripts.common import aws


@dataclass
class ProvisionReport:
    created: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


class Provisioner:
    def __init__(self, client=None, tags: dict[str, str] | None = None):
        self.sm = client or aws.client("secretsmanager")
        self.tags = [{"Key": k, "Value": v} for k, v in sorted((tags or {}).items())]

    def exists(self, name: str) -> bool:
        try:
            self.sm.describe_secret(SecretId=name)
            return True
        except self.sm.exceptions.ResourceNotFoundException:
            return False

    def provision(self, specs: Iterable) -> ProvisionReport:
        """`specs`: objects with `name` and `value()` (see secrets.templates.SecretSpec)."""
        report = ProvisionReport()
        for spec in specs:
            if self.exists(spec.name):
                report.kept.append(spec.name)
                continue
            kwargs = {"Name": spec.name, "SecretString": spec.value()}
            if self.tags:
                kwargs["Tags"] = self.tags
            self.sm.create_secret(**kwargs)
            report.created.append(spec.name)
        return report
