"""LocalStore: the archive as a directory tree on this machine (the embedded default)."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from archiver.errors import KeyNotFound, StoreError
from archiver.keys import check_key

FILE_MODE = 0o644


class LocalStore:
    """Objects are files under `root`; writes go through a temp file and an atomic link."""

    def __init__(self, root: Path, *, public_base_url: str | None = None) -> None:
        self.root = root.resolve()
        self.public_base_url = public_base_url
        self._tmp = self.root / ".tmp"

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def put(self, key: str, data: bytes, *, content_type: str, create_only: bool = False) -> bool:
        """Write atomically; with create_only, a hard link refuses to replace a file (and a
        file that already holds exactly `data` counts as written, as on S3)."""
        target = self._path(key)
        if create_only and target.exists():
            return self._holds(target, data)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._tmp.mkdir(parents=True, exist_ok=True)
            fd, tmp_name = tempfile.mkstemp(dir=self._tmp, prefix="put-")
            try:
                os.fchmod(fd, FILE_MODE)  # mkstemp's 0600 would hide pages from a web server
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
                if create_only:
                    try:
                        os.link(tmp_name, target)
                    except FileExistsError:
                        return self._holds(target, data)
                else:
                    os.replace(tmp_name, target)
                    tmp_name = ""
                _fsync_dir(target.parent)
            finally:
                if tmp_name:
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(tmp_name)
        except OSError as exc:
            raise StoreError(
                f"cannot write {target}: {exc.strerror or exc}", hint=self._hint(exc)
            ) from exc
        return True

    @staticmethod
    def _holds(path: Path, data: bytes) -> bool:
        try:
            return path.read_bytes() == data
        except OSError:
            return False

    def get(self, key: str) -> bytes:
        """The file's bytes."""
        path = self._path(key)
        try:
            return path.read_bytes()
        except FileNotFoundError as exc:
            raise KeyNotFound(f"no object {key!r} in {self.describe()}") from exc
        except OSError as exc:
            raise StoreError(
                f"cannot read {path}: {exc.strerror or exc}", hint=self._hint(exc)
            ) from exc

    def exists(self, key: str) -> bool:
        """Whether the file exists."""
        return self._path(key).is_file()

    def list(self, prefix: str) -> Iterator[str]:
        """Keys under `prefix`, sorted; walks only the directory the prefix names."""
        directory, _, _ = prefix.rpartition("/")
        base = self.root / directory if directory else self.root
        if not base.is_dir():
            return iter(())
        keys = []
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = [d for d in dirnames if d != ".tmp"]
            rel_dir = Path(dirpath).relative_to(self.root).as_posix()
            for name in filenames:
                key = name if rel_dir == "." else f"{rel_dir}/{name}"
                if key.startswith(prefix):
                    keys.append(key)
        return iter(sorted(keys))

    def url(self, key: str) -> str | None:
        """Public URL when configured, else a file:// URI."""
        if self.public_base_url:
            return f"{self.public_base_url.rstrip('/')}/{check_key(key)}"
        return self._path(key).as_uri()

    def describe(self) -> str:
        """The directory."""
        return str(self.root)

    def _hint(self, exc: OSError) -> str:
        if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EROFS):
            return (
                f"让运行 archiver 的用户可以写入 {self.root}，"
                "或把 sites.yaml 的 storage.path 改到可写的目录"
            )
        if exc.errno == errno.ENOSPC:
            return f"{self.root} 所在的磁盘已满：腾出空间后再运行"
        return f"检查 {self.root} 是否存在、可读写"


def _fsync_dir(path: Path) -> None:
    """Make a rename or link durable (best effort: some filesystems refuse)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
