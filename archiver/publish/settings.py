"""The `publish:` section of sites.yaml. Pure.

publish:
  prefix: public/          # where pages, JSON and feeds go in the store
  on_change: true          # the daemon republishes (incrementally) after each new version
  links: auto              # auto | relative | presigned (auto: presigned for an S3 bucket
                           # without storage.public_base_url, relative otherwise)
  base_url: null           # absolute URL of the published prefix, for feeds and alerts
  raw_roles: [text, screenshot, dom, response, response_headers, json, attachment, image]
  archived_page: true      # also show the archived DOM in a sandboxed iframe
  feed_entries: 50
  title: 互联网助贷合作机构名单档案
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator

from archiver.schema import Strict

DEFAULT_PREFIX = "public/"
RAW_ROLES = (
    "text",
    "screenshot",
    "dom",
    "response",
    "response_headers",
    "json",
    "attachment",
    "image",
    "visible_text",
    "diff",
)
RESERVED_PREFIXES = ("blobs/", "sites/")  # the archive's own keys (archiver.keys)


class PublishSettings(Strict):
    """How the history is published into the store."""

    prefix: str = DEFAULT_PREFIX
    on_change: bool = True
    links: Literal["auto", "relative", "presigned"] = "auto"
    base_url: str | None = None
    raw_roles: tuple[str, ...] = RAW_ROLES[:8]
    archived_page: bool = True
    feed_entries: int = Field(default=50, ge=1, le=1000)
    title: str = "互联网助贷合作机构名单档案"

    @field_validator("prefix")
    @classmethod
    def _plain_prefix(cls, value: str) -> str:
        segments = value.split("/")[:-1]
        if not re.fullmatch(r"([A-Za-z0-9._-]+/)+", value) or {".", ".."} & set(segments):
            raise ValueError(
                f"prefix must be one or more plain path segments ending in '/', "
                f"e.g. 'public/', got {value!r}"
            )
        if value.startswith(RESERVED_PREFIXES):
            raise ValueError(
                f"prefix {value!r} would mix published pages with the archive itself "
                f"(keys under {' and '.join(RESERVED_PREFIXES)}); use e.g. 'public/'"
            )
        return value

    @field_validator("base_url")
    @classmethod
    def _http_base(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not re.match(r"^https?://[^/\s]+", value):
            raise ValueError(f"base_url must start with http:// or https://, got {value!r}")
        return value if value.endswith("/") else value + "/"

    @field_validator("raw_roles")
    @classmethod
    def _known_roles(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [role for role in value if role not in RAW_ROLES]
        if unknown:
            raise ValueError(
                f"unknown blob role(s) {', '.join(map(repr, unknown))} "
                f"(allowed: {', '.join(RAW_ROLES)})"
            )
        return value
