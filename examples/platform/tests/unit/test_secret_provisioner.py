import boto3
import pytest
from botocore.stub import Stubber

from scripts.secrets.provisioner import Provisioner
from scripts.secrets.templates import SecretSpec


@pytest.fixture
def sm():
    client = boto3.client("secretsmanager", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(client) as stub:
        yield client, stub


@pytest.mark.requirement("FR-011")
def test_existing_secrets_are_never_overwritten(sm):
    client, stub = sm
    stub.add_response("describe_secret", {"Name": "prod/a"}, {"SecretId": "prod/a"})
    report = Provisioner(client).provision([SecretSpec("prod/a", "literal", "v")])
    assert report.kept == ["prod/a"] and report.created == []


def test_missing_secrets_are_created_with_tags(sm):
    client, stub = sm
    stub.add_client_error("describe_secret", "ResourceNotFoundException")
    stub.add_response(
        "create_secret",
        {"Name": "prod/b"},
        {"Name": "prod/b", "SecretString": "v", "Tags": [{"Key": "owner", "Value": "platform"}]},
    )
    report = Provisioner(client, tags={"owner": "platform"}).provision([SecretSpec("prod/b", "literal", "v")])
    assert report.created == ["prod/b"]
