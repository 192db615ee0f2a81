"""Which channels exist: mail (SMTP or the .eml spool) and Apprise chats, from settings + env.

Secrets arrive here as the `environ` mapping that `archiver.app` passes on; nothing else in
the alerts package sees them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from archiver.alerts.records import ChannelPlan, Family
from archiver.alerts.settings import AlertSettings, Mode
from archiver.alerts.spool import SpoolTransport
from archiver.alerts.transport import ChatTransport, MailTransport, chat_channels
from archiver.errors import ConfigError

EMAIL = "email"


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


def plans(
    settings: AlertSettings, chats: Sequence[ChatTransport], family: Family
) -> tuple[ChannelPlan, ...]:
    """The channels a new alert of `family` goes to; operator alerts are always batched."""
    found = []
    operator = family is Family.OPERATOR
    if settings.email.enabled:
        batched = operator or settings.email.mode is not Mode.IMMEDIATE
        found.append(ChannelPlan(name=EMAIL, batched=batched))
    if not operator or settings.chat.operator:
        batched = operator or settings.chat.mode is not Mode.IMMEDIATE
        found.extend(ChannelPlan(name=chat.name, batched=batched) for chat in chats)
    return tuple(found)
