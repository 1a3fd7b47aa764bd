"""Helpers for the robustness tests (issue 6): the real `kg` CLI in subprocesses, a `kg serve` on a free port,
and a look at an on-disk store that does not go through the code under test more than it must."""
from __future__ import annotations

import hashlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import pytest

from kg.config import ROOT

KG = [sys.executable, "-m", "kg.cli"]
REPORT_GRAPH = "/graph/report/"


def kg_env(tmp: Path, **extra: str) -> dict[str, str]:
    """An environment for a `kg` subprocess whose var/ folders are all under `tmp`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVKG_")}
    env.update(GOVKG_QUARANTINE=str(tmp / "quarantine"), GOVKG_DUMPS=str(tmp / "dumps"), PYTHONUNBUFFERED="1")
    env.update(extra)
    return env


def kg(args: list[str], tmp: Path, timeout: float = 300, **env) -> subprocess.CompletedProcess:
    return subprocess.run(KG + args, cwd=ROOT, env=kg_env(tmp, **env), capture_output=True, text=True,
                          timeout=timeout)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def live_generation(store: Path) -> Path | None:
    try:
        return store / (store / "CURRENT").read_text().strip()
    except FileNotFoundError:
        return None


def graph_digests(store: Path) -> dict[str, tuple[int, str]]:
    """graph IRI -> (triple count, sha256 of its sorted N-Quads) of the live generation, read directly."""
    import pyoxigraph as ox

    gen = live_generation(store)
    if gen is None:
        return {}
    s = ox.Store.read_only(str(gen))
    lines = defaultdict(list)
    for q in s:
        lines[q.graph_name.value].append(f"{q.subject} {q.predicate} {q.object}")
    del s
    return {g: (len(v), hashlib.sha256("\n".join(sorted(v)).encode()).hexdigest()) for g, v in lines.items()}


def all_quads(store: Path) -> set[str]:
    import pyoxigraph as ox

    gen = live_generation(store)
    if gen is None:
        return set()
    s = ox.Store.read_only(str(gen))
    out = {str(q) for q in s}
    del s
    return out


class Server:
    """`kg serve` on 127.0.0.1:<port>; stopped by its PID (and its process group: its query workers)."""

    def __init__(self, store: Path, tmp: Path, port: int | None = None, **env):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(tmp / f"serve-{self.port}.log", "w")
        cmd = KG + ["serve", "--store", f"oxigraph:{store}", "--base", self.url + "/", "--host", "127.0.0.1",
                    "--port", str(self.port), "--quiet"]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=kg_env(tmp, **env), stdout=self.log,
                                     stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self, timeout: float = 60) -> None:
        import httpx

        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"kg serve exited with {self.proc.returncode}: {Path(self.log.name).read_text()}")
            try:
                if httpx.get(self.url + "/healthz", timeout=2).status_code < 500:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError("kg serve did not come up")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        try:  # query workers live in their own sessions; the server stops them, this is a safety net
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.log.close()

    def __enter__(self):
        try:
            self.wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()


@pytest.fixture(scope="session")
def synth_corpus(tmp_path_factory) -> Path:
    """40 synthetic reports (kg synth through the CLI)."""
    d = tmp_path_factory.mktemp("synth")
    r = kg(["synth", "40", str(d / "corpus")], d)
    assert r.returncode == 0, r.stderr
    return d / "corpus"
