"""SpoolTransport: mail written as .eml files under <state_dir>/outbox/ (no SMTP configured)."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path

from archiver.errors import DeliveryFailed
from archiver.ports import MailReceipt


class SpoolTransport:
    """Writes each message atomically to <directory>/<message-id>.eml; opens with any client."""

    name = "spool"

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def describe(self) -> str:
        """The spool directory."""
        return f"{self.directory}/*.eml"

    def probe(self) -> str:
        """Check that the spool directory can be written (creating it if need be)."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryFile(dir=self.directory, prefix=".probe-"):
                pass
        except OSError as exc:
            raise DeliveryFailed(
                f"cannot write {self.directory}: {exc.strerror or exc}",
                transient=True,
                unreachable=True,
            ) from exc
        return self.describe()

    def send(
        self, data: bytes, *, sender: str, recipients: Sequence[str], message_id: str
    ) -> MailReceipt:
        """Write the file (the same message always lands in the same file)."""
        del sender
        name = re.sub(r"[^A-Za-z0-9.@-]+", "_", message_id.strip("<>")) + ".eml"
        path = self.directory / name
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".spool-")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(tmp, path)
                tmp = ""
            finally:
                if tmp:
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(tmp)
        except OSError as exc:
            raise DeliveryFailed(
                f"cannot write {path}: {exc.strerror or exc}", transient=True, unreachable=True
            ) from exc
        return MailReceipt(accepted=len(recipients), where=str(path))
