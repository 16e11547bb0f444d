"""One place that builds AWS clients.

Every script gets its clients here, so tests (and local emulators such as moto_server)
only need AWS_ENDPOINT_URL to redirect all calls.
"""
from __future__ import annotations

import os

import boto3

DEFAULT_REGION = "us-east-1"


def region() -> str:
    return os.environ.get("AWS_DEFAULT_REGION") or os.environ.get("AWS_REGION") or DEFAULT_REGION


def client(service: str):
    """A boto3 client for `service`, pointed at AWS_ENDPOINT_URL when it is set."""
    endpoint = os.environ.get("AWS_ENDPOINT_URL") or None
    return boto3.client(service, region_name=region(), endpoint_url=endpoint)
