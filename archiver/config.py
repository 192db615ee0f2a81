"""sites.yaml text -> Settings, with every problem reported at once. Pure: no I/O.

Each problem is one line: ``<file>:<line>: <where>: <what> (<hint>)``, for example
``config/sites.yaml:14: sites[3] (zhaolian-cfc).selecter: unknown key (did you mean 'selector'?)``.
Secrets never come from this file: S3 keys and the SMTP password are read from the
environment by `archiver.app`.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

import yaml
from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from archiver import localtime
from archiver.alerts.settings import AlertSettings
from archiver.cluster.settings import QueueSettings
from archiver.discovery.settings import DiscoverySettings
from archiver.durations import Duration
from archiver.errors import ConfigError
from archiver.evidence.settings import EvidenceSettings, ObjectLock
from archiver.pagewords import NEXT_PAGE_WORDS
from archiver.publish.settings import PublishSettings
from archiver.schema import Strict
from archiver.urlpolicy import check_hosts, check_http_url

SITE_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")  # fullmatch: "$" would admit a newline
MAX_TIMEOUT_S = 600.0
DEFAULT_EVERY_S = 6 * 3600.0
SECRET_WORDS = ("password", "secret", "token", "access_key", "api_key")
MOVED_KEYS = {  # keys of earlier releases, and where their setting lives now
    "timezone": "one time zone for everything: set the top-level 'timezone', e.g. Asia/Shanghai",
    "utc_offset_hours": "one time zone for everything: set the top-level 'timezone' instead",
}


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
    recipients: tuple[str, ...] = ()
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
    problems: list[str] = list(_duplicate_keys(root_node, path))
    data = _apply_defaults(data, root_node, path, problems)
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        problems.extend(_describe(error, data, root_node, path) for error in exc.errors())
        raise ConfigError(_unique(problems)) from exc
    problems.extend(_duplicate_ids(settings, root_node, path))
    if problems:
        raise ConfigError(_unique(problems))
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
            problems.append(_describe(error, wrapped, root, path))
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


def _describe(error: Any, data: dict[str, Any], root: yaml.Node | None, path: str) -> str:
    """One line for one pydantic error: file:line: where: what (hint)."""
    loc = tuple(error["loc"])
    kind = error["type"]
    if kind in {"union_tag_invalid", "union_tag_not_found"}:
        tag = (error.get("ctx") or {}).get("tag")
        what = "'kind' must be 'local' or 's3'" + (f", got {tag!r}" if tag else "")
    elif kind == "extra_forbidden":
        key = str(loc[-1])
        loc = (*loc[:-1], key)
        what = f"unknown key {key!r}"
        if key in MOVED_KEYS:
            what += f" ({MOVED_KEYS[key]})"
        elif any(word in key.lower() for word in SECRET_WORDS):
            what += " (secrets are read from the environment only, see README 'Secrets')"
        else:
            allowed = _allowed_keys(loc[:-1])
            close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            if close:
                what += f" (did you mean {close[0]!r}?)"
            elif allowed:
                what += f" (allowed: {', '.join(sorted(allowed))})"
    elif kind == "missing":
        what = "required key is missing"
    else:
        what = str(error["msg"]).removeprefix("Value error, ")
        if "input" in error and kind not in {"value_error"} and _is_scalar(error["input"]):
            what += f" (got {error['input']!r})"
    line = _line_of(root, loc)
    where = _where(loc, data)
    prefix = f"{path}:{line}" if line else path
    return f"{prefix}: {where}: {what}" if where else f"{prefix}: {what}"


def _where(loc: tuple[Any, ...], data: dict[str, Any]) -> str:
    parts: list[str] = []
    node: Any = data
    for item in loc:
        if isinstance(item, int):
            parts[-1:] = [f"{parts[-1] if parts else ''}[{item}]"]
            site_id = None
            if isinstance(node, list) and item < len(node) and isinstance(node[item], dict):
                site_id = node[item].get("id")
            if site_id and parts and parts[-1].startswith("sites["):
                shown = site_id if str(site_id).isprintable() else repr(site_id)
                parts[-1] += f" ({shown})"
        elif isinstance(item, str) and "[" not in item and item not in _UNION_TAGS:
            parts.append(item)
        node = _step(node, item)
    return ".".join(parts)


_UNION_TAGS = {"local", "s3"}


def _step(node: Any, item: Any) -> Any:
    if isinstance(node, dict):
        return node.get(item)
    if isinstance(node, list) and isinstance(item, int) and item < len(node):
        return node[item]
    return None


def _line_of(root: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """1-based line of the deepest YAML node on the path `loc`."""
    node = root
    line = node.start_mark.line + 1 if node is not None else None
    for item in loc:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node.value == item:
                    line = key_node.start_mark.line + 1
                    node = value_node
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(item, int):
            if item >= len(node.value):
                return line
            node = node.value[item]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def _allowed_keys(loc: tuple[Any, ...]) -> list[str]:
    """Field names of the model found at `loc` inside Settings."""
    model: Any = Settings
    for item in loc:
        if isinstance(item, int) or item in _UNION_TAGS:
            continue
        fields = getattr(model, "model_fields", None)
        if not fields or item not in fields:
            return []
        model = _model_in(fields[item].annotation)
        if model is None:
            return []
    fields = getattr(model, "model_fields", {})
    return [info.alias or name for name, info in fields.items()]


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The first pydantic model inside an annotation such as tuple[Site, ...] | None."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType, tuple, list, typing.Annotated):
        for arg in typing.get_args(annotation):
            found = _model_in(arg)
            if found is not None:
                return found
    return None


def _is_scalar(value: object) -> bool:
    return isinstance(value, str | int | float | bool) or value is None


def _duplicate_keys(node: yaml.Node | None, path: str, where: str = "") -> Iterator[str]:
    """Keys given twice in one mapping: YAML keeps the last silently, so a second `sites:`
    would drop the first list. Each is a problem with its line."""
    if isinstance(node, yaml.MappingNode):
        first: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            here = f"{where}.{key}" if where else key
            if key in first:
                yield (
                    f"{path}:{line}: {here}: duplicate key (first at line {first[key]}; "
                    "only one may be given)"
                )
            else:
                first[key] = line
            yield from _duplicate_keys(value_node, path, here)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _duplicate_keys(item, path, f"{where}[{index}]")


def _duplicate_ids(settings: Settings, root: yaml.Node | None, path: str) -> list[str]:
    problems = []
    first_seen: dict[str, int] = {}
    for index, site in enumerate(settings.sites):
        if site.id in first_seen:
            line = _line_of(root, ("sites", index, "id"))
            problems.append(
                f"{path}:{line}: sites[{index}] ({site.id}).id: duplicate site id "
                f"(first used by sites[{first_seen[site.id]}])"
            )
        else:
            first_seen[site.id] = index
    return problems


def _unique(lines: list[str]) -> list[str]:
    """Distinct problems, in the order of the lines they point at."""

    def line_number(problem: str) -> int:
        match = re.match(r"^[^:]*:(\d+):", problem)
        return int(match.group(1)) if match else 0

    return sorted(dict.fromkeys(lines), key=line_number)
