"""The parameter flow against an in-process moto mock (unit tier: no server, no network)."""
import boto3
import pytest
from moto import mock_aws

from scripts.params import flow


@pytest.fixture
def ssm(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        yield boto3.client("ssm", region_name="us-east-1")


@pytest.mark.requirement("FR-020", "FR-022")
def test_apply_writes_new_and_changed_parameters(ssm):
    """Covers: FR-020, FR-022 (in-process moto: a unit test, not the integration test FR-022 asks for)"""
    ssm.put_parameter(Name="/billing/prod/db/host", Value="old", Type="String")
    changes = flow.apply('{"db": {"host": "new", "port": 5432}}', "billing", "prod", ssm=ssm)
    assert changes.changed == {"/billing/prod/db/host": ("old", "new")}
    assert ssm.get_parameter(Name="/billing/prod/db/port")["Parameter"]["Value"] == "5432"


def test_apply_keeps_unknown_parameters_unless_asked(ssm):
    ssm.put_parameter(Name="/billing/prod/legacy", Value="x", Type="String")
    flow.apply("{}", "billing", "prod", ssm=ssm)
    assert ssm.get_parameter(Name="/billing/prod/legacy")["Parameter"]["Value"] == "x"
    flow.apply("{}", "billing", "prod", ssm=ssm, delete=True)
    with pytest.raises(ssm.exceptions.ParameterNotFound):
        ssm.get_parameter(Name="/billing/prod/legacy")
