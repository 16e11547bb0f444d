"""Parses the image list that says which upstream images the platform mirrors into ECR.

Format, one image per line (comments with #):

    docker.io/library/nginx:1.27   -> web/nginx
    ghcr.io/acme/worker@sha256:ab…  -> jobs/worker
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..common.naming import slug

_LINE = re.compile(r"^(?P<source>\S+?)(?::(?P<tag>[\w.-]+)|@(?P<digest>sha256:[0-9a-f]{8,64}))?\s*(?:->\s*(?P<target>\S+))?$")


class ImageListError(ValueError):
    def __init__(self, line_no: int, text: str, reason: str):
        super().__init__(f"line {line_no}: {reason}: {text!r}")
        self.line_no = line_no


@dataclass(frozen=True)
class ImageRef:
    source: str
    tag: str | None
    digest: str | None
    target: str

    @property
    def reference(self) -> str:
        """The tag or digest to push under (digest images keep their digest)."""
        return self.tag or self.digest or "latest"


def parse_line(text: str, line_no: int = 1) -> ImageRef | None:
    stripped = text.split("#", 1)[0].strip()
    if not stripped:
        return None
    match = _LINE.match(stripped)
    if not match:
        raise ImageListError(line_no, text, "not an image reference")
    source = match["source"]
    if "/" not in source:
        raise ImageListError(line_no, text, "image needs a registry or namespace")
    target = match["target"] or source.split("/", 1)[1]
    return ImageRef(source=source, tag=match["tag"], digest=match["digest"], target=slug(target))


def parse(text: str) -> list[ImageRef]:
    """All images of a list, in order; duplicate targets with the same reference are an error."""
    images: list[ImageRef] = []
    seen: dict[tuple[str, str], int] = {}
    for line_no, line in enumerate(text.splitlines(), start=1):
        image = parse_line(line, line_no)
        if image is None:
            continue
        key = (image.target, image.reference)
        if key in seen:
            raise ImageListError(line_no, line, f"duplicate of line {seen[key]}")
        seen[key] = line_no
        images.append(image)
    return images
