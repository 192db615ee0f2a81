"""A real SMTP server on 127.0.0.1, versions to alert about, and the alerter, for tests and
benchmarks.

    with SmtpSink() as sink:
        ...                          # send to 127.0.0.1:sink.port
        sink.wait_for(1)[0].message  # -> email.message.EmailMessage

Needs the dev extra (aiosmtpd; cryptography for `self_signed_certificate`).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

from archiver import app, archive, keys
from archiver.alerts.alerter import Alerter
from archiver.alerts.settings import AlertSettings
from archiver.archive import Blob
from archiver.models import (
    Belief,
    ListStatus,
    Manifest,
    Partner,
    PartnerEvent,
    StoredVersion,
)
from archiver.ports import ObjectStore


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@dataclass(frozen=True, slots=True)
class Received:
    """One message the sink accepted."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    data: bytes
    authenticated_as: str | None

    @property
    def message(self) -> EmailMessage:
        """The parsed message (headers decoded)."""
        parsed: EmailMessage = message_from_bytes(self.data, policy=default)
        return parsed


class SmtpSink:
    """aiosmtpd on 127.0.0.1 that keeps every message; TLS, auth and refusals on request."""

    def __init__(
        self,
        *,
        port: int = 0,
        tls: ssl.SSLContext | None = None,
        implicit_tls: bool = False,
        users: Mapping[str, str] | None = None,
        answer: Callable[[int], str | None] | None = None,
        refuse: Sequence[str] = (),
    ) -> None:
        """`answer(n)` may return an SMTP reply (e.g. '451 try later') for the n-th DATA;
        addresses in `refuse` are refused at RCPT TO with 550."""
        self.port = port or free_port()
        self.host = "127.0.0.1"
        self.tls = tls
        self.implicit_tls = implicit_tls
        self.users = dict(users or {})
        self.answer = answer
        self.refuse = {address.lower() for address in refuse}
        self.messages: list[Received] = []
        self.data_commands = 0
        self._changed = threading.Condition()
        self._controller: Any = None

    def start(self) -> SmtpSink:
        """Listen on the port."""
        from aiosmtpd.controller import Controller

        kwargs: dict[str, Any] = {}
        if self.tls is not None and self.implicit_tls:
            kwargs["ssl_context"] = self.tls
        elif self.tls is not None:
            kwargs["tls_context"] = self.tls
            kwargs["require_starttls"] = True
        if self.users:
            kwargs["authenticator"] = self._authenticate
            kwargs["auth_required"] = True
            kwargs["auth_require_tls"] = self.tls is not None
        self._controller = Controller(_Handler(self), hostname=self.host, port=self.port, **kwargs)
        self._controller.start()
        return self

    def stop(self) -> None:
        """Stop listening (the port is refused afterwards)."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def wait_for(self, count: int, timeout_s: float = 10.0) -> list[Received]:
        """Block until `count` messages arrived (or the timeout), then return them all."""
        deadline = time.monotonic() + timeout_s
        with self._changed:
            while len(self.messages) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._changed.wait(remaining)
            return list(self.messages)

    def _authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> Any:
        from aiosmtpd.smtp import AuthResult, LoginPassword

        if isinstance(auth_data, LoginPassword):
            login = auth_data.login.decode()
            if self.users.get(login) == auth_data.password.decode():
                return AuthResult(success=True, auth_data=login)
        return AuthResult(success=False, handled=False)

    def _accept(self, envelope: Any, session: Any) -> str:
        with self._changed:
            self.data_commands += 1
            number = self.data_commands
        reply = self.answer(number) if self.answer else None
        if reply:
            return reply
        login = getattr(session, "auth_data", None)
        received = Received(
            mail_from=envelope.mail_from,
            rcpt_tos=tuple(envelope.rcpt_tos),
            data=bytes(envelope.original_content or envelope.content),
            authenticated_as=login if isinstance(login, str) else None,
        )
        with self._changed:
            self.messages.append(received)
            self._changed.notify_all()
        return "250 Message accepted"


class _Handler:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address.lower() in self.sink.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        return self.sink._accept(envelope, session)


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """(certificate, key) PEM files for 127.0.0.1 and localhost, valid for a day."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    directory.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = directory / "smtp-cert.pem", directory / "smtp-key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def server_context(cert: Path, key: Path) -> ssl.SSLContext:
    """A server-side TLS context for SmtpSink."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


# --- archive builders ------------------------------------------------------------------------


def write_version(
    store: ObjectStore,
    site_id: str,
    *,
    partners: Sequence[Partner],
    events: Sequence[PartnerEvent] = (),
    captured_at: dt.datetime,
    previous: StoredVersion | None = None,
    list_status: ListStatus = ListStatus.OK,
    url: str = "https://example.org/list.html",
    screenshot: bytes | None = b"\x89PNG fake screenshot",
) -> StoredVersion:
    """Archive one version the way the pipeline does: blobs first, the manifest last."""
    text = "\n".join(p.raw for p in partners) + f"\n{captured_at.isoformat()}"
    blobs = [Blob("text", text.encode(), "text/plain; charset=utf-8")]
    if screenshot is not None:
        blobs.append(
            Blob("screenshot", screenshot + captured_at.isoformat().encode(), "image/png")
        )
    refs = [archive.put_blob(store, blob)[0] for blob in blobs]
    manifest = Manifest(
        site_id=site_id,
        seq=previous.manifest.seq + 1 if previous else 1,
        captured_at=captured_at,
        requested_url=url,
        final_url=url,
        http_status=200,
        browser_version="test",
        content_digest=keys.sha256_hex(text.encode()),
        blobs=tuple(refs),
        list_status=list_status,
        partners=tuple(partners),
        events=tuple(events),
        previous=archive.link_to(previous),
        belief=Belief.of_list(list_status),
    )
    stored = archive.write(store, manifest)
    if stored is None:
        raise RuntimeError(f"version {manifest.seq} of {site_id} already exists")
    return stored


def make_alerter(
    settings: AlertSettings,
    store: ObjectStore,
    state_dir: Path,
    environ: Mapping[str, str],
    now: Callable[[], dt.datetime],
    **options: Any,
) -> Alerter:
    """An Alerter with the transports `archiver.app` would build from this environment."""
    return Alerter(
        settings,
        store,
        now,
        **{
            "mail": app.mail_transport(settings, state_dir, environ),
            "chats": app.chat_transports(settings, environ),
            **options,  # a test may bring its own transport
        },
    )
