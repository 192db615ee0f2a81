"""Publishing: static pages, JSON and feeds written into the store (see docs/publishing.md).

`version_page_key(site_id, seq, prefix=...)` is the key alerts link to.
"""

from archiver.publish.paths import version_page_key

__all__ = ["version_page_key"]
