"""SmtpTransport: mail through an SMTP submission server. The only module that imports smtplib."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from email.utils import parseaddr
from pathlib import Path

from archiver.errors import DeliveryFailed
from archiver.ports import MailReceipt


class SmtpTransport:
    """One connection per message: STARTTLS, implicit TLS or plain, with optional login."""

    name = "smtp"

    def __init__(
        self,
        *,
        host: str,
        port: int,
        security: str = "starttls",
        username: str | None = None,
        password: str | None = None,
        timeout_s: float = 30.0,
        ca_file: Path | None = None,
        local_hostname: str | None = None,
    ) -> None:
        if security not in ("starttls", "tls", "none"):
            raise ValueError(f"security must be starttls, tls or none, got {security!r}")
        if username and password is None:
            raise ValueError("an SMTP username needs a password (ARCHIVER_SMTP_PASSWORD)")
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self.password = password
        self.timeout_s = timeout_s
        self.ca_file = ca_file
        self.local_hostname = local_hostname

    def describe(self) -> str:
        """smtp://host:port (security), without credentials."""
        user = f"{self.username}@" if self.username else ""
        return f"smtp://{user}{self.host}:{self.port} ({self.security})"

    def _context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca_file) if self.ca_file else None)

    def _connect(self) -> smtplib.SMTP:
        if self.security == "tls":
            return smtplib.SMTP_SSL(
                self.host,
                self.port,
                timeout=self.timeout_s,
                context=self._context(),
                local_hostname=self.local_hostname,
            )
        return smtplib.SMTP(
            self.host, self.port, timeout=self.timeout_s, local_hostname=self.local_hostname
        )

    @property
    def _where(self) -> str:
        return f"{self.host}:{self.port}"

    def probe(self) -> str:
        """Connect, say EHLO, STARTTLS and log in as a send would, then QUIT; send nothing."""
        with self._session(message_id="") as smtp:
            smtp.noop()
        return self.describe()

    @contextmanager
    def _session(self, *, message_id: str) -> Iterator[smtplib.SMTP]:
        """A connection ready to send; library errors become DeliveryFailed."""
        where = self._where
        try:
            with self._connect() as smtp:
                smtp.ehlo()
                if self.security == "starttls":
                    self._starttls(smtp)
                if self.username:
                    smtp.login(self.username, self.password or "")
                yield smtp
        except smtplib.SMTPAuthenticationError as exc:
            raise DeliveryFailed(
                f"{where} refused the login of {self.username!r}: {_reply(exc)}", transient=False
            ) from exc
        except smtplib.SMTPResponseException as exc:
            raise DeliveryFailed(
                f"{where} answered {_reply(exc)}",
                transient=400 <= exc.smtp_code < 500,
                unreachable=isinstance(exc, smtplib.SMTPConnectError),
            ) from exc
        except smtplib.SMTPException as exc:  # disconnected, not supported, ...
            raise DeliveryFailed(f"{where}: {exc}", transient=True, unreachable=True) from exc
        except ssl.SSLCertVerificationError as exc:
            raise DeliveryFailed(
                f"{where}: TLS certificate not trusted ({exc.verify_message}); "
                "set alerts.email.smtp.ca_file for a private CA",
                transient=False,
                unreachable=True,
            ) from exc
        except OSError as exc:  # refused, reset, timeout, DNS, TLS handshake
            reason = exc.strerror or type(exc).__name__
            raise DeliveryFailed(
                f"cannot reach {where}: {reason}", transient=True, unreachable=True
            ) from exc

    def _starttls(self, smtp: smtplib.SMTP) -> None:
        if not smtp.has_extn("starttls"):
            raise DeliveryFailed(
                f"{self._where} does not offer STARTTLS; refusing to send in clear text "
                "(set starttls: false only for a trusted local relay)",
                transient=False,
            )
        smtp.starttls(context=self._context())
        smtp.ehlo()

    def send(
        self, data: bytes, *, sender: str, recipients: Sequence[str], message_id: str
    ) -> MailReceipt:
        """Deliver the bytes; library errors become DeliveryFailed with a retry verdict."""
        envelope_from = parseaddr(sender)[1]
        envelope_to = [parseaddr(r)[1] for r in recipients]
        with self._session(message_id=message_id) as smtp:
            try:
                refused = smtp.sendmail(envelope_from, envelope_to, data)
            except smtplib.SMTPRecipientsRefused as exc:
                codes = [code for code, _ in exc.recipients.values()]
                raise DeliveryFailed(
                    f"{self._where} refused every recipient of {message_id}: {sorted(set(codes))}",
                    transient=any(400 <= code < 500 for code in codes),
                ) from exc
        return MailReceipt(
            accepted=len(envelope_to) - len(refused), refused=tuple(sorted(refused))
        )


def _reply(exc: smtplib.SMTPResponseException) -> str:
    message = exc.smtp_error
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)
    return f"{exc.smtp_code} {text.splitlines()[0] if text else ''}".strip()
