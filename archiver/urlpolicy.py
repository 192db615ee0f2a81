"""The one URL policy every fetch of a capture obeys. Pure: URLs and addresses in, verdicts out.

Two rules, checked separately because they are enforced at different places:

- the *host rule* (`UrlPolicy.check`): what a capture reads or keeps (navigations,
  pagination, frames whose content is read, XHR/JSON bodies, images and attachments kept)
  must be http(s) on the institution's own hosts: the registrable site of its URL
  (``www.bank.com.cn`` -> ``bank.com.cn`` and every host under it) plus the hosts its
  configuration lists. Scripts, styles, fonts and images a page merely *renders* may come
  from any public host (CDNs) and are never archived.
- the *address rule* (`refused_address`): no fetch of any kind, on any redirect hop, may
  reach a loopback, private, link-local, shared (CGNAT), multicast, reserved, unspecified or
  cloud-metadata address, unless the configuration says ``network: {allow_private: true}``.
  It is checked on the addresses DNS answers, at connection time (see
  `archiver.adapters.guard` and `archiver.adapters.download`), not only on literal IPs.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

WEB_SCHEMES = ("http", "https")
# Chromium's own resources (its PDF viewer loads chrome-extension:// and chrome:// files) and
# inline data: / blob: resources never touch the network: a page may render with them.
BROWSER_SCHEMES = ("data", "blob", "chrome", "chrome-extension", "about")
HOST_NAME = re.compile(
    r"(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class Purpose(StrEnum):
    """Why a capture fetches a URL; every purpose but RENDER reads or keeps the content."""

    NAVIGATION = "navigation"  # the entry page, pagination, "more" links, discovery
    FRAME = "frame"  # an iframe whose text is read
    JSON = "json"  # an XHR/fetch body the capture keeps
    IMAGE = "image"  # an image kept as evidence (image-only lists)
    ATTACHMENT = "attachment"  # a PDF/DOCX/XLSX kept and read
    RENDER = "render"  # scripts, styles, fonts, images shown: never archived


class Reason(StrEnum):
    """Why a fetch was refused: a stable word for manifests and logs."""

    SCHEME = "scheme"  # not http or https (file:, ftp:, data: ...)
    FOREIGN_HOST = "foreign_host"  # content from a host that is not the institution's
    PRIVATE_ADDRESS = "private_address"  # loopback, private, link-local, metadata ...
    OVER_BUDGET = "over_budget"  # a byte or count cap of the capture


@dataclass(frozen=True, slots=True, kw_only=True)
class UrlPolicy:
    """The host rule of one capture and whether private addresses are allowed at all."""

    sites: tuple[str, ...]  # hosts admitted with every host under them
    allow_private: bool = False

    @classmethod
    def for_site(
        cls, url: str, hosts: tuple[str, ...] = (), *, allow_private: bool = False
    ) -> UrlPolicy:
        """The policy of an institution whose page is `url` and whose config lists `hosts`.

        >>> UrlPolicy.for_site("https://www.bank.com.cn/a", ("Static.BankCDN.net",)).sites
        ('bank.com.cn', 'static.bankcdn.net')
        """
        own = registrable(host_of(url))
        listed = tuple(h.strip().lower().rstrip(".") for h in hosts if h.strip())
        return cls(sites=tuple(dict.fromkeys((own, *listed))), allow_private=allow_private)

    def check(self, url: str, purpose: Purpose) -> Reason | None:
        """The host rule: None when `url` may be fetched for `purpose`, else why not.

        >>> p = UrlPolicy.for_site("https://www.bank.cn/")
        >>> p.check("https://m.bank.cn/list.pdf", Purpose.ATTACHMENT) is None
        True
        >>> p.check("http://internal/creds.txt?x=.pdf", Purpose.ATTACHMENT)
        <Reason.FOREIGN_HOST: 'foreign_host'>
        >>> p.check("file:///etc/passwd", Purpose.NAVIGATION)
        <Reason.SCHEME: 'scheme'>
        >>> p.check("https://cdn.example.net/jquery.js", Purpose.RENDER) is None
        True
        >>> p.check("chrome-extension://mhjf/pdf_embedder.css", Purpose.RENDER) is None
        True
        >>> p.check("data:application/json,{}", Purpose.JSON)
        <Reason.SCHEME: 'scheme'>
        """
        parts = urlsplit(url)
        if purpose is Purpose.RENDER and parts.scheme.lower() in BROWSER_SCHEMES:
            return None
        if parts.scheme.lower() not in WEB_SCHEMES or not parts.hostname:
            return Reason.SCHEME
        if purpose is Purpose.RENDER:
            return None
        return None if self.is_own(parts.hostname) else Reason.FOREIGN_HOST

    def is_own(self, host: str) -> bool:
        """Whether `host` is one of the institution's (a listed host or under one).

        >>> UrlPolicy(sites=("bank.cn",)).is_own("evilbank.cn")
        False
        """
        host = host.lower().rstrip(".").strip("[]")
        return any(host == site or host.endswith("." + site) for site in self.sites)


def host_of(url: str) -> str:
    """The lower-case host of a URL, without port or brackets.

    >>> host_of("http://[::1]:8080/x"), host_of("HTTPS://WWW.Bank.CN./")
    ('::1', 'www.bank.cn')
    """
    return (urlsplit(url).hostname or "").lower().rstrip(".")


def is_ip(host: str) -> bool:
    """Whether `host` is an IP literal.

    >>> is_ip("127.0.0.2"), is_ip("::1"), is_ip("bank.cn")
    (True, True, False)
    """
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


@lru_cache(maxsize=4096)
def registrable(host: str) -> str:
    """The registrable site of a host (public suffix + one label); IPs and bare names as is.

    >>> registrable("www.bank.com.cn"), registrable("a.b.github.io"), registrable("127.0.0.1")
    ('bank.com.cn', 'b.github.io', '127.0.0.1')
    """
    host = host.lower().rstrip(".")
    if is_ip(host) or "." not in host:
        return host
    found: str | None = _suffixes().privatesuffix(host)
    return found or host


@lru_cache(maxsize=1)
def _suffixes() -> Any:
    from publicsuffixlist import PublicSuffixList  # noqa: PLC0415 - 0.1 s to load; once

    return PublicSuffixList()


def refused_address(address: str) -> bool:
    """Whether an address is off limits to captures: anything not globally routable.

    Covers loopback, RFC 1918, link-local (169.254.169.254, the usual cloud metadata
    address), shared CGNAT space (Alibaba Cloud's 100.100.100.200), unspecified, reserved,
    multicast, IPv6 unique-local, and IPv4 hidden inside IPv6 (mapped, 6to4, Teredo, NAT64).

    >>> [refused_address(a) for a in ("8.8.8.8", "127.0.0.2", "10.1.2.3", "169.254.169.254")]
    [False, True, True, True]
    >>> [refused_address(a) for a in ("100.100.100.200", "::ffff:127.0.0.1", "fd00::1", "0.0.0.0")]
    [True, True, True, True]
    >>> refused_address("2001:4860:4860::8888"), refused_address("64:ff9b::a00:1")
    (False, True)
    """
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0].strip("[]"))
    except ValueError:
        return True  # not an address at all: never connect to it
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return refused_address(str(embedded))
    return not ip.is_global or ip.is_multicast


def check_http_url(value: str, what: str) -> str:
    """An absolute http(s) URL with a host and no whitespace or control characters.

    >>> check_http_url("file:///etc/passwd", "follow")
    Traceback (most recent call last):
    ValueError: follow must start with http:// or https://, got 'file:///etc/passwd'
    """
    if not re.fullmatch(r"https?://[^/\s?#]+[^\s]*", value) or any(ord(c) < 32 for c in value):
        raise ValueError(f"{what} must start with http:// or https://, got {value!r}")
    return value


def check_hosts(hosts: tuple[str, ...]) -> tuple[str, ...]:
    """Host names (``m.bank.cn``) or IP addresses, no scheme, port or path.

    >>> check_hosts(("https://m.bank.cn/",))
    Traceback (most recent call last):
    ValueError: hosts must be host names like 'm.bank.cn', got 'https://m.bank.cn/'
    """
    for host in hosts:
        name = host.strip().lower().rstrip(".")
        if not (HOST_NAME.fullmatch(name) or is_ip(name)):
            raise ValueError(f"hosts must be host names like 'm.bank.cn', got {host!r}")
    return tuple(h.strip().lower().rstrip(".") for h in hosts)
