"""Where each published page lives, relative to the publish prefix, and links between them. Pure.

    index.html                     institutions, sortable, with the search box
    search.json                    the search index the box loads
    scorecard.html                 disclosure-quality scorecard of every institution
    week.html                      every partner change of the last seven days, all institutions
    feed.atom                      every new version, newest first
    sites/<id>/index.html          one institution: timeline, partners now, scorecard
    sites/<id>/feed.atom
    sites/<id>/versions.json       the timeline as data (also the publisher's cache)
    sites/<id>/v<seq>.html         one version: partner changes, text diff, evidence
    sites/<id>/v<seq>.json         the manifest, byte for byte (its sha256 is in the chain)
    sites/<id>/v<seq>-page.html    the archived DOM inside a sandboxed iframe
    sites/<id>/v<seq>.wacz         the version as a WACZ (WARC records, replayable)
    checkpoints/                   signed checkpoints (written by archiver.evidence, never here)
    partners/index.html            the cross-institution table (+ .csv, .json)
    partners/<slug>.html           one partner across institutions (+ <slug>.atom)
    raw/<2 hex>/<sha256><ext>      copies of archived files, served with inert media types
    static/archive.css, archive.js
    _state.json.gz                 what was published (page hashes, site summaries)

Every link between pages is relative, so a published prefix works on any static host.
"""

from __future__ import annotations

import hashlib

from archiver.publish.settings import DEFAULT_PREFIX

INDEX = "index.html"
SEARCH = "search.json"
SCORECARD = "scorecard.html"
WEEK = "week.html"
FEED = "feed.atom"
PARTNERS = "partners/index.html"
PARTNERS_CSV = "partners/partners.csv"
PARTNERS_JSON = "partners/partners.json"
STATE = "_state.json.gz"
STATIC_DIR = "static/"


def version_page(site_id: str, seq: int) -> str:
    """Path of a version page inside the published prefix.

    >>> version_page("zhaolian-cfc", 3)
    'sites/zhaolian-cfc/v3.html'
    """
    if seq < 1:
        raise ValueError(f"version numbers start at 1, got {seq}")
    return f"sites/{site_id}/v{seq}.html"


def version_page_key(site_id: str, seq: int, *, prefix: str = DEFAULT_PREFIX) -> str:
    """Store key of a version page: the link alerts send (`<prefix>sites/<id>/v<seq>.html`).

    >>> version_page_key("zhaolian-cfc", 3)
    'public/sites/zhaolian-cfc/v3.html'
    """
    return prefix + version_page(site_id, seq)


def version_json(site_id: str, seq: int) -> str:
    """Path of the published copy of a manifest."""
    return f"sites/{site_id}/v{seq}.json"


def version_wacz(site_id: str, seq: int) -> str:
    """Path of the WACZ package of one version.

    >>> version_wacz("zhaolian-cfc", 3)
    'sites/zhaolian-cfc/v3.wacz'
    """
    return f"sites/{site_id}/v{seq}.wacz"


def archived_page(site_id: str, seq: int) -> str:
    """Path of the page that shows the archived DOM in a sandboxed iframe."""
    return f"sites/{site_id}/v{seq}-page.html"


def site_page(site_id: str) -> str:
    """Path of an institution's page."""
    return f"sites/{site_id}/index.html"


def site_feed(site_id: str) -> str:
    """Path of an institution's Atom feed."""
    return f"sites/{site_id}/feed.atom"


def site_versions(site_id: str) -> str:
    """Path of an institution's timeline as JSON."""
    return f"sites/{site_id}/versions.json"


def partner_slug(match_key: str) -> str:
    """A stable, URL-safe name for a partner (match keys are Chinese and may hold anything).

    >>> partner_slug("蚂蚁智信信息技术")
    'p-31cf02ca1ceb89cb'
    """
    return "p-" + hashlib.sha256(match_key.encode()).hexdigest()[:16]


def partner_page(match_key: str) -> str:
    """Path of a partner's page."""
    return f"partners/{partner_slug(match_key)}.html"


def partner_feed(match_key: str) -> str:
    """Path of a partner's Atom feed."""
    return f"partners/{partner_slug(match_key)}.atom"


def static(name: str) -> str:
    """Path of a static asset."""
    return STATIC_DIR + name


def href(from_page: str, to_page: str) -> str:
    """Relative link from one published path to another.

    >>> href("sites/a/v3.html", "index.html")
    '../../index.html'
    >>> href("sites/a/v3.html", "sites/a/v2.html")
    'v2.html'
    >>> href("index.html", "partners/p-1.html")
    'partners/p-1.html'
    >>> href("sites/a/index.html", "sites/b/index.html")
    '../b/index.html'
    """
    source = from_page.split("/")[:-1]
    target = to_page.split("/")
    common = 0
    while common < min(len(source), len(target) - 1) and source[common] == target[common]:
        common += 1
    return "../" * (len(source) - common) + "/".join(target[common:])
