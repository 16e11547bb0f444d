"""Secret provisioning against moto_server.

Only the provisioner is exercised here: the specs are built by hand, so the template
rendering step of the workflow is not reached by any integration test (seams reports the
workflow as partially covered and names `secret-templates`).
"""
import pytest

from scripts.secrets.provisioner import Provisioner


class Spec:
    def __init__(self, name, value):
        self.name, self._value = name, value

    def value(self):
        return self._value


@pytest.mark.integration
@pytest.mark.requirement("FR-011")
def test_existing_secret_is_kept(secretsmanager, run_prefix):
    """Covers: FR-011"""
    name = f"{run_prefix}/db-password"
    secretsmanager.create_secret(Name=name, SecretString="original")
    report = Provisioner(secretsmanager).provision([Spec(name, "replacement")])
    assert report.kept == [name]
    assert secretsmanager.get_secret_value(SecretId=name)["SecretString"] == "original"


@pytest.mark.integration
def test_missing_secret_is_created(secretsmanager, run_prefix):
    name = f"{run_prefix}/api-token"
    report = Provisioner(secretsmanager, tags={"owner": "platform"}).provision([Spec(name, "s3cr3t")])
    assert report.created == [name]
    assert secretsmanager.describe_secret(SecretId=name)["Tags"] == [{"Key": "owner", "Value": "platform"}]
