"""Signed checkpoints, RFC 3161 time-stamps, and both verifiers against every tampering."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from archiver import archive, keys, versioning
from archiver.adapters.local_store import LocalStore
from archiver.adapters.sqlite_index import SqliteIndex
from archiver.archive import Blob
from archiver.cli import main
from archiver.evidence import checkpoint as cp
from archiver.evidence import signing
from archiver.evidence.notary import Notary
from archiver.partners import AliasTable

T0 = datetime(2025, 10, 1, 8, 0, tzinfo=UTC)
PREFIX = "public/checkpoints/"
OPENSSL = shutil.which("openssl") or "/usr/bin/openssl"


@dataclass
class World:
    """An archive of two sites, three checkpoints, a signing key and a config file."""

    root: Path
    store: LocalStore
    config: Path
    key_file: Path
    pub_file: Path
    notary: Notary
    clock: list[datetime]

    def path(self, key: str) -> Path:
        return self.root / key

    def checkpoints(self) -> list[str]:
        return sorted(n for n in (p.name for p in self.path(PREFIX).iterdir()) if cp.is_name(n))

    def version(self, site: str, seq: int) -> Path:
        return self.path(keys.version_key(site, seq))


def advance(clock: list[datetime], hours: float = 1) -> datetime:
    clock[0] += timedelta(hours=hours)
    return clock[0]


def write(store: LocalStore, index: SqliteIndex, site: str, text: str, at: datetime) -> None:
    previous = archive.head(store, site)
    draft = versioning.Draft(
        site_id=site,
        captured_at=at,
        requested_url=f"https://{site}.example/",
        final_url=f"https://{site}.example/",
        text=text,
        content_digest=keys.sha256_hex(text.encode()),
        blobs=(Blob("dom", f"<p>{text}</p>".encode(), "text/html"),),
    )
    written = versioning.write(store, draft, previous=previous, aliases=AliasTable())
    assert written.version is not None
    index.record_version(written.version)


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> World:
    root = tmp_path / "archive"
    store = LocalStore(root)
    index = SqliteIndex(tmp_path / "var" / "index.sqlite")
    key_file, pub_file = tmp_path / "signing.pem", tmp_path / "key.pub"
    key_file.write_bytes(signing.generate())
    key = signing.load_private(key_file.read_bytes())
    pub_file.write_bytes(signing.public_pem(key))
    clock = [T0]
    notary = Notary(store, key, prefix=PREFIX, now=lambda: clock[0])
    for step in (1, 2, 3):
        for site in ("bank-a", "bank-b"):
            write(store, index, site, f"{site} 名单 第{step}版", advance(clock, 0.1))
        assert notary.sign() is not None
        advance(clock)
    index.close()
    config = tmp_path / "sites.yaml"
    config.write_text(
        f"storage: {{kind: local, path: '{root}'}}\nstate_dir: '{tmp_path / 'var'}'\n"
        "sites:\n"
        "  - {id: bank-a, name: 甲银行, url: 'https://bank-a.example/'}\n"
        "  - {id: bank-b, name: 乙银行, url: 'https://bank-b.example/'}\n"
    )
    monkeypatch.setenv("ARCHIVER_SIGNING_KEY", str(key_file))
    return World(root, store, config, key_file, pub_file, notary, clock)


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    try:
        main(args)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def operator(world: World, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    return run(["-c", str(world.config), "verify"], capsys)


def public(world: World, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    return run(
        ["verify", "--public", str(world.root), "--key", str(world.pub_file), *extra], capsys
    )


# --- checkpoints -----------------------------------------------------------------------------


def test_a_checkpoint_signs_every_head_and_links_the_previous(world: World) -> None:
    names = world.checkpoints()
    assert len(names) == 3
    data = world.path(PREFIX + names[-1]).read_bytes()
    newest = cp.decode(data)
    previous_data = world.path(PREFIX + names[1]).read_bytes()
    assert newest.seq == 3
    assert newest.previous == cp.Link(name=names[1], seq=2, sha256=keys.sha256_hex(previous_data))
    assert [(h.chain, h.seq) for h in newest.chains] == [("bank-a", 3), ("bank-b", 3)]
    head = newest.head("bank-a")
    assert head is not None
    assert head.sha256 == keys.sha256_hex(world.version("bank-a", 3).read_bytes())
    pointer = json.loads(world.path(PREFIX + "latest.json").read_bytes())
    assert pointer == {"name": names[-1], "seq": 3, "sha256": keys.sha256_hex(data)}
    assert world.path(PREFIX + "key.pub").read_bytes() == world.pub_file.read_bytes()


def test_the_signature_verifies_with_openssl_alone(world: World) -> None:
    name = world.checkpoints()[-1]
    result = subprocess.run(
        [
            OPENSSL,
            "pkeyutl",
            "-verify",
            "-pubin",
            "-inkey",
            str(world.pub_file),
            "-rawin",
            "-in",
            str(world.path(PREFIX + name)),
            "-sigfile",
            str(world.path(PREFIX + cp.beside(name, ".sig"))),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Signature Verified Successfully" in result.stdout


def test_no_checkpoint_when_no_chain_moved_unless_asked(world: World) -> None:
    assert world.notary.sign() is None
    advance(world.clock)
    forced = world.notary.sign(force=True)
    assert forced is not None and forced.checkpoint.seq == 4


def test_a_clock_before_the_last_checkpoint_is_refused(world: World) -> None:
    world.clock[0] = T0
    with pytest.raises(Exception, match="refusing to sign out of order"):
        world.notary.sign(force=True)


def test_the_checkpoint_command_needs_a_key(
    world: World, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ARCHIVER_SIGNING_KEY")
    code, text = run(["-c", str(world.config), "checkpoint"], capsys)
    assert code == 1
    assert "ARCHIVER_SIGNING_KEY is not set" in text
    monkeypatch.setenv("ARCHIVER_SIGNING_KEY", str(world.root / "nope.pem"))
    code, text = run(["-c", str(world.config), "checkpoint"], capsys)
    assert code == 1 and "ARCHIVER_SIGNING_KEY: cannot read" in text


def test_the_checkpoint_command_signs_and_generates_keys(
    world: World, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, text = run(["-c", str(world.config), "checkpoint"], capsys)
    assert code == 0 and "checkpoint 4: 2 chains signed by sha256:" in text
    code, text = run(["checkpoint", "--generate-key", str(tmp_path / "new.pem")], capsys)
    assert code == 0 and "BEGIN PUBLIC KEY" in text
    assert (tmp_path / "new.pem").stat().st_mode & 0o777 == 0o600
    signing.load_private((tmp_path / "new.pem").read_bytes())
    code, text = run(["checkpoint", "--generate-key", str(tmp_path / "new.pem")], capsys)
    assert code == 1 and "exists: not overwriting a key" in text


def test_checkpoints_are_time_stamped_by_a_tsa(
    world: World, tsa: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    world.notary.timestamp_url = tsa.url
    advance(world.clock)
    signed = world.notary.sign(force=True)
    assert signed is not None and signed.stamped
    stamp = world.path(PREFIX + cp.beside(signed.name, ".tsr"))
    result = subprocess.run(
        [
            OPENSSL,
            "ts",
            "-verify",
            "-data",
            str(world.path(signed.key)),
            "-in",
            str(stamp),
            "-CAfile",
            str(tsa.root),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert "Verification: OK" in result.stdout, result.stderr
    code, text = public(world, capsys, "--tsa-ca", str(tsa.root))
    assert code == 0, text
    assert "1 time-stamps, signatures checked against --tsa-ca" in text


def test_a_tsa_that_is_down_leaves_a_signed_checkpoint_and_says_so(
    world: World, tsa: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    tsa.up = False
    world.config.write_text(
        world.config.read_text() + f"evidence: {{timestamp_url: '{tsa.url}'}}\n"
    )
    code, text = run(["-c", str(world.config), "checkpoint"], capsys)
    assert code == 1
    assert "not time-stamped: time-stamp authority" in text and "503" in text
    assert len(world.checkpoints()) == 4  # the checkpoint stands


def test_a_time_stamp_from_another_tsa_fails_the_check(
    world: World, tsa: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    world.notary.timestamp_url = tsa.url
    advance(world.clock)
    world.notary.sign(force=True)
    other = tmp_path / "other-root.pem"
    shutil.copy(tsa.root, other)
    subprocess.run(
        [OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
         str(tmp_path / "o.key"), "-out", str(other), "-days", "1", "-subj", "/CN=Other"],
        check=True, capture_output=True,
    )  # fmt: skip
    code, text = public(world, capsys, "--tsa-ca", str(other))
    assert code == 1 and "does not verify under the root given" in text


# --- both verifiers, healthy and tampered ----------------------------------------------------


def test_a_healthy_archive_verifies_inside_and_out(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    code, text = operator(world, capsys)
    assert code == 0, text
    assert "bank-a: ok (3 versions, 8 blobs)" in text
    assert "checkpoints: ok (3 checkpoints, signed with ARCHIVER_SIGNING_KEY's key)" in text
    code, text = public(world, capsys)
    assert code == 0, text
    assert ": ok: 3 checkpoints, 2 chains, 6 versions, 14 blobs" in text


def test_versions_after_the_newest_checkpoint_are_walked_and_reported(
    world: World, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    index = SqliteIndex(tmp_path / "var" / "index.sqlite")
    write(world.store, index, "bank-a", "bank-a 名单 第4版", advance(world.clock))
    index.close()
    code, text = public(world, capsys)
    assert code == 0, text
    assert "1 versions written after the newest checkpoint" in text


def edit_checkpoint(world: World) -> None:
    path = world.path(PREFIX + world.checkpoints()[1])
    path.write_bytes(path.read_bytes().replace(b'"seq":2', b'"seq":1', 1))


def delete_checkpoint(world: World) -> None:
    world.path(PREFIX + world.checkpoints()[1]).unlink()


def truncate_checkpoint(world: World) -> None:
    path = world.path(PREFIX + world.checkpoints()[-1])
    path.write_bytes(path.read_bytes()[:40])


def reorder_checkpoints(world: World) -> None:
    first, second = (world.path(PREFIX + n) for n in world.checkpoints()[:2])
    a, b = first.read_bytes(), second.read_bytes()
    first.write_bytes(b)
    second.write_bytes(a)


def replace_checkpoint(world: World) -> None:
    """The newest checkpoint re-signed by someone else's key, chained and pointed to."""
    name = world.checkpoints()[-1]
    body = cp.decode(world.path(PREFIX + name).read_bytes())
    forger = signing.load_private(signing.generate())
    forged = cp.Checkpoint(
        seq=body.seq,
        created_at=body.created_at,
        key_id=signing.key_id(forger),
        previous=body.previous,
        chains=body.chains[:1],  # bank-b's history quietly left out
    )
    data = cp.encode(forged)
    world.path(PREFIX + name).write_bytes(data)
    world.path(PREFIX + cp.beside(name, ".sig")).write_bytes(signing.sign(forger, data))
    world.path(PREFIX + "latest.json").write_bytes(cp.pointer(name, forged, data))


def roll_back_checkpoints(world: World) -> None:
    """latest.json pointed back at checkpoint 2; checkpoint 3 left in place."""
    name = world.checkpoints()[1]
    data = world.path(PREFIX + name).read_bytes()
    world.path(PREFIX + "latest.json").write_bytes(cp.pointer(name, cp.decode(data), data))


def edit_newest_manifest(world: World) -> None:
    path = world.version("bank-a", 3)
    path.write_bytes(path.read_bytes().replace(b"bank-a.example", b"forged.example"))


def delete_newest_manifest(world: World) -> None:
    world.version("bank-a", 3).unlink()


def delete_chain(world: World) -> None:
    shutil.rmtree(world.path("sites/bank-b"))


def edit_middle_manifest(world: World) -> None:
    path = world.version("bank-a", 2)
    path.write_bytes(path.read_bytes().replace(b'"http_status":200', b'"http_status":201'))


def corrupt_blob(world: World) -> None:
    manifest = archive.read_seq(world.store, "bank-a", 1).manifest
    ref = manifest.blob("dom")
    assert ref is not None
    world.path(keys.blob_key(ref.digest)).write_bytes(b"<p>forged</p>")


TAMPERING: dict[str, tuple[Callable[[World], None], str, str]] = {
    # case: (tamper, what the operator's verify says, what the public verify says)
    "edit a checkpoint": (
        edit_checkpoint,
        "was altered after checkpoint 3 recorded it",
        "checkpoint 2 (public/checkpoints/",
    ),
    "delete a checkpoint": (delete_checkpoint, "is missing", "is missing"),
    "truncate a checkpoint": (
        truncate_checkpoint,
        "is unreadable",
        "was altered after latest.json recorded it",
    ),
    "reorder checkpoints": (reorder_checkpoints, "was altered after", "was altered after"),
    "replace a checkpoint": (
        replace_checkpoint,
        "not a key given",
        "not a key given",
    ),
    "roll back the checkpoints": (
        roll_back_checkpoints,
        "the record was rolled back",
        "the record was rolled back",
    ),
    "edit the newest manifest": (
        edit_newest_manifest,
        "version 3 is not the one latest.json recorded",
        "version 3 was altered after checkpoint 3 recorded it",
    ),
    "delete the newest manifest": (
        delete_newest_manifest,
        "latest.json names version 3, but the chain ends at version 2",
        "sites/bank-a/versions/00000003.json: missing (checkpoint 3 recorded version 3 here)",
    ),
    "delete a chain": (
        delete_chain,
        "no versions, but checkpoint 1 signed version 1: the chain was deleted",
        "sites/bank-b/versions/00000003.json: missing",
    ),
    "edit a middle manifest": (
        edit_middle_manifest,
        "version 2 was altered after this one was written",
        "version 2 was altered after version 3 recorded it",
    ),
    "corrupt a blob": (corrupt_blob, "does not match its digest", "does not match its digest"),
}


@pytest.mark.parametrize("case", TAMPERING)
def test_the_operator_verify_detects(
    case: str, world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    tamper, said, _ = TAMPERING[case]
    tamper(world)
    code, text = operator(world, capsys)
    assert code == 1, text
    assert said in text, text


@pytest.mark.parametrize("case", TAMPERING)
def test_the_public_verify_detects(
    case: str, world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    tamper, _, said = TAMPERING[case]
    tamper(world)
    code, text = public(world, capsys)
    assert code == 1, text
    assert said in text, text
    assert "BROKEN" in text


def test_a_kept_checkpoint_proves_a_rewritten_history(
    world: World, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Whoever kept checkpoint 3 sees a history rebuilt after it, even over HTTP (no listing)."""
    kept = tmp_path / "kept.json"
    shutil.copy(world.path(PREFIX + world.checkpoints()[-1]), kept)
    for name in world.checkpoints()[-1:]:
        world.path(PREFIX + name).unlink()
    delete_newest_manifest(world)
    roll_back_checkpoints(world)
    code, text = public(world, capsys, "--kept", str(kept))
    assert code == 1
    assert "the kept checkpoint 3 is not in the published chain" in text
    assert "bank-a: checkpoint 3 signed version 3, but the chain ends at version 2" in text


def test_public_verify_needs_a_key_and_a_real_place(
    world: World, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, text = run(["verify", "--public", str(world.root)], capsys)
    assert code == 2 and "--public needs --key" in text
    code, text = run(
        ["verify", "--public", str(tmp_path / "nowhere"), "--key", str(world.pub_file)], capsys
    )
    assert code == 3 and "neither an http(s):// URL nor a directory" in text  # unreadable
    code, text = run(["verify", "--public", str(world.root), "--key", str(world.key_file)], capsys)
    assert code == 1 and "--key: not a PEM public key" in text
    code, text = run(["verify", "--public", str(tmp_path), "--key", str(world.pub_file)], capsys)
    assert code == 1 and "no checkpoint published" in text
