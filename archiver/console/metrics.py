"""`archiver run --metrics 127.0.0.1:9108`: the daemon's health as Prometheus metrics.

Gauges are computed at scrape time from the same sources as `archiver status` (the index's
check log, the outbox, probes of the store and the mail server, cached for a minute), plus
counters of the checks this process ran. Listens on the address given, 127.0.0.1 unless the
operator chooses otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, start_http_server
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from archiver.app import utc_now
from archiver.console import probe
from archiver.console import status as st

if TYPE_CHECKING:
    from wsgiref.simple_server import WSGIServer

    from archiver.app import App
    from archiver.console.daemon import Watch

PROBE_TTL_S = 60.0


def parse_address(value: str) -> tuple[str, int]:
    """'127.0.0.1:9108' -> ('127.0.0.1', 9108); ValueError says what is wrong.

    >>> parse_address("127.0.0.1:9108"), parse_address(":9108")
    (('127.0.0.1', 9108), ('127.0.0.1', 9108))
    """
    host, sep, port = value.rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"--metrics wants HOST:PORT, e.g. 127.0.0.1:9108, got {value!r}")
    return host.strip("[]") or "127.0.0.1", int(port)


class Source(Collector):
    """Collects the daemon's metrics at scrape time."""

    def __init__(self, app: App, watch: Watch) -> None:
        self.app = app
        self.watch = watch
        self.store = st.Cached(lambda: st_probe_store(app), PROBE_TTL_S)
        self.mail = st.Cached(lambda: probe.mail(app.alerter().mail), PROBE_TTL_S)

    def collect(self) -> Iterator[Metric]:
        """One scrape."""
        app = self.app
        enabled = [site.id for site in app.settings.sites if site.enabled]
        last = app.index.last_checks()
        report = st.gather(
            enabled,
            last_checks=last,
            failures=app.index.consecutive_failures,
            alert_rows=app.alerter().status(),
            store=self.store.get(),
            mail=self.mail.get(),
            now=self.watch.now(),
        )
        sites = GaugeMetricFamily(
            "archiver_sites", "Enabled sites by the health of their last check", labels=["health"]
        )
        for health in st.HEALTH:
            sites.add_metric([health], report.by_health[health])
        yield sites
        oldest, newest = report.last_pass
        if newest is not None and oldest is not None:
            yield GaugeMetricFamily(
                "archiver_last_check_timestamp_seconds",
                "When the most recently checked site was checked",
                value=newest.timestamp(),
            )
            yield GaugeMetricFamily(
                "archiver_oldest_last_check_timestamp_seconds",
                "The last check of the site that has waited longest",
                value=oldest.timestamp(),
            )
        alerts = GaugeMetricFamily("archiver_alerts", "Alerts in the outbox", labels=["state"])
        alerts.add_metric(["owed"], report.alerts_owed)
        alerts.add_metric(["waiting_for_digest"], report.alerts_waiting)
        yield alerts
        yield GaugeMetricFamily(
            "archiver_store_up",
            "1 when the archive could be written and read back",
            value=float(all(f.ok for f in report.store)),
        )
        yield GaugeMetricFamily(
            "archiver_mail_up", "1 when the mail server answered", value=float(report.mail.ok)
        )
        checks = CounterMetricFamily(
            "archiver_checks", "Checks run by this process", labels=["outcome"]
        )
        for outcome, count in sorted(self.watch.outcomes.items()):
            checks.add_metric([outcome], count)
        yield checks
        yield GaugeMetricFamily(
            "archiver_checks_in_flight", "Checks running now", value=len(self.watch.in_flight())
        )


def st_probe_store(app: App) -> list[probe.Finding]:
    """The store probe, as the status uses it."""
    findings: list[probe.Finding] = probe.store(app.store, utc_now())
    return findings


def serve(address: tuple[str, int], source: Source) -> WSGIServer:
    """Start the exporter on its own thread; `shutdown()` the server to stop it."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(source)
    server, _thread = start_http_server(address[1], addr=address[0], registry=registry)
    return server
