"""Capture -> Disclosure: the canonical text, the partner list, the status, the digest. Pure."""

from __future__ import annotations

from archiver import codec, keys, noise
from archiver.classify import classify
from archiver.models import Capture, Disclosure, ListStatus, PageStatus, Partner
from archiver.partners import AliasTable, extract

# Fields of a partner as published; derived fields (match key, entity) stay out of the digest
# so that improving the normaliser never makes an unchanged page look changed.
PUBLISHED_FIELDS = ("raw", "category_raw", "products", "period", "hotline", "remark")


def disclosure(
    capture: Capture,
    *,
    aliases: AliasTable,
    ignore: tuple[str, ...] = (),
    own_names: tuple[str, ...] = (),
) -> Disclosure:
    """Everything the comparison needs from one capture.

    `own_names` are the publisher's names, never read as its own partners.
    """
    extraction = extract(capture, aliases=aliases, ignore=ignore, own_names=own_names)
    parts = [noise.strip_noise(capture.text, ignore)]
    for url, text in extraction.document_texts:
        name = url.rsplit("/", 1)[-1].split("?", 1)[0]
        parts.append(f"[附件 {name}]\n{noise.strip_noise(text, ignore)}")
    text = "\n".join(part for part in parts if part)
    status, reason = classify(
        capture,
        text,
        has_list=extraction.list_status is ListStatus.OK and bool(extraction.partners),
    )
    return Disclosure(
        text=text,
        partners=extraction.partners,
        digest=content_digest(text, extraction.partners, capture),
        status=status,
        reason=reason,
        list_status=extraction.list_status,
        list_note=extraction.list_note,
        as_of=extraction.as_of,
        suspect=f"truncated: {extraction.truncated}" if extraction.truncated else "",
    )


def content_digest(text: str, partners: tuple[Partner, ...], capture: Capture) -> str:
    """sha256 over what the institution published: text, partner fields, list images."""
    published = [
        {name: codec.to_data(getattr(partner, name)) for name in PUBLISHED_FIELDS}
        for partner in partners
    ]
    images = sorted(keys.sha256_hex(image.body) for image in capture.images)
    return keys.sha256_hex(
        codec.canonical_json({"text": text, "partners": published, "images": images})
    )


def collapse(before: tuple[Partner, ...], after: Disclosure) -> str:
    """Why a list that shrank this much must be seen twice, or "" if it need not.

    >>> from archiver.models import Partner
    >>> three = tuple(Partner(raw=n, name=n, match_key=n) for n in "abc")
    >>> collapse(three, Disclosure(text="x", partners=three[:1], list_status=ListStatus.OK))
    'partner list shrank from 3 to 1'
    """
    if not before or after.status is not PageStatus.OK:
        return ""
    if after.list_status is ListStatus.UNPARSEABLE:
        return ""
    remaining = len(after.partners) if after.list_status is ListStatus.OK else 0
    if remaining == 0 or remaining * 2 < len(before):
        return f"partner list shrank from {len(before)} to {remaining}"
    return ""
