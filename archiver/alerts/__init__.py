"""Alerts: partner-change e-mails and operator alerts, through a durable outbox.

settings.py   the `alerts:` section of sites.yaml
alerter.py    the CheckObserver: queues alerts, assembles digests, delivers (the one
              module that puts the three groups below together)
queue/        a generic create-only queue in the object store, knowing nothing of alerts:
              objects.py (claims, receipts, failures, keys), store.py (`Queue`),
              delivery.py (one unit exactly once: claim, lease, send, receipt)
outbox.py     `Outbox`: alert records in that queue
messages/     what an alert says: records.py (the records and their ids), changes.py
              (a version -> a partner alert), operator.py (checks -> operator notices),
              digest.py (numbered batches), compose.py (records -> mail and chat text),
              links.py (the links a message carries)
routing/      where it goes: channels.py (which channels), addressing.py (who reads
              what), dispatch.py (a record -> the units it owes, each with its send)
status.py, cli.py   `archiver outbox`
"""
