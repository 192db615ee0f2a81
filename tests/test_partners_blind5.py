"""Blind round 5: pages and change sequences that outsiders wrote after issue 15's first pass,
held out from the engineers who changed the reader, and kept here as regression tests.

Three authors who never read the code wrote 42 pages (tests/fixtures/blind5/pages and pages2)
and 20 change sequences of 89 steps (tests/fixtures/blind5/seqs) from their own knowledge of
real disclosure pages. Their first scores (README, "Blind round 5") were taken with their own
scorers before anyone looked at a failure; what still reads wrong is a strict xfail below,
with the reason as the failure showed it. The three sequences configured with `discover:` run
in the scorer only (they need an institution's crawl).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import blind

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ROOT = Path(__file__).parent / "fixtures" / "blind5"
FOLDERS = ("pages", "pages2")
ENDED_AS_STATUS = (
    "the labels want field_changed(status) when an ended or suspended mark appears or goes; "
    "the product follows issue 16 item 6 (dropped with the mark's words, readded when it goes)"
)
STILL_WRONG = {  # page id -> why it still reads wrong (found by the round's first score)
    "bank-html-cutoff-midtable": "(labelled ambiguous, list 'truncated') a page cut off in "
    "transit inside row 19 of a stated 共30家 table is read as ok with the half name 宁波极光; "
    "it should be kept as truncated evidence, never believed",
}
SEQ_STILL_WRONG = {  # sequence id -> why its events are still wrong
    "bank-numbered-suspend-drop": ENDED_AS_STATUS
    + "; and a partner dropped after its suspension gives no second dropped",
    "bank-table-split-terminated": ENDED_AS_STATUS,
    "trust-docx-suspend": ENDED_AS_STATUS,
}


served, browser = blind.round_fixtures(ROOT, FOLDERS)
(
    test_a_round5_page_reads_as_labelled,
    test_a_round5_sequence_gives_the_labelled_events,
) = blind.round_tests(ROOT, FOLDERS, STILL_WRONG, SEQ_STILL_WRONG)
