"""Belief, preservation and re-reading without a browser: judgements, schema-1 manifests,
structural cut-offs, the baseline of events, the confirmations owed."""
# ruff: noqa: E501, PLR0917  (case tables read best one case per line)

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta

import pytest

from archiver import archive, codec, completeness, readings, versioning
from archiver.adapters.memory_store import MemoryStore
from archiver.belief import judge
from archiver.extract import list_digest
from archiver.models import (
    Belief,
    Capture,
    Disclosure,
    HttpResponse,
    ListStatus,
    Manifest,
    Partner,
)
from archiver.partners import AliasTable

NOW = datetime(2025, 10, 1, 8, tzinfo=UTC)


def partners(*names: str) -> tuple[Partner, ...]:
    return tuple(Partner(raw=n, name=n, match_key=n) for n in names)


def content(*names: str, suspect: str = "", status: ListStatus = ListStatus.OK) -> Disclosure:
    listed = partners(*names)
    return Disclosure(
        text="\n".join(names),
        partners=listed,
        digest="d-" + "".join(names),
        list_status=status,
        suspect=suspect,
        list_digest=list_digest(listed, status),
    )


def head(belief: Belief, *names: str, seq: int = 2, due: datetime | None = None) -> Manifest:
    listed = partners(*names)
    return Manifest(
        site_id="s",
        seq=seq,
        captured_at=NOW,
        requested_url="",
        final_url="",
        http_status=200,
        browser_version="",
        content_digest="x",
        partners=listed,
        belief=belief,
        list_digest=list_digest(listed, ListStatus.OK),
        confirm_after=due,
    )


BASE = partners("甲", "乙", "丙", "丁")
LATER = NOW + timedelta(minutes=5)
# (case, content, cut off, head, now, belief, confirms)
JUDGEMENTS = [
    ("a whole list", content("甲", "乙", "丙", "丁"), "", None, NOW, Belief.BELIEVED, None),
    ("a cut-off document is never believed", content("甲", "乙", "丙", "丁"), "the PDF a.pdf is cut off", None, NOW, Belief.TRUNCATED, None),
    ("a cut-off repeat is never believed either", content("甲"), "the page is cut off", head(Belief.TRUNCATED, "甲"), LATER, Belief.TRUNCATED, None),
    ("an unread list", content(status=ListStatus.UNPARSEABLE), "", None, NOW, Belief.UNPARSEABLE, None),
    ("no list", content(status=ListStatus.ABSENT), "", None, NOW, Belief.ABSENT, None),
    ("a collapse is suspect", content("甲"), "", None, NOW, Belief.UNCONFIRMED, None),
    ("a stated count not met is suspect", content("甲", "乙", "丙", "丁", suspect="truncated: 共5家"), "", None, NOW, Belief.UNCONFIRMED, None),
    ("the re-check reads the same list", content("甲"), "", head(Belief.UNCONFIRMED, "甲", due=NOW), LATER, Belief.BELIEVED, 2),
    ("the re-check reads another suspect list", content("乙"), "", head(Belief.UNCONFIRMED, "甲", due=NOW), LATER, Belief.DISAGREED, None),
    ("a disagreed list seen again is believed", content("乙"), "", head(Belief.DISAGREED, "乙"), LATER, Belief.BELIEVED, 2),
    ("the re-check reads a whole list again", content("甲", "乙", "丙", "丁"), "", head(Belief.UNCONFIRMED, "甲", due=NOW), LATER, Belief.BELIEVED, None),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "seen", "cut", "latest", "now", "expected", "confirms"),
    JUDGEMENTS,
    ids=[j[0] for j in JUDGEMENTS],
)
def test_judgements(
    case: str,
    seen: Disclosure,
    cut: str,
    latest: Manifest | None,
    now: datetime,
    expected: Belief,
    confirms: int | None,
) -> None:
    judgement = judge(seen, cut_off=cut, head=latest, baseline=BASE, now=now, confirm_delay_s=60)
    assert (judgement.belief, judgement.confirms) == (expected, confirms), case
    if expected is Belief.UNCONFIRMED:
        assert judgement.confirm_after == now + timedelta(seconds=60)


def test_the_same_suspect_list_before_the_recheck_is_due_records_nothing() -> None:
    early = judge(
        content("甲"),
        cut_off="",
        head=head(Belief.UNCONFIRMED, "甲", due=LATER),
        baseline=BASE,
        now=NOW,
        confirm_delay_s=60,
    )
    assert early.wait


V1 = {
    "schema_version": 1,
    "site_id": "old-bank",
    "seq": 1,
    "captured_at": "2025-09-01T00:00:00Z",
    "requested_url": "https://b.cn/l",
    "final_url": "https://b.cn/l",
    "http_status": 200,
    "browser_version": "Chromium 120",
    "content_digest": "ab" * 32,
    "list_status": "unparseable",
}


@pytest.mark.parametrize(
    ("status", "belief"),
    [("ok", Belief.BELIEVED), ("absent", Belief.ABSENT), ("unparseable", Belief.UNPARSEABLE)],
)
def test_schema_1_manifests_are_read_with_the_belief_they_meant(
    status: str, belief: Belief
) -> None:
    manifest = codec.decode_manifest(json.dumps({**V1, "list_status": status}).encode())
    assert (manifest.schema_version, manifest.belief) == (1, belief)
    assert manifest.reader_version == "" and manifest.last_believed is None


def test_new_manifests_are_schema_2_and_round_trip() -> None:
    manifest = head(Belief.UNCONFIRMED, "甲", due=LATER)
    assert manifest.schema_version == 2
    assert codec.decode_manifest(codec.encode_manifest(manifest)) == manifest


def served(body: bytes, media: str, url: str = "https://b.cn/list.pdf") -> Capture:
    response = HttpResponse(url=url, status=200, media_type=media, body=body)
    return Capture(
        site_id="s",
        requested_url=url,
        final_url=url,
        status=200,
        fetched_at=NOW,
        browser_version="",
        main_response=response,
        attachments=(response,) if media != "text/html" else (),
    )


@pytest.mark.parametrize(
    ("body", "media", "cut"),
    [
        (b"<html><body><table><tr><td>1</td></tr></table></body></html>", "text/html", False),
        (b"<p>no closing tags, but whole</p>", "text/html", False),
        (b"<html><body><table><tr><td>1</td><td>\xe7\x94\xb2", "text/html", True),
        (b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf", False),
        (b"%PDF-1.4\n1 0 obj<<>>endobj\n", "application/pdf", True),
        (b"PK\x03\x04....", "application/vnd.ms-excel", True),
        (b"PK\x03\x04....PK\x05\x06" + b"\0" * 18, "application/octet-stream", False),
    ],
)
def test_cut_off_documents(body: bytes, media: str, cut: bool) -> None:
    assert bool(completeness.cut_off(served(body, media))) is cut


def draft(seq_text: str, belief: Belief, *names: str) -> versioning.Draft:
    listed = partners(*names)
    return versioning.Draft(
        site_id="s",
        captured_at=NOW,
        requested_url="u",
        final_url="u",
        text=seq_text,
        content_digest=seq_text,
        partners=listed,
        list_status=ListStatus.OK,
        belief=belief,
        list_digest=list_digest(listed, ListStatus.OK),
    )


def write(store: MemoryStore, d: versioning.Draft) -> versioning.Written:
    return versioning.write(store, d, previous=archive.head(store, "s"), aliases=AliasTable())


def test_only_believed_versions_carry_events_and_serve_as_the_baseline() -> None:
    store = MemoryStore()
    write(store, draft("a", Belief.BELIEVED, "甲", "乙", "丙"))
    gap = write(store, draft("b", Belief.UNCONFIRMED, "甲"))
    cut = write(store, draft("c", Belief.TRUNCATED, "甲", "乙"))
    back = write(store, draft("d", Belief.BELIEVED, "甲", "乙", "丙", "丁"))
    assert gap.events == () and cut.events == ()
    assert [(e.type.value, e.name) for e in back.events] == [("added", "丁")]
    assert back.version is not None and back.version.manifest.baseline == 1
    assert cut.version is not None and cut.version.manifest.last_believed == 1
    assert readings.last_believed(store, back.version) == back.version


def test_an_unconfirmed_head_is_a_confirmation_owed_and_survives_a_restart() -> None:
    store = MemoryStore()
    write(store, draft("a", Belief.BELIEVED, "甲", "乙"))
    suspect = dataclasses.replace(draft("b", Belief.UNCONFIRMED, "甲"), confirm_after=LATER)
    written = write(store, suspect)
    assert readings.owes_confirmation(archive.head(store, "s")) == LATER
    assert written.version is not None


def test_a_confirmation_with_the_same_evidence_is_written_only_when_asked() -> None:
    store = MemoryStore()
    write(store, draft("a", Belief.UNCONFIRMED, "甲"))
    assert write(store, draft("a", Belief.BELIEVED, "甲")).version is None
    confirming = dataclasses.replace(draft("a", Belief.BELIEVED, "甲"), confirms=1, rewrite=True)
    again = write(store, confirming)
    assert again.version is not None and again.version.manifest.confirms == 1
    assert again.bytes_written < 2000  # the blobs are the ones already kept


def test_published_history_shows_preserved_evidence_and_corrections_as_such() -> None:
    """Only a believed list says who is listed; the others are preserved, marked; a version
    re-read by `reextract` carries the reader that corrected it."""
    from archiver.publish import model

    store = MemoryStore()
    one = write(store, draft("a", Belief.BELIEVED, "甲", "乙")).version
    two = write(store, draft("b", Belief.TRUNCATED, "甲")).version
    assert one is not None and two is not None
    record = model.extend(model.empty("s"), one, "a")
    record = model.extend(record, dataclasses.replace(two, corrected_by="0.1.0+abc"), "b")
    assert [p.name for p in record.summary.partners] == ["甲", "乙"]
    assert record.summary.partners_seq == 1
    line = record.timeline[-1]
    assert (line.belief, line.corrected_by) == (Belief.TRUNCATED, "0.1.0+abc")


def test_reextract_skips_a_version_whose_evidence_is_gone_and_says_so() -> None:
    from archiver.config import Site
    from archiver.reextract import reextract_site

    store = MemoryStore()
    written = write(store, draft("a", Belief.BELIEVED, "甲")).version
    assert written is not None
    bad = dataclasses.replace(
        written.manifest,
        seq=2,
        previous=archive.link_to(written),
        blobs=(
            *written.manifest.blobs,
            dataclasses.replace(written.manifest.blobs[0], role="dom", digest="0" * 64),
        ),
    )
    assert archive.write(store, bad) is not None
    report = reextract_site(
        store, Site(id="s", name="s", url="https://b.cn/"), aliases=AliasTable(), now=lambda: NOW
    )
    assert report.versions == 2
    assert len(report.skipped) == 1 and report.skipped[0].startswith("v2: ")


def test_a_corrupt_reading_is_a_clear_store_error() -> None:
    from archiver.errors import StoreError

    store = MemoryStore()
    store.put(readings.reading_key("s", 1), b"{not json", content_type="application/json")
    with pytest.raises(StoreError, match=r"reading sites/s/readings/00000001.json is not valid"):
        readings.load(store, "s", 1)


def test_a_partner_marked_terminated_is_dropped_with_the_reason() -> None:
    from archiver.extract import disclosure
    from archiver.models import EventType, RenderedPage
    from archiver.partners import compare

    def read(rows: str) -> tuple[Partner, ...]:
        html = f"<table><tr><th>序号</th><th>合作机构名称</th></tr>{rows}</table>"
        page = RenderedPage(url="https://b.cn/l", html=html, text="", title="合作机构名单")
        capture = Capture(
            site_id="s",
            requested_url="https://b.cn/l",
            final_url="https://b.cn/l",
            status=200,
            fetched_at=NOW,
            browser_version="",
            pages=(page,),
        )
        return disclosure(capture, aliases=AliasTable()).partners

    a, b = "上海淇毓信息科技有限公司", "深圳市分期乐网络科技有限公司"
    before = read(f"<tr><td>1</td><td>{a}</td></tr><tr><td>2</td><td>{b}</td></tr>")
    after = read(f"<tr><td>1</td><td>{a}</td></tr><tr><td>2</td><td>{b}（已终止合作）</td></tr>")
    base = head(Belief.BELIEVED, seq=1)
    events, _ = compare(dataclasses.replace(base, partners=before), after, aliases=AliasTable())
    assert [(e.type, e.name) for e in events] == [(EventType.DROPPED, b)]
    assert "已终止合作" in events[0].note


TWELVE = tuple("子丑寅卯辰巳午未申酉戌亥")


def test_a_list_dated_before_the_believed_one_is_an_older_copy_to_recheck() -> None:
    """A CDN node serving last edition's page (an earlier believed version's list, with its
    更新日期, earlier than the believed list's): preserved, never believed, however often the
    same copy comes back; the current edition again is the believed list, with no event
    between the two. A list that changed is judged as any other, whatever its date says (a
    feed's 数据更新时间 moves back and forth)."""
    stale = dataclasses.replace(content(*TWELVE[:11]), as_of="2025-05-15")
    judgement = judge(
        stale,
        cut_off="",
        head=None,
        baseline=partners(*TWELVE),
        now=NOW,
        confirm_delay_s=60,
        baseline_as_of="2025年7月2日",
        edition_of=1,
    )
    assert judgement.belief is Belief.UNCONFIRMED
    assert "2025-05-15" in judgement.note and "2025-07-02" in judgement.note
    preserved = dataclasses.replace(
        head(Belief.UNCONFIRMED, *TWELVE[:11], due=NOW), belief_note=judgement.note
    )
    recheck = judge(
        stale,
        cut_off="",
        head=preserved,
        baseline=partners(*TWELVE),
        now=NOW + timedelta(hours=1),
        confirm_delay_s=60,
        baseline_as_of="2025年7月2日",
        edition_of=1,
    )
    assert (recheck.belief, recheck.wait) == (Belief.UNCONFIRMED, True)  # the copy repeats
    changed = judge(  # an earlier date on a list no believed version had: judged as any other
        stale,
        cut_off="",
        head=None,
        baseline=partners(*TWELVE),
        now=NOW,
        confirm_delay_s=60,
        baseline_as_of="2025年7月2日",
        edition_of=None,
    )
    assert changed.belief is Belief.BELIEVED
    same_day = dataclasses.replace(content(*TWELVE, "丁"), as_of="2025-07-02")
    assert (
        judge(
            same_day,
            cut_off="",
            head=None,
            baseline=partners(*TWELVE),
            now=NOW,
            confirm_delay_s=60,
            baseline_as_of="2025-07-02",
        ).belief
        is Belief.BELIEVED
    )


def test_the_edition_a_stale_copy_repeats_is_found_by_its_list_and_its_date() -> None:
    store = MemoryStore()
    first = dataclasses.replace(draft("a", Belief.BELIEVED, "甲", "乙"), as_of="2025-05-15")
    write(store, first)
    current = dataclasses.replace(
        draft("b", Belief.BELIEVED, "甲", "乙", "丙"), as_of="2025-07-02"
    )
    baseline = write(store, current).version
    assert baseline is not None
    copy = list_digest(partners("甲", "乙"), ListStatus.OK)
    assert readings.same_edition_before(store, baseline, copy, "更新日期：2025-05-15") == 1
    assert readings.same_edition_before(store, baseline, copy, "2025-05-16") is None
    other = list_digest(partners("甲", "丁"), ListStatus.OK)  # a list no edition had
    assert readings.same_edition_before(store, baseline, other, "2025-05-15") is None
