"""How to spell the next command for the person at the terminal (`.venv/bin/archiver -c …`)."""

from __future__ import annotations

import shlex
import shutil
import sys
from pathlib import Path

DEFAULT_CONFIG = Path("config/sites.yaml")


def program(argv0: str | None = None, *, cwd: Path | None = None) -> str:
    """The way this process was started, as something to type again.

    >>> program("/usr/bin/python3 -m archiver".split()[0]) != ""
    True
    """
    started = Path(argv0 if argv0 is not None else sys.argv[0])
    here = (cwd or Path.cwd()).resolve()
    if started.name == "__main__.py":
        python = Path(sys.executable)
        return f"{_relative(python, here)} -m archiver"
    on_path = shutil.which(started.name)
    if on_path and Path(on_path).resolve() == started.resolve():
        return started.name
    return _relative(started, here)


def command(*args: str, config: Path, argv0: str | None = None, cwd: Path | None = None) -> str:
    """A full command line, with `-c CONFIG` when the configuration is not the default.

    >>> command("serve", config=Path("config/sites.yaml"), argv0="archiver").split()[-1]
    'serve'
    """
    parts = [program(argv0, cwd=cwd)]
    if config != DEFAULT_CONFIG:
        parts += ["-c", shlex.quote(str(config))]
    parts += [shlex.quote(arg) for arg in args]
    return " ".join(parts)


def _relative(path: Path, here: Path) -> str:
    try:
        return str(path.resolve().relative_to(here)) if path.is_absolute() else str(path)
    except ValueError:
        return str(path)
