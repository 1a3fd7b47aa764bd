#!/usr/bin/env bash
# Set up GovKG on a fresh machine with Python 3.11: a virtualenv in .venv with the package (editable) and,
# with --test, the test tools and the Debian packages the real-client tests use (Virtuoso, Chromium) when
# this user can install them. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
# pip >= 24 resolves lxml[html-clean] for trafilatura correctly (the machine's pip 23 does not)
.venv/bin/python -m pip install -q --upgrade "pip>=24" 2>&1 | grep -v -e '^WARNING: Location' -e '^$' || true
if [ "${1:-}" = "--test" ]; then
  .venv/bin/python -m pip install -q -e ".[test]" 2>&1 | grep -v -e '^WARNING: Location' || true
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
  .venv/bin/python -m pip install -q -e . 2>&1 | grep -v -e '^WARNING: Location' || true
fi
