"""Partner lists: read every partner from what a capture kept, and compare two lists.

The pipeline uses exactly this surface:

    aliases = load_aliases(text, path="config/entities.yaml")
    extraction = extract(capture, aliases=aliases, ignore=site.ignore)   # pure
    events, departed = compare(previous_manifest, extraction.partners, aliases=aliases)  # pure

Modules, one responsibility each (all pure):

    names       a name -> display name, match key, region qualifier
    annotations what is written beside a name: former names, renames, status marks
    categories  a raw category label -> Category
    cells       what a cell is: a column label, a phone, a period, noise
    blocks      the Document model (lines and grids) every format is read into
    dom         rendered HTML -> Document
    documents   PDF / DOCX / XLSX / XLS / CSV / RTF attachments -> Document, or a note
    watermarks  a watermark or seal legend over a PDF's table, told by its geometry
    rtf         RTF (often named .doc) -> lines and grids
    budget      what reading one attachment may cost (Budget, OverBudget, the clock)
    workbooks   XLSX / XLS / CSV -> grids: visible sheets, merged cells, instruction sheets
    foreign     attachments that are not partner lists (privacy notices, SDK lists, other
                disclosures such as 关联交易 or 年度报告, by their title or the page's link)
    jsondata    JSON the page loaded -> rows
    tables      header rows and column layouts of grids
    lines       one line of text -> heading, label：value fields or a partner item
    linesplit   a paragraph naming its categories inline, a run of numbered items -> lines
    tokens      a list line cut into the pieces that hold its fields
    reader      Documents -> rows: walks lines and grids with section context
    rows        what the reader reads: Row, stated counts, notes that apply to rows, signers
    owner       the publisher's own names (title, logo, footer, heading, an attachment's
                letterhead or signer its brand shortens): never its partner
    candidates  whether a text read where a partner could be is a partner's name
    gridrows    what one table row is (total, card, foreign header) and its cells by role
    records     rows -> Partner records; duplicates folded
    verdict     termination notices, announcement indexes, truncation
    extraction  Capture -> Extraction (orchestrates the above)
    aliases     config/entities.yaml -> AliasTable
    events      previous Manifest + new partners -> PartnerEvents, departed keys
    search      query -> partners, by any name they go by
"""

from archiver.partners.aliases import AliasTable, Entity, load_aliases
from archiver.partners.annotations import parse_name
from archiver.partners.events import compare
from archiver.partners.extraction import Extraction, extract
from archiver.partners.names import match_key
from archiver.partners.records import partner_of
from archiver.partners.search import PartnerSearch, Query

__all__ = [
    "AliasTable",
    "Entity",
    "Extraction",
    "PartnerSearch",
    "Query",
    "compare",
    "extract",
    "load_aliases",
    "match_key",
    "parse_name",
    "partner_of",
]
