"""Disclosure archiver: watches partner-list pages and keeps every version."""

__version__ = "0.1.0"
