#!/usr/bin/env bash
# One command for a new user: set up, build data/ into the embedded Oxigraph store (var/store), serve it on
# http://127.0.0.1:8000/ . Extra arguments go to `kg serve` (e.g. --port 8080).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/kg serve --build data "$@"
