"""`kg serve` itself (uvicorn with kg.web.httpserver's options): a GET whose URL is over 64 KiB is answered 414 with a
sentence saying to POST, not uvicorn's "400 Invalid HTTP request received."; a GET just under the bound and a POST
reach the application, which applies its own query-size limit (413)."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from urllib.parse import quote

import httpx
import pytest

from kg.config import ROOT
from kg.web.httpserver import MAX_URL_BYTES

from conftest import free_port


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("serve")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVKG_")}
    env.update(GOVKG_DUMPS=str(tmp / "dumps"), GOVKG_QUARANTINE=str(tmp / "quarantine"))
    log = open(tmp / "serve.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", "--store", "memory:", "--host", "127.0.0.1",
                             "--port", str(port), "--quiet"], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"kg serve exited: {(tmp / 'serve.log').read_text()}")
            try:
                if httpx.get(url + "/healthz", timeout=2).status_code < 500:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("kg serve did not come up")
            time.sleep(0.2)
        yield port
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        log.close()


def _raw(port: int, request: bytes) -> tuple[int, str]:
    """Send bytes, read to the end: (status, body). Raw, because HTTP clients refuse such URLs themselves."""
    with socket.create_connection(("127.0.0.1", port), timeout=20) as c:
        c.sendall(request)
        data = b""
        while chunk := c.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body.decode("utf-8", "replace")


def _get(port: int, target: str) -> tuple[int, str]:
    return _raw(port, f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/sparql-results+json\r\n"
                      f"Connection: close\r\n\r\n".encode())


def test_long_get_is_414_with_a_sentence(served):
    query = "ASK {} #" + "x" * 70_000
    status, body = _get(served, "/sparql?query=" + quote(query))
    assert status == 414, body
    assert "POST" in body and "application/sparql-query" in body and "Invalid HTTP request" not in body


def test_get_under_the_url_bound_reaches_the_app(served):
    prefix = "/sparql?query="
    query = "ASK {} #" + "x" * (MAX_URL_BYTES - len(prefix) - len("ASK%20%7B%7D%20%23"))
    target = prefix + quote(query)
    assert len(target) == MAX_URL_BYTES
    status, body = _get(served, target)
    assert status == 200 and '"boolean"' in body
    status, body = _get(served, target + "x")
    assert status == 414


def test_long_post_gets_the_apps_413(served):
    query = ("ASK {} #" + "x" * 70_000).encode()
    status, body = _raw(served, b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
                                b"Content-Length: " + str(len(query)).encode() + b"\r\nConnection: close\r\n\r\n" + query)
    assert status == 413 and "65536 bytes" in body
    query = ("ASK {} #" + "x" * 60_000).encode()
    status, body = _raw(served, b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
                                b"Accept: application/sparql-results+json\r\nContent-Length: "
                                + str(len(query)).encode() + b"\r\nConnection: close\r\n\r\n" + query)
    assert status == 200 and '"boolean"' in body


def test_the_414_carries_the_apps_security_headers(served):
    target = "/sparql?query=" + quote("ASK {} #" + "x" * 70_000)
    with socket.create_connection(("127.0.0.1", served), timeout=20) as c:
        c.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := c.recv(65536):
            data += chunk
    head = data.partition(b"\r\n\r\n")[0].decode("latin-1").lower()
    assert head.startswith("http/1.1 414")
    for header in ("x-content-type-options: nosniff", "access-control-allow-origin: *", "content-security-policy:"):
        assert header in head, header
