"""Which channels a new alert goes to: mail and each chat transport, by family and mode. Pure.

The transports themselves are built from the settings and the environment by `archiver.app`.
"""

from __future__ import annotations

from collections.abc import Sequence

from archiver.alerts.messages.records import Destination, Family
from archiver.alerts.settings import AlertSettings, Mode
from archiver.ports import ChatTransport

EMAIL = "email"


def plans(
    settings: AlertSettings, chats: Sequence[ChatTransport], family: Family
) -> tuple[Destination, ...]:
    """The channels a new alert of `family` goes to; operator alerts are always batched."""
    found = []
    operator = family is Family.OPERATOR
    if settings.email.enabled:
        batched = operator or settings.email.mode is not Mode.IMMEDIATE
        found.append(Destination(name=EMAIL, batched=batched))
    if not operator or settings.chat.operator:
        batched = operator or settings.chat.mode is not Mode.IMMEDIATE
        found.extend(Destination(name=chat.name, batched=batched) for chat in chats)
    return tuple(found)
