"""What the operator sees: exit codes, interrupts, one-line failures, summaries, status."""
