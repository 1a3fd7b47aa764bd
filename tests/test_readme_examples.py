"""Every example in README.md runs against the sample data (data/): ```sparql blocks through the store (≥ 1 row),
```bash lines starting with curl against a live server (exit 0, non-empty body), ```python blocks as scripts."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from kg.config import ROOT

README = (ROOT / "README.md").read_text("utf-8")
DOC_URL = "http://127.0.0.1:8000"
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```", re.S | re.M)


def blocks(lang: str) -> list[str]:
    return [body for kind, body in BLOCK.findall(README) if kind == lang]


def curl_lines() -> list[str]:
    return [line.strip() for body in blocks("bash") for line in body.splitlines() if line.strip().startswith("curl ")]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from tests.browser.livesite import build_store, free_port, serve
    base = f"http://127.0.0.1:{free_port()}/"
    store, settings = build_store(tmp_path_factory.mktemp("readme"), base)
    server, thread = serve(store, settings)
    yield base.rstrip("/"), store
    server.should_exit = True
    thread.join(timeout=10)


def test_readme_has_examples():
    assert len(blocks("sparql")) >= 4 and len(curl_lines()) >= 10 and blocks("python")


@pytest.mark.parametrize("i", range(len(blocks("sparql"))))
def test_sparql_example(site, i):
    _, store = site
    res = store.query(blocks("sparql")[i])
    assert res.rows, blocks("sparql")[i]


@pytest.mark.skipif(not shutil.which("curl"), reason="curl is not installed")
@pytest.mark.parametrize("i", range(len(curl_lines())))
def test_curl_example(site, i):
    url, _ = site
    cmd = curl_lines()[i].replace(DOC_URL, url)
    cmd = cmd.replace("curl ", "curl --fail --max-time 30 ", 1)
    p = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], capture_output=True, timeout=60)
    assert p.returncode == 0, (cmd, p.stderr.decode()[-500:])
    assert p.stdout.strip(), cmd


@pytest.mark.parametrize("i", range(len(blocks("python"))))
def test_python_example(site, i, tmp_path):
    url, _ = site
    script = tmp_path / "example.py"
    script.write_text(blocks("python")[i].replace(DOC_URL, url), "utf-8")
    p = subprocess.run([sys.executable, str(script)], capture_output=True, timeout=120, cwd=tmp_path)
    assert p.returncode == 0, p.stderr.decode()[-2000:]
    assert p.stdout.strip()
