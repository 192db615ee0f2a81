"""Composition root: configuration file + environment -> real adapters -> Deps.

The only module that reads the environment. Secrets (S3 keys, SMTP password, chat URLs)
come from here and nowhere else.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from archiver import config
from archiver.adapters.browser import CaptureBudget, PlaywrightCapturer
from archiver.adapters.local_store import LocalStore
from archiver.adapters.s3_store import S3Store
from archiver.adapters.spool import SpoolTransport
from archiver.adapters.sqlite_index import SqliteIndex
from archiver.alerts.alerter import Alerter
from archiver.alerts.routing.channels import EMAIL
from archiver.alerts.settings import AlertSettings
from archiver.config import Settings
from archiver.errors import ConfigError
from archiver.partners import AliasTable, load_aliases
from archiver.pipeline import Deps
from archiver.ports import ChatTransport, CheckObserver, Index, MailTransport, ObjectStore
from archiver.publish.wiring import build_observer
from archiver.runner import Runner

DEFAULT_CONFIG = Path("config/sites.yaml")
ALIASES_FILE = "entities.yaml"
_NAMED = re.compile(r"^(?P<name>[a-z][a-z0-9-]{0,30})=(?P<url>[A-Za-z][A-Za-z0-9+.-]*://.+)$")
_SPLIT = re.compile(r"\s+|,\s*(?=[A-Za-z][A-Za-z0-9+.-]*://)|,\s*(?=[a-z][a-z0-9-]*=)")


def utc_now() -> datetime:
    """The real clock, aware UTC."""
    return datetime.now(UTC)


def config_path(explicit: str | None, environ: Mapping[str, str]) -> Path:
    """--config, else $ARCHIVER_CONFIG, else config/sites.yaml."""
    return Path(explicit or environ.get("ARCHIVER_CONFIG") or DEFAULT_CONFIG)


def load_settings(path: Path) -> Settings:
    """Read and validate the configuration file: every command loads it through here, and
    loading is validating (field rules, and the rules between sections in `Settings`), so
    `run`, `check` and `config check` refuse the same files with the same lines."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError([f"{path}: no such configuration file (use --config PATH)"]) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([f"{path}: cannot read: {exc}"]) from exc
    return config.load(text, path=str(path))


def alias_file(config_file: Path) -> Path:
    """Where the curated renames and groups live: entities.yaml beside the sites file."""
    return config_file.parent / ALIASES_FILE


def load_alias_table(config_file: Path) -> AliasTable:
    """config/entities.yaml beside the sites file; an empty table if there is none (the
    daemon and `config check` say so: without it, known renames are a drop and an add)."""
    path = alias_file(config_file)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return AliasTable()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([f"{path}: cannot read: {exc}"]) from exc
    return load_aliases(text, path=str(path))


def make_store(settings: Settings, environ: Mapping[str, str]) -> ObjectStore:
    """The configured object store; S3 credentials from the environment only."""
    storage = settings.storage
    if storage.kind == "local":
        return LocalStore(storage.path, public_base_url=storage.public_base_url)
    return S3Store(
        bucket=storage.bucket,
        prefix=storage.prefix,
        endpoint_url=storage.endpoint_url or environ.get("ARCHIVER_S3_ENDPOINT_URL"),
        region=storage.region,
        public_base_url=storage.public_base_url,
        presign_expiry_s=storage.presign_expiry,
        conditional_writes=storage.conditional_writes,
        addressing_style=storage.addressing_style,
        access_key_id=environ.get("ARCHIVER_S3_ACCESS_KEY_ID") or environ.get("AWS_ACCESS_KEY_ID"),
        secret_access_key=environ.get("ARCHIVER_S3_SECRET_ACCESS_KEY")
        or environ.get("AWS_SECRET_ACCESS_KEY"),
        session_token=environ.get("AWS_SESSION_TOKEN"),
        lock_mode=storage.object_lock.mode if storage.object_lock else None,
        lock_days=storage.object_lock.days if storage.object_lock else 0,
    )


def make_index(settings: Settings, environ: Mapping[str, str]) -> Index:
    """SQLite in state_dir, or the shared PostgreSQL of `index: {url}` (password from
    ARCHIVER_INDEX_PASSWORD, else libpq's PGPASSWORD or ~/.pgpass); IndexError_ when the
    database cannot be opened."""
    if settings.index is None:
        return SqliteIndex(settings.state_dir / "index.sqlite")
    from archiver.adapters.postgres_index import PostgresIndex  # noqa: PLC0415 - when configured

    return PostgresIndex(
        settings.index.url,
        password=environ.get("ARCHIVER_INDEX_PASSWORD") or None,
        pool_size=settings.index.pool_size,
        connect_timeout_s=settings.index.connect_timeout,
    )


def mail_transport(
    settings: AlertSettings, state_dir: Path, environ: Mapping[str, str]
) -> MailTransport:
    """SMTP when configured (password from ARCHIVER_SMTP_PASSWORD), else the .eml spool."""
    smtp = settings.email.smtp
    if smtp is None:
        return SpoolTransport(state_dir / "outbox")
    from archiver.adapters.smtp import SmtpTransport  # noqa: PLC0415 - only when configured

    username = smtp.username or environ.get("ARCHIVER_SMTP_USERNAME") or None
    password = environ.get("ARCHIVER_SMTP_PASSWORD")
    if username and not password:
        raise ConfigError(
            [
                f"alerts.email.smtp: username {username!r} is set but ARCHIVER_SMTP_PASSWORD "
                "is not in the environment"
            ]
        )
    return SmtpTransport(
        host=smtp.host,
        port=smtp.effective_port,
        security=smtp.security,
        username=username,
        password=password,
        timeout_s=smtp.timeout,
        ca_file=smtp.ca_file,
        local_hostname=smtp.local_hostname,
    )


def chat_transports(settings: AlertSettings, environ: Mapping[str, str]) -> list[ChatTransport]:
    """One Apprise transport per URL in ARCHIVER_APPRISE_URLS (none when unset)."""
    value = environ.get("ARCHIVER_APPRISE_URLS", "")
    if not settings.chat.enabled or not value.strip():
        return []
    try:
        from archiver.adapters.chat import AppriseTransport  # noqa: PLC0415 - optional extra
    except ImportError as exc:
        raise ConfigError(
            ["ARCHIVER_APPRISE_URLS is set but apprise is not installed (pip install apprise)"]
        ) from exc
    transports: list[ChatTransport] = []
    problems = []
    for name, url in chat_channels(value):
        if name == EMAIL or any(t.name == name for t in transports):
            problems.append(f"ARCHIVER_APPRISE_URLS: channel name {name!r} is used twice")
            continue
        try:
            transports.append(AppriseTransport(name, url))
        except ValueError as exc:
            problems.append(f"ARCHIVER_APPRISE_URLS: {exc}")
    if problems:
        raise ConfigError(problems)
    return transports


def chat_channels(value: str) -> list[tuple[str, str]]:
    """(name, URL) of each Apprise URL in ARCHIVER_APPRISE_URLS.

    URLs are separated by spaces, newlines or commas; `name=URL` names a channel, otherwise
    the name is derived from a hash of the URL (the URL itself is a secret).

    >>> chat_channels("ops=json://h/a, slack://t/b")
    [('ops', 'json://h/a'), ('chat-46ed7f38', 'slack://t/b')]
    """
    channels = []
    for item in _SPLIT.split(value.strip()):
        if not item:
            continue
        match = _NAMED.match(item)
        if match:
            channels.append((f"{match.group('name')}", match.group("url")))
        else:
            digest = hashlib.sha256(item.encode()).hexdigest()[:8]
            channels.append((f"chat-{digest}", item))
    return channels


def prove_write_once(store: ObjectStore) -> None:
    """Refuse a bucket where a manifest could be overwritten (see S3Store.prove_write_once)."""
    if isinstance(store, S3Store):
        store.prove_write_once()


@dataclass
class App:
    """Everything a command needs, built once; `close()` frees the browser and the index."""

    settings: Settings
    config_file: Path
    store: ObjectStore
    index: Index
    aliases: AliasTable
    environ: Mapping[str, str]
    capturer: PlaywrightCapturer | None = None
    observers: list[CheckObserver] = field(default_factory=list)
    _alerter: Alerter | None = None
    _write_once_proved: bool = False

    def writable_store(self) -> ObjectStore:
        """The store, once it has proved that what is written once stays written (a probe)."""
        if not self._write_once_proved:
            prove_write_once(self.store)
            self._write_once_proved = True
        return self.store

    def alerter(self) -> Alerter:
        """The alert outbox and its transports (built on first use: secrets only then)."""
        if self._alerter is None:
            self._alerter = Alerter.from_settings(
                self.settings,
                self.store,
                utc_now,
                mail=mail_transport(self.settings.alerts, self.settings.state_dir, self.environ),
                chats=chat_transports(self.settings.alerts, self.environ),
                history=self.index,
            )
        return self._alerter

    def browser(self) -> PlaywrightCapturer:
        """The process's one browser (started lazily)."""
        if self.capturer is None:
            b = self.settings.browser
            self.capturer = PlaywrightCapturer(
                executable=b.executable or self.environ.get("ARCHIVER_CHROMIUM"),
                concurrency=b.concurrency,
                restart_after=b.restart_after,
                user_agent=b.user_agent,
                budget=CaptureBudget(
                    max_dom_chars=b.max_dom_chars,
                    max_text_chars=b.max_text_chars,
                    max_json_bodies=b.max_json_bodies,
                    max_json_bytes=b.max_json_bytes,
                    max_response_bytes=b.max_response_bytes,
                    max_attachment_bytes=b.max_attachment_bytes,
                    max_decoded_bytes=b.max_decoded_bytes,
                ),
                allow_private=self.settings.network.allow_private,
                environ=self.environ,
            )
        return self.capturer

    def deps(self, *, screenshots: bool | None = None) -> Deps:
        """Dependencies of a check."""
        return Deps(
            store=self.writable_store(),
            capturer=self.browser(),
            index=self.index,
            aliases=self.aliases,
            now=utc_now,
            screenshots=self.settings.browser.screenshot if screenshots is None else screenshots,
            observers=(*self.observers, self.alerter()),
        )

    def runner(self, deps: Deps) -> Runner:
        """What `run` and `check` check with: one per-host gate that gives every configured
        site's hosts that site's own politeness."""
        return Runner(deps, sites=self.settings.sites)

    def close(self) -> None:
        """Release the browser and the index."""
        if self.capturer is not None:
            self.capturer.close()
            self.capturer = None
        self.index.close()


def build(config_file: Path, environ: Mapping[str, str]) -> App:
    """Load the configuration and build the adapters it names."""
    settings = load_settings(config_file)
    aliases = load_alias_table(config_file)
    store = make_store(settings, environ)
    index = make_index(settings, environ)
    publisher = build_observer(settings, store, health=index)
    return App(
        settings=settings,
        config_file=config_file,
        store=store,
        index=index,
        aliases=aliases,
        environ=environ,
        observers=[publisher] if publisher is not None else [],
    )
