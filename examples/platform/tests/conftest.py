import pytest


@pytest.fixture
def image_list_text():
    return "\n".join(
        [
            "# upstream images mirrored for the web tier",
            "docker.io/library/nginx:1.27 -> web/nginx",
            "ghcr.io/acme/worker:2.4.1",
            "",
            "quay.io/prometheus/node-exporter@sha256:0123456789abcdef -> monitoring/node-exporter",
        ]
    )
