"""Blind round 11: pages and change sequences that outsiders wrote against the build this
session started from (7ddfd8e), scored there first, and kept here as regression tests.

Three new authors who never read the code, the tests, DOMAIN.md or the earlier rounds wrote
76 pages (tests/fixtures/blind11/pages and pages2) and 21 change sequences of 108 steps
(tests/fixtures/blind11/seqs) from their own knowledge of real disclosure pages. The first score
(README, "Blind round 11") was taken with the outsiders' scorers on 7ddfd8e; the second after
the fixes round 11 showed. What still reads wrong is a strict xfail below, its reason the
diagnosis. The four sequences configured with `discover:` run in tests/test_discovery_blind.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import blind

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ROOT = Path(__file__).parent / "fixtures" / "blind11"
FOLDERS = ("pages", "pages2")
STILL_WRONG = {  # id -> why it still reads wrong (the diagnosis, after the fixes)
    "soft404-bank-template": "a status disagreement: labelled absent, the product says soft_404",
    "waf-slider-challenge": "a status disagreement: labelled absent, the product says challenge",
    "maintenance-200": "a status disagreement: labelled absent, the product says maintenance",
    "server-error-in-template": (
        "a status disagreement: labelled absent, the product says server_error"
    ),
    "h5-logo-wall-alt": (
        "ambiguous (the author's flag): names only in each logo's alt text; read unparseable"
    ),
}
SEQ_STILL_WRONG = {  # id -> why it still reads wrong (the diagnosis, after the fixes)
}


served, browser = blind.round_fixtures(ROOT, FOLDERS)
(
    test_a_round11_page_reads_as_labelled,
    test_a_round11_sequence_gives_the_labelled_events,
) = blind.round_tests(ROOT, FOLDERS, STILL_WRONG, SEQ_STILL_WRONG)
