"""Unit tests of the image list parser. Covers: FR-001, FR-002"""
import pytest

from scripts.ecr import parser
from scripts.ecr.parser import ImageListError, parse_line


def test_parses_a_full_list(image_list_text):
    """Covers: FR-001"""
    images = parser.parse(image_list_text)
    assert [i.target for i in images] == ["web/nginx", "acme/worker", "monitoring/node-exporter"]


@pytest.mark.parametrize(
    "line,target,reference",
    [
        ("docker.io/library/nginx:1.27", "library/nginx", "1.27"),
        ("docker.io/library/nginx:1.27 -> web/nginx", "web/nginx", "1.27"),
        ("ghcr.io/acme/worker_api:2.0 -> Jobs/Worker+API", "jobs/worker-api", "2.0"),
        ("quay.io/x/y@sha256:0123456789abcdef", "x/y", "sha256:0123456789abcdef"),
        ("registry.local/team/app", "team/app", "latest"),
    ],
)
def test_parse_line(line, target, reference):
    image = parse_line(line)
    assert image.target == target
    assert image.reference == reference


@pytest.mark.parametrize("line", ["", "   ", "# only a comment"])
def test_blank_and_comment_lines_are_ignored(line):
    assert parse_line(line) is None


@pytest.mark.parametrize("line", ["nginx", "docker.io/library/nginx:bad tag here", "a/b -> "], ids=["no-namespace", "spaces", "empty-target"])
def test_rejects_malformed_lines(line):
    with pytest.raises(ImageListError):
        parse_line(line, 7)


@pytest.mark.requirement("FR-003")
def test_duplicate_targets_are_rejected_with_both_lines():
    with pytest.raises(ImageListError, match="line 3: duplicate of line 1"):
        parser.parse("a/b:1 -> x\nc/d:2\ne/f:1 -> x\n")


def test_same_target_with_other_tags_is_fine():
    assert len(parser.parse("a/b:1 -> x\na/b:2 -> x\n")) == 2


@pytest.mark.skip(reason="multi-arch manifest lists are not supported yet (FR-004)")
def test_manifest_lists():
    parser.parse("docker.io/library/nginx:1.27 [linux/amd64,linux/arm64]")
