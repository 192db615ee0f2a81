"""Blind round 9: pages and change sequences that outsiders wrote while issue 15's fifth pass
was built, held out from the engineers who changed the reader, and kept here as regression tests.

Three new authors who never read the code, the tests, DOMAIN.md or the earlier rounds wrote
73 pages (tests/fixtures/blind9/pages and pages2) and 31 change sequences of 152 steps
(tests/fixtures/blind9/seqs) from their own knowledge of real disclosure pages. The first score
(README, "Blind round 9") was taken with the outsiders' scorers on the build the fifth pass
started from (33ab129); the second with that pass merged; the third after the fixes round 9
itself showed. What still reads wrong is a strict xfail below, its reason the diagnosis. The
three sequences configured with `discover:` run in tests/test_discovery_blind.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import blind

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ROOT = Path(__file__).parent / "fixtures" / "blind9"
FOLDERS = ("pages", "pages2")
STILL_WRONG = {  # id -> why it still reads wrong (the diagnosis, after the fixes)
    "soft-404-served-200": "a status disagreement: labelled absent, the product says soft_404",
    "waf-slider-interstitial": (
        "a status disagreement: labelled absent, the product says challenge"
    ),
    "maintenance-page-gbk": (
        "a status disagreement: labelled absent, the product says maintenance"
    ),
    "image-only-list-no-alt": (
        "a label the author flagged: unparseable, yet the names only in the picture are "
        "listed as partners (no reader without OCR can read them)"
    ),
}
SEQ_STILL_WRONG = {  # id -> why it still reads wrong (the diagnosis, after the fixes)
    "status-column-suspend-end": (
        "s2 (labelled field_changed status) is dropped by the product (issue 16 item 6: an "
        "ended mark is a drop); s4's 已终止 then gives no event"
    ),
}


served, browser = blind.round_fixtures(ROOT, FOLDERS)
(
    test_a_round9_page_reads_as_labelled,
    test_a_round9_sequence_gives_the_labelled_events,
) = blind.round_tests(ROOT, FOLDERS, STILL_WRONG, SEQ_STILL_WRONG)
