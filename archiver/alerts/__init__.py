"""Alerts: partner-change emails and operator alerts, through a durable outbox."""
