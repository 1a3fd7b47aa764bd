"""How `kg serve` runs uvicorn: the HTTP protocol and its request-size options.

A GET query travels in the URL, percent-encoded (up to 3 bytes per ASCII byte of the query, 9 per Chinese
character). uvicorn's fast parser, httptools (a dependency: 2-3x the requests/s of h11), refuses a URL longer than
65,535 bytes (httptools.parse_url) before the application sees the request, with "400 Invalid HTTP request
received.", and keeps every byte of a URL of any size until then. The protocol below keeps at most MAX_URL_BYTES + 1
bytes of a URL and answers a longer one with 414 URI Too Long and a sentence telling to POST long queries, which
/sparql takes up to GOVKG_MAX_QUERY_BYTES (413 past that, from the application). When httptools is missing uvicorn
uses h11, whose bound on a request head is raised to the same URL length plus room for headers.
"""
from __future__ import annotations

import logging

MAX_URL_BYTES = 65535            # httptools.parse_url's limit; a GET query must fit in it, percent-encoded
H11_HEAD_BYTES = MAX_URL_BYTES + 16 * 1024   # h11: request line plus headers
URL_TOO_LONG = (
    f"414 URI Too Long: this server reads URLs of up to {MAX_URL_BYTES} bytes. Send a long SPARQL query to /sparql "
    "with POST, as the body (Content-Type: application/sparql-query) or as a form (application/x-www-form-urlencoded, "
    "query=...); see /sparql#limits.\n")

log = logging.getLogger("kg.web.http")


def uvicorn_options() -> dict:
    """Keyword arguments for uvicorn.run/Config: our httptools protocol, or h11 with a raised head bound."""
    try:
        return {"http": _httptools_protocol()}
    except ImportError:
        return {"http": "h11", "h11_max_incomplete_event_size": H11_HEAD_BYTES}


def _httptools_protocol():
    import httptools  # noqa: F401  (uvicorn's module imports it too: fail here, cleanly, when it is missing)
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    class URLTooLong(Exception):
        pass

    class Protocol(HttpToolsProtocol):
        """uvicorn's httptools protocol with a bounded URL and a 414 of our own past the bound."""

        def on_url(self, url: bytes) -> None:
            room = MAX_URL_BYTES + 1 - len(self.url)
            if room > 0:
                self.url += url[:room]   # one byte over the limit is enough to know; the rest is not kept

        def on_headers_complete(self) -> None:
            if len(self.url) > MAX_URL_BYTES:
                raise URLTooLong()   # the parser stops; uvicorn answers through send_400_response
            super().on_headers_complete()

        def send_400_response(self, msg: str) -> None:
            if len(getattr(self, "url", b"")) <= MAX_URL_BYTES:
                super().send_400_response(msg)
                return
            log.info("refused a URL longer than %d bytes (414)", MAX_URL_BYTES)
            body = URL_TOO_LONG.encode("ascii")
            head = [b"HTTP/1.1 414 URI Too Long\r\n"]
            for name, value in self.server_state.default_headers:
                head += [name, b": ", value, b"\r\n"]
            from kg.web.app import SECURITY_HEADERS   # the headers every answer of the app carries
            for name, value in SECURITY_HEADERS:
                head += [name, b": ", value, b"\r\n"]
            head += [b"content-type: text/plain; charset=utf-8\r\n",
                     b"content-length: " + str(len(body)).encode("ascii") + b"\r\n",
                     b"connection: close\r\n\r\n"]
            self.transport.write(b"".join(head) + body)
            self.transport.close()

    return Protocol
