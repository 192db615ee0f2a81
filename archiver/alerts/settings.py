"""The `alerts:` section of sites.yaml. Pure.

Secrets never live here: the SMTP password comes from ARCHIVER_SMTP_PASSWORD and chat channel
URLs (which embed tokens) from ARCHIVER_APPRISE_URLS, both read by `archiver.app`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import time
from email.utils import parseaddr
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Protocol

from pydantic import AfterValidator, Field, field_validator, model_validator

from archiver.durations import Duration
from archiver.schema import SectionProblem, Strict

_ADDR_SPEC = re.compile(r"^[^@\s<>,;:\"()\[\]\\]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$")
_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class Mode(StrEnum):
    """When partner alerts of a channel go out."""

    IMMEDIATE = "immediate"  # one message per site and version, as soon as it is archived
    RUN = "run"  # one digest per `archiver check` run (the daemon: every `digest_interval`)
    DAILY = "daily"  # one digest a day at `digest_at`, in the top-level `timezone`


class Problem(StrEnum):
    """What an operator alert is about."""

    FAILING = "failing"  # the site failed `operator.failures` checks in a row
    UNPARSEABLE = "unparseable"  # the partner list turned into images / a scanned PDF
    SELECTOR_MISSING = "selector_missing"  # the configured selector matched nothing
    COLLAPSE_UNCONFIRMED = "collapse_unconfirmed"  # the list collapsed once, not twice
    STALE = "stale"  # the page has not changed for longer than `operator.stale_after`
    TRUNCATED = "truncated"  # cut off (page, document or capture budget): kept, not believed
    DISAGREED = "disagreed"  # a suspect list and its re-check read different lists
    LIST_IMAGE_CHANGED = "list_image_changed"  # the list is an image and the image changed


def check_address(value: str) -> str:
    """Accept 'a@b.org' or '名字 <a@b.org>'; refuse anything that could inject headers.

    >>> check_address("合规部 <compliance@example.org>")
    '合规部 <compliance@example.org>'
    """
    if any(ch in value for ch in "\r\n\0"):
        raise ValueError(f"an address must be on one line, got {value!r}")
    _, addr = parseaddr(value)
    if not addr or not _ADDR_SPEC.match(addr) or (value.strip() != addr and "<" not in value):
        raise ValueError(f"not an e-mail address: {value!r} (use a@b.org or 'Name <a@b.org>')")
    return value.strip()


def _check_clock(value: str) -> str:
    if not _CLOCK.match(value):
        raise ValueError(f"must be a time of day like '08:00', got {value!r}")
    return value


Address = Annotated[str, AfterValidator(check_address)]
Clock = Annotated[str, AfterValidator(_check_clock)]


class SmtpSettings(Strict):
    """An SMTP submission server; the password is ARCHIVER_SMTP_PASSWORD."""

    host: str
    port: int | None = Field(default=None, ge=1, le=65535)  # default: 465 with tls, else 587
    starttls: bool = True  # upgrade a plain connection (port 587); refused if not offered
    tls: bool = False  # implicit TLS from the first byte (port 465)
    username: str | None = None  # or ARCHIVER_SMTP_USERNAME
    timeout: Duration = 30.0
    ca_file: Path | None = None  # extra trusted CA (a private relay, the tests)
    local_hostname: str | None = None

    @model_validator(mode="after")
    def _one_kind_of_tls(self) -> SmtpSettings:
        if self.tls and self.starttls and "starttls" in self.model_fields_set:
            raise ValueError("choose 'starttls: true' (port 587) or 'tls: true' (port 465)")
        return self

    @property
    def security(self) -> str:
        """'tls', 'starttls' or 'none'."""
        if self.tls:
            return "tls"
        return "starttls" if self.starttls else "none"

    @property
    def effective_port(self) -> int:
        """The configured port, or the usual one for the TLS mode."""
        if self.port is not None:
            return self.port
        return 465 if self.tls else 587


class Delivery(Strict):
    """When a channel sends partner changes: at once, or in digests."""

    mode: Mode = Mode.IMMEDIATE
    digest_at: Clock = "08:00"  # daily mode: the digest's time of day, in `timezone`
    digest_interval: Duration = 3600.0  # run mode in the daemon: at most one digest per this

    @property
    def digest_time(self) -> time:
        """`digest_at` as a time of day.

        >>> Delivery(digest_at="07:30").digest_time
        datetime.time(7, 30)
        """
        hour, minute = (int(part) for part in self.digest_at.split(":"))
        return time(hour, minute)


class EmailSettings(Delivery):
    """Partner-change e-mails; without `smtp`, messages are written as .eml files."""

    enabled: bool = True
    smtp: SmtpSettings | None = None
    sender: Address = Field(default="archiver@localhost", alias="from")
    to: tuple[Address, ...] = ()  # everyone gets every site; sites add `recipients`/`groups`
    hide_recipients: bool = False  # True: addresses only in the envelope, not in To:


class ChatSettings(Delivery):
    """Apprise channels (Slack, DingTalk, WeCom, Feishu, webhooks) from ARCHIVER_APPRISE_URLS."""

    enabled: bool = True  # nothing is sent unless the environment names channels
    operator: bool = True  # also post operator alerts to the chat channels


class OperatorSettings(Strict):
    """Alerts for whoever runs the archiver, kept apart from partner alerts."""

    enabled: bool = True
    to: tuple[Address, ...] = ()  # default: alerts.email.to
    problems: tuple[Problem, ...] = tuple(Problem)
    failures: int = Field(default=3, ge=1)  # consecutive failed checks before alerting
    repeat_after: Duration = 86400.0  # one alert per site and problem per this period
    min_interval: Duration = 3600.0  # at most one operator message per this; others batch up
    stale_after: Duration | None = None  # e.g. 180d: alert when a page never changes

    @field_validator("repeat_after")
    @classmethod
    def _positive(cls, value: float) -> float:
        if value < 60:
            raise ValueError("repeat_after must be at least 1m")
        return value


class RetrySettings(Strict):
    """How failed deliveries are retried; they are retried until delivered."""

    initial: Duration = 60.0  # wait after the first failed attempt, doubled each time
    max: Duration = 3600.0  # longest wait between attempts
    quick_attempts: int = Field(default=2, ge=1, le=5)  # tries within one attempt
    quick_wait: Duration = 2.0  # first pause between those tries
    lease: Duration = 600.0  # a claimed attempt not finished by then is presumed crashed

    @model_validator(mode="after")
    def _ordered(self) -> RetrySettings:
        if self.initial > self.max:
            raise ValueError("retry.initial must not exceed retry.max")
        if self.lease < 60:
            raise ValueError("retry.lease must be at least 1m (longer than one SMTP send)")
        return self


class AlertSettings(Strict):
    """Where alerts go; with nothing configured, e-mails are written to <state_dir>/outbox/."""

    email: EmailSettings = EmailSettings()
    chat: ChatSettings = ChatSettings()
    operator: OperatorSettings = OperatorSettings()
    retry: RetrySettings = RetrySettings()
    groups: dict[str, tuple[Address, ...]] = Field(default_factory=dict)
    outbox_prefix: str = "outbox/"
    catch_up: Duration = 3 * 86400.0  # versions this recent that lack an alert get one
    diff_links: bool = True  # link the published diff page (public/sites/<id>/v<seq>.html)

    @field_validator("outbox_prefix")
    @classmethod
    def _prefix(cls, value: str) -> str:
        if not re.fullmatch(r"([a-z0-9_-]+/)+", value):
            raise ValueError(f"outbox_prefix must look like 'outbox/', got {value!r}")
        return value


class Routed(Protocol):
    """What routing reads of a site (`config.Site` is one; config imports this module)."""

    @property
    def id(self) -> str:
        """The site's id."""
        ...

    @property
    def groups(self) -> tuple[str, ...]:
        """Alert groups the site's changes go to."""
        ...

    @property
    def recipients(self) -> tuple[str, ...]:
        """Extra addresses of the site's changes."""
        ...


def unknown_groups(alerts: AlertSettings, sites: Iterable[Routed]) -> Iterator[SectionProblem]:
    """A rule between `sites` and `alerts` (a model validator of `config.Settings` runs it):
    every group a site names must exist, or its changes would silently reach nobody."""
    known = ", ".join(sorted(alerts.groups)) or "none defined"
    for index, site in enumerate(sites):
        for group in site.groups:
            if group not in alerts.groups:
                yield SectionProblem(
                    ("sites", index, "groups"),
                    f"no group {group!r} in alerts.groups (known: {known})",
                )
