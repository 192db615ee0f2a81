#!/usr/bin/env bash
# Idempotent set-up for `make run` / `make test`: a Python >= 3.11 virtualenv with the package,
# a Chromium the archiver can drive, and a CJK font (without one, screenshots of Chinese pages
# show boxes). Works as root on a fresh Debian/Ubuntu and on a developer laptop.
set -euo pipefail

VENV="${VENV:-.venv}"
cd "$(dirname "$0")/.."

say() { printf '[setup] %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else return 1
  fi
}

apt_install() {
  command -v apt-get >/dev/null 2>&1 || return 1
  say "installing with apt-get: $*"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get install -y -qq "$@" >/dev/null 2>&1 || {
    as_root apt-get update -qq >/dev/null && as_root apt-get install -y -qq "$@" >/dev/null
  }
}

os_id() { (. /etc/os-release 2>/dev/null && echo "${ID:-unknown}") || echo unknown; }

find_python() {
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      command -v "$candidate"; return 0
    fi
  done
  return 1
}

# 1. Python and the virtualenv --------------------------------------------------------------
PYTHON="$(find_python || true)"
if [ -z "$PYTHON" ]; then
  apt_install python3 python3-venv || { say "need Python >= 3.11; install it and retry"; exit 1; }
  PYTHON="$(find_python)" || { say "Python >= 3.11 not available"; exit 1; }
fi
if [ ! -x "$VENV/bin/python" ]; then
  say "creating $VENV with $PYTHON"
  if ! "$PYTHON" -m venv "$VENV" 2>/dev/null; then
    rm -rf "$VENV"
    version="$("$PYTHON" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
    apt_install "python${version}-venv" || apt_install python3-venv || {
      say "python venv module missing: install python3-venv"; exit 1; }
    "$PYTHON" -m venv "$VENV"
  fi
fi
STAMP="$VENV/.installed"
if [ ! -f "$STAMP" ] || [ pyproject.toml -nt "$STAMP" ]; then
  say "installing the package and its dependencies into $VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null
  "$VENV/bin/python" -m pip install -q -e ".[dev]"
  touch "$STAMP"
fi

# 1b. Web-archive tools, in their own virtualenv ----------------------------------------------
# pywb (replay) and py-wacz (`wacz validate`) are the third party's tools, used by the tests to
# check our WACZ files. They live apart from the package: pywb pins redis==2.10.6, werkzeug and
# pyOpenSSL, which would hold back the archiver's own dependencies.
TOOLS_VENV="${ARCHIVER_TOOLS_VENV:-.venv-tools}"
TOOLS_STAMP="$TOOLS_VENV/.installed-pywb-2.10-wacz-0.6"
if [ ! -f "$TOOLS_STAMP" ]; then
  say "installing pywb and py-wacz into $TOOLS_VENV"
  [ -x "$TOOLS_VENV/bin/python" ] || "$PYTHON" -m venv "$TOOLS_VENV"
  "$TOOLS_VENV/bin/python" -m pip install -q --upgrade pip >/dev/null
  "$TOOLS_VENV/bin/python" -m pip install -q "pywb==2.10.*" "wacz==0.6.*"
  touch "$TOOLS_STAMP"
fi

# 2. A browser ---------------------------------------------------------------------------------
has_browser() {
  "$VENV/bin/python" - <<'PY'
import sys
from pathlib import Path
from archiver.adapters.browser import find_chromium
found = find_chromium()
if found is None:
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        path = p.chromium.executable_path
        found = path if Path(path).exists() else None
sys.exit(0 if found else 1)
PY
}
if ! has_browser; then
  case "$(os_id)" in
    debian) apt_install chromium ;;
    ubuntu) as_root "$VENV/bin/playwright" install --with-deps chromium \
              || "$VENV/bin/playwright" install chromium ;;
    *) apt_install chromium || "$VENV/bin/playwright" install chromium ;;
  esac
  has_browser || { say "no Chromium: install one, or set ARCHIVER_CHROMIUM=/path/to/chrome"; exit 1; }
fi

# 3. A CJK font --------------------------------------------------------------------------------
if [ "$(uname -s)" = "Linux" ]; then
  if ! (command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=zh 2>/dev/null)" ]); then
    apt_install fonts-wqy-zenhei fontconfig || say "warning: no CJK font; screenshots show boxes"
  fi
fi
# 4. Redis and PostgreSQL ------------------------------------------------------------------------
# The cluster mode (`queue:` and `index:` in the configuration) runs on them, and the tests start
# their own servers from these programs on free ports in temporary directories. The daemon's
# embedded default (one process, SQLite, a local directory) needs neither.
has_postgres() {
  command -v postgres >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1
}
if ! command -v redis-server >/dev/null 2>&1; then
  apt_install redis-server || say "warning: no redis-server: the cluster tests cannot run"
fi
if ! has_postgres; then
  apt_install postgresql || say "warning: no PostgreSQL: the shared-index tests cannot run"
fi

say "ready: $("$VENV/bin/archiver" --version)"
