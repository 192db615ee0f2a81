"""Blind round 22: pages and change sequences that outsiders wrote against the build this
session started from (7d8864b), scored there first, and kept here as regression tests.

Three new authors who never read the code, the tests, DOMAIN.md or the earlier rounds wrote
84 pages (tests/fixtures/blind22/pages and pages2) and 26 change sequences
(tests/fixtures/blind22/seqs) from their own knowledge of real disclosure pages. The first score
(README, "Blind round 22") was taken with the outsiders' scorers on 7d8864b; the second after
the fixes round 22 showed. What still reads wrong is a strict xfail below, its reason the
diagnosis. The sequences configured with `discover:` run in tests/test_discovery_blind.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import blind

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ROOT = Path(__file__).parent / "fixtures" / "blind22"
FOLDERS = ("pages", "pages2")

STILL_WRONG = {  # id -> why it still reads wrong (the diagnosis, after the fixes)
    "absent-soft-404": "a status disagreement: labelled absent, the product: soft_404",
    "absent-waf-challenge": "a status disagreement: labelled absent, the product: challenge",
    "absent-maintenance-page": "a status disagreement: labelled absent, the product: maintenance",
    "broken-cut-in-head": (
        "a status disagreement: labelled absent (cut off inside <head>), the product: empty, "
        "a failed check (the outsiders' scorer counts it as absent; this harness wants a version)"
    ),
    "xlsx-comment-suspended": (
        "ambiguous (its author's word): the 状态 column says 合作中 for every row, a cell comment "
        "says one partner is suspended; the product reads the cells, not their comments"
    ),
    "attachment-soft-404": (
        "ambiguous (its author's word): the PDF link answers 200 with a 页面不存在 page; "
        "labelled absent, the product: unparseable (a list announced, its document unread)"
    ),
}

SEQ_STILL_WRONG = {  # id -> why it still reads wrong (the diagnosis)
    "word-html-cutoff-twice": (
        "s3: 上海三六零融资担保有限公司 -> 上海奇富融资担保有限公司 with no note on the page, "
        "labelled renamed (its author calls it debatable); neither the page nor the shipped "
        "alias table says they are one company, so the product reports added + dropped"
    ),
}


served, browser = blind.round_fixtures(ROOT, FOLDERS)
(
    test_a_round22_page_reads_as_labelled,
    test_a_round22_sequence_gives_the_labelled_events,
) = blind.round_tests(ROOT, FOLDERS, STILL_WRONG, SEQ_STILL_WRONG)
