"""Partner lists: read every partner from what a capture kept, and compare two lists.

The pipeline uses exactly this surface:

    aliases = load_aliases(text, path="config/entities.yaml")
    extraction = extract(capture, aliases=aliases, ignore=site.ignore)   # pure
    events, departed = compare(previous_manifest, extraction.partners, aliases=aliases)  # pure
"""

from archiver.partners.aliases import AliasTable, load_aliases
from archiver.partners.events import compare
from archiver.partners.extraction import Extraction, extract

__all__ = ["AliasTable", "Extraction", "compare", "extract", "load_aliases"]
