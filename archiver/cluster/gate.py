"""The cluster's per-host gate, configured from the sites as `run` and `check` configure theirs.

    gate = cluster_gate(redis.Redis.from_url(url), DiscoverySettings(), settings.sites, deps)
    runner = Runner(deps, sites=settings.sites, gate=gate)

Every worker that calls it with the same Redis shares one gate: one request per host at a
time across the cluster, each host spaced by the strictest politeness of the sites on it.
"""

from __future__ import annotations

from collections.abc import Iterable

import redis

from archiver.cluster.redis_gate import RedisHostGate
from archiver.config import Site
from archiver.discovery.settings import DiscoverySettings
from archiver.models import Politeness
from archiver.pipeline import Deps
from archiver.runner import configure_hosts

KEY_PREFIX = "archiver:gate:"


def cluster_gate(
    client: redis.Redis,
    settings: DiscoverySettings,
    sites: Iterable[Site],
    deps: Deps,
    *,
    key_prefix: str = KEY_PREFIX,
) -> RedisHostGate:
    """A RedisHostGate on Redis's clock with `settings`' delay and limits as the default
    (as `discovery.institution.make_gate`), every site's hosts given that site's politeness
    (`runner.configure_hosts`, as `App.runner` does), sleeping with `deps.sleep`."""
    gate = RedisHostGate(
        client,
        sleep=deps.sleep,
        default=Politeness(
            delay_s=settings.delay,
            block_after=settings.block_after,
            max_backoff_s=settings.max_backoff,
        ),
        key_prefix=key_prefix,
    )
    for site in sites:
        configure_hosts(gate, site)
    return gate
