"""Helpers for a live GovKG on 127.0.0.1:<free port> over an on-disk Oxigraph store built from data/ plus a few synthetic
reports (with `kg build`'s own code path), for the browser and README tests."""
from __future__ import annotations

import socket
import threading
import time
from dataclasses import replace
from pathlib import Path

from kg.config import ROOT, Settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_store(tmp: Path, base: str, synth: int = 0):
    from kg.build import build
    from kg.store.base import open_store
    settings = replace(Settings(), base_iri=base, store=f"oxigraph:{tmp / 'store'}",
                       quarantine=tmp / "quarantine", dumps=tmp / "dumps")
    store = open_store(settings.store)
    inputs = [str(ROOT / "data")]
    if synth:
        from kg.synth import synthesize
        synthesize(synth, tmp / "synth", seed=7)
        inputs.append(str(tmp / "synth"))
    summary = build(inputs, store, settings, progress=False)
    assert summary.accepted and not summary.rejected, summary.line()
    return store, settings


def serve(store, settings):
    import uvicorn
    from kg.web.app import create_app
    port = int(settings.base_iri.rsplit(":", 1)[1].strip("/"))
    server = uvicorn.Server(uvicorn.Config(create_app(store, settings), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    return server, thread
