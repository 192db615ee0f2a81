"""The `evidence:` section of sites.yaml and S3 Object Lock settings. Pure.

storage: {kind: s3, bucket: b, object_lock: {mode: compliance, days: 3650}}
evidence:
  checkpoint_every: 1h       # the daemon signs a checkpoint this often (when a head moved)
  timestamp_url: null        # an RFC 3161 time-stamp authority, e.g. https://freetsa.org/tsr
  timestamp_ca: null         # PEM file of the TSA's root certificate, to check its replies
  wacz: true                 # each published version page links a WACZ of that version

The signing key is a secret: it comes from the environment (`ARCHIVER_SIGNING_KEY`, PEM text
or the path of a PEM file), never from this file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator

from archiver.durations import Duration
from archiver.schema import Strict

SIGNING_KEY_ENV = "ARCHIVER_SIGNING_KEY"


class ObjectLock(Strict):
    """S3 Object Lock retention put on every blob, manifest and checkpoint written."""

    mode: Literal["governance", "compliance"]
    days: int = Field(ge=1, le=36500)


class EvidenceSettings(Strict):
    """Checkpoints, time-stamps and WACZ publishing."""

    checkpoint_every: Duration = 3600.0
    timestamp_url: str | None = None
    timestamp_ca: Path | None = None
    wacz: bool = True

    @field_validator("checkpoint_every")
    @classmethod
    def _at_least_a_minute(cls, value: float) -> float:
        if value < 60:
            raise ValueError("checkpoint_every must be at least 1m")
        return value

    @field_validator("timestamp_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^/\s]+", value):
            raise ValueError(f"timestamp_url must start with http:// or https://, got {value!r}")
        return value
