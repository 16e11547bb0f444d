"""ECR sync end to end against moto_server: parse a list, push it, push it again."""
import pytest

from scripts.ecr import parser
from scripts.ecr.pusher import Pusher

pytestmark = [pytest.mark.integration, pytest.mark.workflow("ecr-sync")]

IMAGES = """
docker.io/library/nginx:1.27 -> web/nginx
ghcr.io/acme/worker:2.4.1
"""


@pytest.mark.requirement("FR-001", "FR-002")
def test_sync_creates_repositories_and_tags(ecr, run_prefix):
    """Covers: FR-001, FR-002"""
    result = Pusher(ecr=ecr, prefix=run_prefix).push(parser.parse(IMAGES))
    assert sorted(result.created_repositories) == [f"{run_prefix}/acme/worker", f"{run_prefix}/web/nginx"]
    tags = ecr.list_images(repositoryName=f"{run_prefix}/web/nginx")["imageIds"]
    assert [t["imageTag"] for t in tags] == ["1.27"]


@pytest.mark.requirement("FR-005")
def test_second_sync_changes_nothing(ecr, run_prefix):
    """Covers: FR-005"""
    images = parser.parse(IMAGES)
    Pusher(ecr=ecr, prefix=run_prefix).push(images)
    again = Pusher(ecr=ecr, prefix=run_prefix).push(images)
    assert again.pushed == [] and len(again.unchanged) == 2
