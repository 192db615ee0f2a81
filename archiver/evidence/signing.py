"""Ed25519 keys and detached signatures (cryptography). Pure: bytes in, bytes out.

Keys are PEM: the private key PKCS#8 (`openssl genpkey -algorithm ed25519`), the public key
SubjectPublicKeyInfo (`openssl pkey -pubout`), so a third party checks a signature with
`openssl pkeyutl -verify -pubin -inkey key.pub -rawin -in X.json -sigfile X.sig`.
"""

from __future__ import annotations

import hashlib

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


class KeyError_(ValueError):
    """A key that cannot be used: not PEM, not Ed25519, or encrypted."""


def generate() -> bytes:
    """A new private key, as PKCS#8 PEM."""
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def load_private(pem: bytes) -> Ed25519PrivateKey:
    """The Ed25519 private key in a PEM document."""
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as exc:
        raise KeyError_(
            f"not an unencrypted PEM private key ({str(exc).splitlines()[0]})"
        ) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyError_(f"an Ed25519 key is needed, this is a {type(key).__name__}")
    return key


def load_public(pem: bytes) -> Ed25519PublicKey:
    """The Ed25519 public key in a PEM document."""
    try:
        key = serialization.load_pem_public_key(pem)
    except (ValueError, TypeError) as exc:
        raise KeyError_(f"not a PEM public key ({str(exc).splitlines()[0]})") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise KeyError_(f"an Ed25519 key is needed, this is a {type(key).__name__}")
    return key


def public_pem(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    """The public half as SubjectPublicKeyInfo PEM (what key.pub holds)."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def key_id(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """'sha256:<hex>' of the raw 32-byte public key: names the key in every checkpoint."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def sign(key: Ed25519PrivateKey, data: bytes) -> bytes:
    """The 64-byte Ed25519 signature of `data`."""
    return key.sign(data)


def verify(key: Ed25519PublicKey, data: bytes, signature: bytes) -> bool:
    """Whether `signature` is the key's signature of exactly `data`."""
    try:
        key.verify(signature, data)
    except InvalidSignature:
        return False
    return True
