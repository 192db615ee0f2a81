"""Times for people: one time zone (the top-level `timezone` setting, Asia/Shanghai by default)
for the CLI, the published pages and the mails. JSON and logs keep ISO 8601 in UTC. Pure.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIMEZONE = "Asia/Shanghai"


def zone(name: str = DEFAULT_TIMEZONE) -> ZoneInfo:
    """The time zone called `name`; ValueError names it when it does not exist.

    >>> zone("Mars/Olympus")
    Traceback (most recent call last):
    ValueError: unknown time zone 'Mars/Olympus' (e.g. 'Asia/Shanghai')
    """
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r} (e.g. 'Asia/Shanghai')") from exc


def offset(moment: datetime, where: ZoneInfo) -> str:
    """'UTC+08:00' for a moment in a zone.

    >>> from datetime import UTC
    >>> offset(datetime(2025, 10, 1, tzinfo=UTC), zone())
    'UTC+08:00'
    """
    delta = moment.astimezone(where).utcoffset() or timedelta(0)
    minutes = int(delta.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{mins:02d}"


def stamp(moment: datetime | None, where: ZoneInfo, *, seconds: bool = False) -> str:
    """'2025-10-01 16:00' in the zone ('–' for no time).

    >>> from datetime import UTC
    >>> stamp(datetime(2025, 10, 1, 8, 0, 5, tzinfo=UTC), zone(), seconds=True)
    '2025-10-01 16:00:05'
    """
    if moment is None:
        return "–"
    return moment.astimezone(where).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def zone_label(where: ZoneInfo, moment: datetime) -> str:
    """How pages and the CLI name the zone: '北京时间' for Asia/Shanghai, else the offset.

    >>> from datetime import UTC
    >>> new_year = datetime(2025, 1, 1, tzinfo=UTC)
    >>> zone_label(zone(), new_year), zone_label(zone("UTC"), new_year)
    ('北京时间', 'UTC+00:00')
    """
    if where.key in ("Asia/Shanghai", "Asia/Chongqing", "PRC"):
        return "北京时间"
    return offset(moment, where)
