#!/usr/bin/env bash
# Set up GovKG on a fresh machine with Python 3.11: a virtualenv in .venv with the package (editable) and,
# with --test, the test tools and the Debian packages the real-client tests use (Virtuoso, Chromium) when
# this user can install them. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}   # PYTHON=/path/to/python3.11 picks another interpreter
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "setup: GovKG needs Python 3.11 or newer; '$PY' is not (set PYTHON=/path/to/python3.11)" >&2
  exit 1
fi
if [ ! -x .venv/bin/python ] && ! "$PY" -m venv .venv; then
  echo "setup: '$PY -m venv' failed (on Debian/Ubuntu: apt-get install python3-venv)" >&2
  exit 1
fi
# pip's output without its noise; a failed install still fails the script (pipefail keeps pip's status)
pip_install() { PYTHONWARNINGS=ignore .venv/bin/python -m pip install -q "$@" 2>&1 | { grep -v -e '^WARNING: Location' -e '^$' || true; }; }
# pip >= 24 resolves lxml[html-clean] for trafilatura correctly (the machine's pip 23 does not)
pip_install --upgrade "pip>=24"
if [ "${1:-}" = "--test" ]; then
  pip_install -e ".[test]"
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    need=()
    command -v virtuoso-t >/dev/null || need+=(virtuoso-opensource)
    command -v chromium >/dev/null || need+=(chromium)
    command -v wrk >/dev/null || need+=(wrk)
    if [ ${#need[@]} -gt 0 ]; then
      echo "installing Debian packages: ${need[*]}" >&2
      (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" >/dev/null) \
        || echo "warning: could not install ${need[*]}; the tests that need them will be skipped" >&2
    fi
  fi
else
  pip_install -e .
fi
