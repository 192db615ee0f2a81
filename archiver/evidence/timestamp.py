"""RFC 3161 time-stamps: ask a TSA over HTTP, check what it answered (rfc3161-client).

A time-stamp proves that a checkpoint existed at the TSA's time: the TSA signs the sha256 of
the checkpoint's bytes. A third party checks it with `openssl ts -verify -data X.json -in
X.tsr -CAfile tsa-root.pem`, or `archiver verify --public ... --tsa-ca tsa-root.pem`.
"""

from __future__ import annotations

import hashlib
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime

from cryptography import x509
from rfc3161_client import (
    HashAlgorithm,
    PKIStatus,
    TimestampRequestBuilder,
    VerificationError,
    VerifierBuilder,
    decode_timestamp_response,
)

from archiver.errors import ArchiverError

_HASHES = {  # message imprint algorithms, by OID
    "2.16.840.1.101.3.4.2.1": "sha256",
    "2.16.840.1.101.3.4.2.2": "sha384",
    "2.16.840.1.101.3.4.2.3": "sha512",
}
QUERY_TYPE = "application/timestamp-query"
REPLY_TYPE = "application/timestamp-reply"


class TimestampError(ArchiverError):
    """The TSA could not be reached or did not grant a time-stamp; the checkpoint stands."""


@dataclass(frozen=True, slots=True)
class Stamp:
    """What a time-stamp says, and what is wrong with it."""

    time: datetime | None
    problems: list[str] = field(default_factory=list)
    trusted: bool = False  # checked against a root certificate the verifier was given


def request(url: str, data: bytes, *, timeout_s: float = 30.0) -> bytes:
    """The DER time-stamp response of a TSA for the sha256 of `data`."""
    query = (
        TimestampRequestBuilder()
        .data(data)
        .hash_algorithm(HashAlgorithm.SHA256)
        .nonce(nonce=True)
        .cert_request(cert_request=True)
    )
    body = query.build().as_bytes()
    post = urllib.request.Request(  # noqa: S310 (the TSA URL comes from the configuration)
        url, data=body, method="POST", headers={"Content-Type": QUERY_TYPE}
    )
    try:
        with urllib.request.urlopen(post, timeout=timeout_s) as answer:  # noqa: S310
            reply: bytes = answer.read()
    except (urllib.error.URLError, OSError) as exc:
        raise TimestampError(f"time-stamp authority {url}: {exc}") from exc
    stamp = check(reply, data)
    if stamp.problems:
        raise TimestampError(f"time-stamp authority {url}: {stamp.problems[0]}")
    return reply


def check(reply: bytes, data: bytes, *, root_pem: bytes | None = None) -> Stamp:
    """Whether `reply` time-stamps exactly `data` (and, given a root, is signed under it)."""
    try:
        response = decode_timestamp_response(reply)
    except ValueError as exc:
        return Stamp(None, [f"not a time-stamp response ({str(exc).splitlines()[0]})"])
    if response.status not in (PKIStatus.GRANTED, PKIStatus.GRANTED_WITH_MODS):
        return Stamp(None, [f"the TSA refused (status {response.status})"])
    info = response.tst_info
    imprint = info.message_imprint
    algorithm = _HASHES.get(imprint.hash_algorithm.dotted_string)
    if algorithm is None:
        return Stamp(info.gen_time, [f"unknown hash {imprint.hash_algorithm.dotted_string}"])
    if imprint.message != hashlib.new(algorithm, data).digest():
        return Stamp(info.gen_time, ["the time-stamp is for other bytes"])
    if root_pem is None:
        return Stamp(info.gen_time)
    try:
        roots = x509.load_pem_x509_certificates(root_pem)
        builder = VerifierBuilder()
        for root in roots:
            builder = builder.add_root_certificate(root)
        builder.build().verify_message(response, data)
    except (ValueError, VerificationError) as exc:
        reason = str(exc).split("(", 1)[0].strip()
        return Stamp(
            info.gen_time, [f"the TSA's signature does not verify under the root given ({reason})"]
        )
    return Stamp(info.gen_time, trusted=True)
