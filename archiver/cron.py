"""Cron expressions: the one parser both the configuration and the scheduler use. Pure.

A cron expression is valid when APScheduler can build its trigger, so the configuration asks
the same constructor the daemon will (`schedule.trigger_for`), not a look-alike.
"""

from __future__ import annotations

from datetime import tzinfo

from apscheduler.triggers.cron import CronTrigger


def trigger(expression: str, zone: tzinfo) -> CronTrigger:
    """The trigger of a five-field crontab expression read in `zone`; ValueError if bad."""
    return CronTrigger.from_crontab(expression, timezone=zone)
