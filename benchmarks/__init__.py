"""Benchmarks: re-runnable figures, see benchmarks/README.md."""
