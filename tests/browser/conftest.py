"""The live site the browser test drives: data/ plus 12 synthetic reports, served on a free port."""
from __future__ import annotations

import pytest

from tests.browser.livesite import build_store, free_port, serve


@pytest.fixture(scope="session")
def live_site(tmp_path_factory):
    """(base URL without the final slash, store) for data/ + 12 synthetic reports."""
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    store, settings = build_store(tmp_path_factory.mktemp("browser"), base, synth=12)
    server, thread = serve(store, settings)
    yield base.rstrip("/"), store
    server.should_exit = True
    thread.join(timeout=10)
