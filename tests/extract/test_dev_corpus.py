"""The dev corpus through the CLI and the scorer (skipped when ../shared is not next to the checkout)."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.skipif(not (SHARED / "eval" / "score.py").exists(), reason="../shared not present")
def test_scorer_over_dev_corpus():
    cmd = f"{sys.executable} -m kg.extract {{file}} --format json"
    done = subprocess.run([sys.executable, str(SHARED / "eval" / "score.py"), "--gold", str(SHARED / "eval/dev/gold.jsonl"),
                           "--texts", str(SHARED / "corpus/dev"), "--cmd", cmd], capture_output=True, text=True,
                          cwd=ROOT, timeout=600)
    summary = done.stdout.strip().splitlines()[-1]
    figures = dict(re.findall(r"(\w+)=([\w.]+)", summary))
    assert figures["failed"] == "0", done.stdout
    assert float(figures["spans_valid"]) == 1.0, summary


@pytest.mark.skipif(not (SHARED / "corpus" / "dev").exists(), reason="../shared not present")
def test_cli_error_is_one_line_and_exit_2(tmp_path):
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    done = subprocess.run([sys.executable, "-m", "kg.extract", str(bad)], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and str(bad) in done.stderr
