#!/usr/bin/env bash
# One command for the test suite: set up (with test tools, Virtuoso and Chromium when installable) and run pytest.
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
exec .venv/bin/python -m pytest "$@"
