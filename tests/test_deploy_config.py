"""The compose deployment's configuration, assembled the way deploy/Dockerfile assembles it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from archiver import config

ROOT = Path(__file__).parent.parent


def assemble_like_the_dockerfile() -> str:
    """Run the very shell line of the Dockerfile that writes deploy/sites.compose.yaml."""
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text(encoding="utf-8")
    match = re.search(r"RUN (\{ cat deploy/compose\.settings\.yaml;.*?\})", dockerfile, re.S)
    assert match is not None, "the Dockerfile no longer assembles deploy/sites.compose.yaml"
    return subprocess.run(
        ["/bin/sh", "-c", match.group(1)], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout


def test_the_compose_configuration_is_valid_and_watches_every_shipped_site() -> None:
    shipped = config.load((ROOT / "config" / "sites.yaml").read_text(encoding="utf-8"))
    compose = config.load(assemble_like_the_dockerfile(), path="deploy/sites.compose.yaml")
    assert compose.storage.kind == "s3"
    assert [site.id for site in compose.sites] == [site.id for site in shipped.sites]
    assert compose.alerts.email.smtp is not None
    assert compose.alerts.email.smtp.host == "mail"
