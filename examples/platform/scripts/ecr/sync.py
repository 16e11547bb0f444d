"""`python -m scripts.ecr.sync images.txt`: parse the image list and mirror it into ECR."""
from __future__ import annotations

import argparse
import sys

from . import parser
from .pusher import Pusher


def main(argv: list[str] | None = None) -> int:
    args = argparse.ArgumentParser(description=__doc__)
    args.add_argument("image_list")
    args.add_argument("--prefix", default="mirror")
    ns = args.parse_args(argv)
    with open(ns.image_list, encoding="utf-8") as f:
        images = parser.parse(f.read())
    result = Pusher(prefix=ns.prefix).push(images)
    print(f"created {len(result.created_repositories)} repositories, pushed {len(result.pushed)}, unchanged {len(result.unchanged)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
