"""Evidence a third party can check: WARC/WACZ, checkpoints, signatures, outside verification.

warc.py        PURE  what a capture fetched -> WARC records (recorded or reconstructed)
wacz.py        PURE  WARC files -> one WACZ 1.1.1 package (CDXJ, pages.jsonl, datapackage)
export.py            versions in the store -> WACZ file (the `archiver export` command)
checkpoint.py  PURE  signed checkpoints over every chain head, and their own chain
signing.py     PURE  Ed25519 keys and signatures (cryptography)
timestamp.py   EDGE  RFC 3161 time-stamps from a TSA over HTTP
notary.py            writes checkpoints into the store (create-only) and publishes them
audit.py             walks checkpoints, chains and blobs through a read-only source
sources.py     EDGE  read-only sources: an HTTP(S) prefix or a directory
settings.py    PURE  the `evidence:` section of sites.yaml, S3 Object Lock settings
cli.py               `archiver export`, `archiver checkpoint`, `archiver verify [--public]`
"""
