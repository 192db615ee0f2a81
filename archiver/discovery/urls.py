"""Document URLs: normalisation, same-institution test and archive ids. Pure.

A document's archive id is ``<site-id>--<doc-slug>``, with the slug derived from the
normalised URL only, so every process names the same document the same way.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from archiver.keys import DOC_SEPARATOR

INDEX_SLUG = "index"
_TRACKING = re.compile(r"^(utm_\w+|spm|from|share_source|_t|timestamp|t)$", re.IGNORECASE)
_ROUTE_FRAGMENT = re.compile(r"^[!/]")
_SECOND_LEVEL = {"com", "net", "org", "gov", "edu", "ac"}
ASSET_SUFFIX = re.compile(
    r"\.(css|js|mjs|map|png|jpe?g|gif|svg|webp|ico|bmp|woff2?|ttf|eot|mp4|mp3|zip|rar|apk)$",
    re.IGNORECASE,
)


def normalise(url: str, base: str = "") -> str:
    """A stable form of a link: absolute, lower-case host, no default port, no tracking.

    Plain anchors (``#top``) are dropped; hash routes of single-page apps (``#/news/3``)
    are kept, because they name different documents.

    >>> normalise("../xxgg/12.html?utm_source=x#top", "HTTP://WWW.Example.COM:80/a/b/")
    'http://www.example.com/a/xxgg/12.html'
    >>> normalise("#/news/7", "https://m.cycfc.com/")
    'https://m.cycfc.com/#/news/7'
    """
    absolute = urljoin(base, url.strip()) if base else url.strip()
    parts = urlsplit(absolute)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    netloc = (
        host
        if port is None or (scheme, port) in (("http", 80), ("https", 443))
        else (f"{host}:{port}")
    )
    query = urlencode(
        [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not _TRACKING.match(k)
        ]
    )
    fragment = parts.fragment if _ROUTE_FRAGMENT.match(parts.fragment) else ""
    path = parts.path or "/"
    return urlunsplit((scheme, netloc, path, query, fragment))


def host_of(url: str) -> str:
    """``host[:port]`` of a URL, the unit of politeness.

    >>> host_of("http://127.0.0.1:8123/a")
    '127.0.0.1:8123'
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return f"{host}:{parts.port}" if parts.port else host


def site_key(host: str) -> str:
    """The registrable part of a host, so www. and m. of one institution match.

    >>> site_key("m.cycfc.com"), site_key("www.bank.com.cn"), site_key("127.0.0.1:81")
    ('cycfc.com', 'bank.com.cn', '127.0.0.1:81')
    """
    if re.fullmatch(r"[\d.]+(:\d+)?", host) or ":" in host:
        return host
    labels = host.split(".")
    if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def same_institution(url: str, entry: str, extra_hosts: tuple[str, ...] = ()) -> bool:
    """Whether `url` belongs to the institution whose entry page is `entry`.

    >>> same_institution("https://m.x.com/#/news/1", "https://www.x.com/")
    True
    >>> same_institution("http://127.0.0.1:82/a", "http://127.0.0.1:81/")
    False
    """
    if urlsplit(url).scheme not in ("http", "https"):
        return False
    host = host_of(url)
    if host in extra_hosts:
        return True
    return site_key(host) == site_key(host_of(entry))


def doc_slug(url: str) -> str:
    """A short, stable slug for a normalised document URL.

    >>> doc_slug("https://www.example.com/xxgg/12.html")
    'd12848b5747'
    """
    return "d" + hashlib.sha256(url.encode()).hexdigest()[:10]


def archive_id(site_id: str, slug: str) -> str:
    """The chain id of one document of an institution.

    >>> archive_id("zhaolian-cfc", "index")
    'zhaolian-cfc--index'
    """
    return f"{site_id}{DOC_SEPARATOR}{slug}"


def institution_of(chain_id: str) -> str:
    """The institution a chain belongs to.

    >>> institution_of("zhaolian-cfc--index")
    'zhaolian-cfc'
    """
    return chain_id.split(DOC_SEPARATOR, 1)[0]
