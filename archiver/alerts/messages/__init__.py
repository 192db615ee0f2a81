"""What an alert says: the records the outbox keeps, how they are made from versions and
checks, batched into digests, and composed into messages with their links."""
