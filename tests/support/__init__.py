"""Test builders and fakes: in-memory capturer, archives, alert sinks, the hostile corpus."""
