"""Pushes parsed images into ECR: creates repositories on demand and tags image manifests."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from ..common import aws
from .parser import ImageRef


@dataclass
class PushResult:
    created_repositories: list[str] = field(default_factory=list)
    pushed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def manifest_for(image: ImageRef) -> str:
    """A minimal OCI manifest that identifies the upstream image (the real blobs stay upstream)."""
    config_digest = "sha256:" + hashlib.sha256(image.source.encode()).hexdigest()
    return json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest, "size": 2},
            "layers": [],
            "annotations": {"org.opencontainers.image.source": image.source},
        },
        sort_keys=True,
    )


class Pusher:
    def __init__(self, ecr=None, prefix: str = ""):
        self.ecr = ecr or aws.client("ecr")
        self.prefix = prefix.strip("/")

    def repository_name(self, image: ImageRef) -> str:
        return f"{self.prefix}/{image.target}" if self.prefix else image.target

    def ensure_repository(self, name: str) -> bool:
        """Creates the repository when missing; True when it was created."""
        try:
            self.ecr.describe_repositories(repositoryNames=[name])
            return False
        except self.ecr.exceptions.RepositoryNotFoundException:
            self.ecr.create_repository(repositoryName=name, imageTagMutability="MUTABLE")
            return True

    def push(self, images: list[ImageRef]) -> PushResult:
        result = PushResult()
        for image in images:
            name = self.repository_name(image)
            if self.ensure_repository(name):
                result.created_repositories.append(name)
            manifest = manifest_for(image)
            tag = image.tag or "mirrored"
            existing = self.ecr.batch_get_image(repositoryName=name, imageIds=[{"imageTag": tag}]).get("images", [])
            if existing and existing[0].get("imageManifest") == manifest:
                result.unchanged.append(f"{name}:{tag}")
                continue
            self.ecr.put_image(repositoryName=name, imageManifest=manifest, imageTag=tag)
            result.pushed.append(f"{name}:{tag}")
        return result
