"""The `index:` section of sites.yaml: a shared PostgreSQL index instead of SQLite. Pure.

index:
  url: postgresql://archiver@127.0.0.1:5432/archiver   # absent: SQLite in state_dir
  pool_size: 4             # connections of one process (its checks run in threads)
  connect_timeout: 10s     # per connection attempt; a statement is tried on three

The password is never in this file: `archiver.app` passes ARCHIVER_INDEX_PASSWORD, and libpq
reads PGPASSWORD or ~/.pgpass by itself.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from pydantic import Field, field_validator

from archiver.durations import Duration
from archiver.schema import Strict

SCHEMES = ("postgresql", "postgres")
CREDENTIALS_FROM_ENVIRONMENT = (
    "a password in the URL is refused: put it in ARCHIVER_INDEX_PASSWORD "
    "(or PGPASSWORD, ~/.pgpass) in the environment"
)


def check_url(value: str) -> str:
    """A PostgreSQL URL without a password, or ValueError saying what is wrong.

    >>> check_url("postgresql://archiver@db:5432/archiver")
    'postgresql://archiver@db:5432/archiver'
    >>> check_url("postgresql://archiver:hunter2@db/archiver")
    Traceback (most recent call last):
    ValueError: a password in the URL is refused: ...
    """
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"not a valid URL: {exc}") from exc
    if parts.scheme not in SCHEMES:
        raise ValueError(
            "must be a postgresql:// URL, e.g. postgresql://archiver@db:5432/archiver"
        )
    if parts.password is not None or "password" in parse_qs(parts.query):
        raise ValueError(CREDENTIALS_FROM_ENVIRONMENT)
    if port == 0:
        raise ValueError("the port must be between 1 and 65535")
    return value.strip()


class IndexSettings(Strict):
    """Where the derived index lives when several processes share it."""

    url: str
    pool_size: int = Field(default=4, ge=1, le=64)
    connect_timeout: Duration = 10.0

    @field_validator("url")
    @classmethod
    def _postgres_url(cls, value: str) -> str:
        return check_url(value)

    @field_validator("connect_timeout")
    @classmethod
    def _sensible_timeout(cls, value: float) -> float:
        if not 1 <= value <= 120:
            raise ValueError(f"connect_timeout must be between 1s and 2m, got {value:g}s")
        return value


def summary(settings: IndexSettings | None, state_dir: Path) -> str:
    """Where the index is, for `config check`.

    >>> summary(None, Path("var"))
    'SQLite in var'
    """
    return settings.url if settings is not None else f"SQLite in {state_dir}"
