"""Integration fixtures. Tests fail, never skip: a missing service is an error the run must show.

`seams run integration` starts moto_server and probes Redis, and sets AWS_ENDPOINT_URL and
CACHE_URL (see seams.yaml services:).
"""
import os
import uuid

import pytest

from scripts.common import aws


def _require(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set: start the services with `seams run integration` (or `seams services up`)", pytrace=False)
    return value


@pytest.fixture(scope="session")
def aws_endpoint():
    endpoint = _require("AWS_ENDPOINT_URL")
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    return endpoint


@pytest.fixture
def run_prefix():
    """Unique per run and test, so parallel runs against one emulator do not collide."""
    return f"{os.environ.get('SEAMS_RUN_ID', 'local')}-{uuid.uuid4().hex[:8]}".lower()


@pytest.fixture
def ecr(aws_endpoint):
    return aws.client("ecr")


@pytest.fixture
def secretsmanager(aws_endpoint):
    return aws.client("secretsmanager")


@pytest.fixture
def cache_url():
    return os.environ.get("CACHE_URL") or _require("REDIS_URL")
