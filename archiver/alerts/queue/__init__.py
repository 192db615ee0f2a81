"""A generic create-only queue in the object store: items, claims (leases), receipts,
failures and resend requests, and delivering one unit exactly once. Knows nothing of alerts."""
