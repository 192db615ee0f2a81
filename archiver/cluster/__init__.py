"""Running on a cluster: Celery workers on a Redis broker, politeness, leases and the
scheduler's leadership held in Redis (issue 14). Absent `queue:` in the configuration, none of
this is used: the daemon stays one process with SQLite and a local directory."""
