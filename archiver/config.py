"""sites.yaml text -> Settings, with every problem reported at once. Pure: no I/O.

Each problem is one line: ``<file>:<line>: <where>: <what> (<hint>)``, for example
``config/sites.yaml:14: sites[3] (zhaolian-cfc).selecter: unknown key (did you mean 'selector'?)``.
Secrets never come from this file: S3 keys and the SMTP password are read from the
environment by `archiver.app`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

import yaml
from pydantic import Field, ValidationError, field_validator, model_validator

from archiver import config_lines, cron, localtime
from archiver.alerts.settings import Address, AlertSettings, unknown_groups
from archiver.cluster.index_settings import IndexSettings
from archiver.cluster.settings import QueueSettings
from archiver.discovery.settings import DiscoverySettings
from archiver.durations import Duration
from archiver.errors import ConfigError
from archiver.evidence.settings import EvidenceSettings, ObjectLock
from archiver.pagewords import NEXT_PAGE_WORDS
from archiver.publish.settings import PublishSettings
from archiver.schema import SectionProblem, Strict, section_problems_error
from archiver.urlpolicy import check_hosts, check_http_url

SITE_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")  # fullmatch: "$" would admit a newline
MAX_TIMEOUT_S = 600.0
DEFAULT_EVERY_S = 6 * 3600.0


class InstitutionType(StrEnum):
    """What kind of lender publishes the list."""

    JOINT_STOCK_BANK = "joint_stock_bank"
    CITY_BANK = "city_bank"
    RURAL_BANK = "rural_bank"
    PRIVATE_BANK = "private_bank"
    FOREIGN_BANK = "foreign_bank"
    DIRECT_BANK = "direct_bank"
    CONSUMER_FINANCE = "consumer_finance"
    AUTO_FINANCE = "auto_finance"
    TRUST = "trust"
    OTHER = "other"


class Pagination(Strict):
    """Follow "下一页"-style links to collect a list split across pages."""

    max_pages: int = Field(default=5, ge=1, le=100)
    next: tuple[str, ...] = NEXT_PAGE_WORDS


class CheckOptions(Strict):
    """How one site is checked; `defaults:` holds the same keys for every site."""

    every: Duration | None = None
    cron: str | None = None
    jitter: Duration = 60.0
    timeout: Duration = 45.0
    wait_for: str | None = None
    selector: str | None = None
    exclude: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    pagination: Pagination = Pagination()
    attachments: bool = True
    max_attachments: int = Field(default=10, ge=0, le=100)
    confirm_delay: Duration = 60.0
    user_agent: str | None = None
    recipients: tuple[Address, ...] = ()
    groups: tuple[str, ...] = ()
    discover: DiscoverySettings | None = None

    @field_validator("timeout")
    @classmethod
    def _positive_timeout(cls, value: float) -> float:
        if not 1 <= value <= MAX_TIMEOUT_S:
            raise ValueError(f"timeout must be between 1s and 10m, got {value:g}s")
        return value

    @field_validator("ignore")
    @classmethod
    def _regexes_compile(cls, patterns: tuple[str, ...]) -> tuple[str, ...]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"bad regular expression {pattern!r}: {exc}") from exc
        return patterns

    @model_validator(mode="after")
    def _one_schedule(self) -> CheckOptions:
        if self.every is not None and self.cron is not None:
            raise ValueError("give either 'every' or 'cron', not both")
        if self.every is not None and self.every < 60:
            raise ValueError("'every' must be at least 1m, so sites are not hammered")
        return self

    @property
    def interval_s(self) -> float | None:
        """Seconds between checks, or None when a cron expression schedules the site."""
        if self.cron is not None:
            return None
        return self.every if self.every is not None else DEFAULT_EVERY_S


class Site(CheckOptions):
    """One watched disclosure page (an institution's list or its announcement column)."""

    id: str
    name: str
    url: str
    type: InstitutionType = InstitutionType.OTHER
    legal_name: str = ""
    code: str = ""  # NFRA 机构编码
    verified: bool = False
    enabled: bool = True
    note: str = ""
    hosts: tuple[str, ...] = ()  # other hosts of the institution (the URL policy admits them)
    tls_verify: bool = True  # false: this site's certificate is not checked (recorded)

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not SITE_ID.fullmatch(value):
            raise ValueError(
                f"site id {value!r} must be lower-case letters, digits and '-' "
                "(e.g. 'zhaolian-cfc')"
            )
        return value

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        return check_http_url(value, "url")

    @field_validator("hosts")
    @classmethod
    def _host_names(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return check_hosts(value)

    @property
    def own_hosts(self) -> tuple[str, ...]:
        """Hosts the URL policy admits besides the URL's own site: `hosts` and
        `discover.hosts`."""
        listed = self.discover.hosts if self.discover is not None else ()
        return tuple(dict.fromkeys((*self.hosts, *listed)))


class LocalStorage(Strict):
    """A directory on this machine (the embedded default)."""

    kind: Literal["local"] = "local"
    path: Path = Path("./archive")
    public_base_url: str | None = None


class S3Storage(Strict):
    """Any S3-compatible endpoint; credentials come from the environment."""

    kind: Literal["s3"]
    bucket: str
    prefix: str = ""
    endpoint_url: str | None = None
    region: str = "us-east-1"
    public_base_url: str | None = None
    presign_expiry: Duration = 7 * 86400.0
    conditional_writes: bool = True
    addressing_style: Literal["auto", "path", "virtual"] = "auto"
    object_lock: ObjectLock | None = None

    @field_validator("presign_expiry")
    @classmethod
    def _at_most_a_week(cls, value: float) -> float:
        if not 1 <= value <= 7 * 86400:
            raise ValueError("presign_expiry must be between 1s and 7d (the S3 maximum)")
        return value


Storage = Annotated[LocalStorage | S3Storage, Field(discriminator="kind")]


class BrowserSettings(Strict):
    """The one Chromium this process drives."""

    executable: str | None = None
    concurrency: int = Field(default=2, ge=1, le=16)
    restart_after: int = Field(default=200, ge=1)
    user_agent: str | None = None
    screenshot: bool = True
    max_response_bytes: int = Field(default=20_000_000, ge=1)  # one kept response body
    max_attachment_bytes: int = Field(default=50_000_000, ge=1)  # one attachment, as sent
    max_decoded_bytes: int = Field(default=200_000_000, ge=1)  # one attachment, decompressed
    max_dom_chars: int = Field(default=20_000_000, ge=1000)  # DOM of a capture, in all
    max_text_chars: int = Field(default=5_000_000, ge=1000)  # visible text of a capture
    max_json_bodies: int = Field(default=100, ge=0)  # distinct XHR/fetch bodies kept
    max_json_bytes: int = Field(default=20_000_000, ge=0)  # their bytes, in all
    exit_after_unavailable: int = Field(default=5, ge=1)  # the daemon exits non-zero then


class NetworkSettings(Strict):
    """What captures may reach beyond the URL policy's host rule."""

    allow_private: bool = False  # loopback/private/link-local addresses (tests, intranets)


class Settings(Strict):
    """The whole configuration."""

    timezone: str = localtime.DEFAULT_TIMEZONE  # for people: CLI, pages, mails (JSON is UTC)
    storage: Storage = LocalStorage()
    state_dir: Path = Path("./var")
    index: IndexSettings | None = None  # None: SQLite in state_dir
    browser: BrowserSettings = BrowserSettings()
    network: NetworkSettings = NetworkSettings()
    defaults: CheckOptions = CheckOptions()
    alerts: AlertSettings = AlertSettings()
    publish: PublishSettings = PublishSettings()
    evidence: EvidenceSettings = EvidenceSettings()
    queue: QueueSettings | None = None  # the cluster's broker; absent: one process
    sites: tuple[Site, ...] = ()

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        localtime.zone(value)
        return value

    @model_validator(mode="after")
    def _sections_agree(self) -> Settings:
        """The rules between sections (`SECTION_RULES`), all checked, all reported."""
        found = [problem for rule in SECTION_RULES for problem in rule(self)]
        if found:
            raise section_problems_error(found)
        return self

    @property
    def zone(self) -> ZoneInfo:
        """The time zone people read times in."""
        return localtime.zone(self.timezone)

    def site(self, site_id: str) -> Site:
        """The site with this id; KeyError names the known ids."""
        for site in self.sites:
            if site.id == site_id:
                return site
        known = ", ".join(s.id for s in self.sites)
        hint = difflib.get_close_matches(site_id, [s.id for s in self.sites], n=1)
        extra = f" (did you mean {hint[0]!r}?)" if hint else ""
        raise KeyError(f"no site {site_id!r} in the configuration{extra}; known: {known}")


def _unique_site_ids(settings: Settings) -> Iterator[SectionProblem]:
    first_seen: dict[str, int] = {}
    for index, site in enumerate(settings.sites):
        if site.id in first_seen:
            yield SectionProblem(
                ("sites", index, "id"),
                f"duplicate site id (first used by sites[{first_seen[site.id]}])",
            )
        else:
            first_seen[site.id] = index


def _cron_expressions_parse(settings: Settings) -> Iterator[SectionProblem]:
    """Every `cron` builds the trigger the scheduler will, read in the top-level `timezone`."""
    for index, site in enumerate(settings.sites):
        if site.cron is not None:
            try:
                cron.trigger(site.cron, settings.zone)
            except ValueError as exc:
                yield SectionProblem(("sites", index, "cron"), str(exc))


def _alert_groups_exist(settings: Settings) -> Iterable[SectionProblem]:
    return unknown_groups(settings.alerts, settings.sites)


# Rules that read more than one section, run by `Settings._sections_agree` whenever a
# configuration is loaded or built. Each feature package owns its section's model; a rule
# between sections is one function here: `(Settings) -> SectionProblem`s.
SECTION_RULES: tuple[Callable[[Settings], Iterable[SectionProblem]], ...] = (
    _unique_site_ids,
    _cron_expressions_parse,
    _alert_groups_exist,
)


def load(text: str, *, path: str = "sites.yaml") -> Settings:
    """Parse and validate the YAML text; raise ConfigError listing every problem."""
    try:
        root_node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError([f"{path}{line}: not valid YAML: {problem}"]) from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError([f"{path}:1: the file must be a mapping with a 'sites:' list"])
    problems: list[str] = list(config_lines.duplicate_keys(root_node, path))
    data = _apply_defaults(data, root_node, path, problems)
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        problems.extend(
            config_lines.describe(error, data, root_node, path, Settings)
            for error in config_lines.unfolded(exc.errors())
        )
        raise ConfigError(config_lines.unique(problems)) from exc
    if problems:
        raise ConfigError(config_lines.unique(problems))
    return settings


def _apply_defaults(
    data: dict[str, Any], root: yaml.Node | None, path: str, problems: list[str]
) -> dict[str, Any]:
    """Copy valid `defaults:` keys into every site that does not set them."""
    raw_defaults = data.get("defaults") or {}
    if not isinstance(raw_defaults, dict):
        return data
    try:
        defaults = CheckOptions.model_validate(raw_defaults)
    except ValidationError as exc:
        wrapped = {"defaults": raw_defaults}
        for error in exc.errors():
            error["loc"] = ("defaults", *error["loc"])
            problems.append(config_lines.describe(error, wrapped, root, path, Settings))
        return {k: v for k, v in data.items() if k != "defaults"}
    inherited = {
        key: raw_defaults[key]
        for key in defaults.model_dump(exclude_unset=True)
        if key not in ("every", "cron")
    }
    schedule = {k: raw_defaults[k] for k in ("every", "cron") if k in raw_defaults}
    sites = data.get("sites")
    if not isinstance(sites, list):
        return data
    merged_sites = []
    for site in sites:
        if isinstance(site, dict):
            merged = {**inherited, **site}
            if "every" not in site and "cron" not in site:
                merged.update(schedule)
            merged_sites.append(merged)
        else:
            merged_sites.append(site)
    return {**data, "sites": merged_sites}
