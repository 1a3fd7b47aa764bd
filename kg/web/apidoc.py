"""What /openapi.json says a machine-readable route answers: the media types of its 200 (or its 303), and its errors
with their status and media types. Given to the routes as FastAPI's own `responses=`; a route that answers anything
but JSON also says `response_class=Response`, so FastAPI does not claim application/json for it.

    responses(ok(...) or see_other(...), errors(400, 404, ...))
"""
from __future__ import annotations

from kg.web.common import RDF_FORMATS

TEXT = {"type": "string"}
RDF_TYPES = [mt for mt, _ in RDF_FORMATS.values()]   # text/turtle, application/n-triples, application/ld+json, …
# The body of a 400 on the routes that answer errors as JSON (the stored queries' .json form).
ERROR_JSON = {"type": "object", "required": ["error", "problems"], "properties": {
    "error": {"type": "string", "description": "what kind of error, in the request's language"},
    "problems": {"type": "array", "items": {"type": "string"},
                 "description": "one sentence per parameter that is wrong, naming it and saying why"}}}

ERRORS = {
    400: "Bad request: a parameter is not valid. The answer names each one and says why, in the request's language "
         "(?lang=zh|en, else Accept-Language).",
    403: "Forbidden: SPARQL Update is not accepted (the endpoint is read-only).",
    404: "Not found.",
    406: "Not acceptable: none of the media types on offer is acceptable; the answer names them.",
    413: "The query or the request body is longer than the limit.",
    415: "Unsupported media type of the request body, or not UTF-8.",
    429: "Too many queries running for this client at once; see Retry-After.",
    503: "The query ran longer than the time limit, or the store is unavailable; see Retry-After.",
}


def content(media_types, schema: dict | None = None) -> dict:
    return {mt: {"schema": dict(schema or TEXT)} for mt in media_types}


def ok(media_types, description: str = "OK", schema: dict | None = None) -> dict:
    """A 200 in these media types (which one: by Accept, by suffix or by the query form, as the route says)."""
    return {200: {"description": description, "content": content(media_types, schema)}}


def see_other(description: str) -> dict:
    return {303: {"description": description, "headers": {
        "Location": {"description": "where the answer is", "schema": {"type": "string"}},
        "Vary": {"description": "Accept: the target depends on it", "schema": {"type": "string"}}}}}


def errors(*codes: int, json_400: bool = False) -> dict:
    """Errors as text/plain, or as an HTML page for clients that ask for text/html; with json_400 a 400 is JSON
    ({"error": …, "problems": […]}) for every client that does not ask for HTML."""
    out = {}
    for code in codes:
        if code == 400 and json_400:
            body = {"application/json": {"schema": dict(ERROR_JSON)}, "text/html": {"schema": dict(TEXT)}}
        else:
            body = content(["text/plain", "text/html"])
        out[code] = {"description": ERRORS[code], "content": body}
    return out


def responses(*parts: dict) -> dict:
    out: dict = {}
    for p in parts:
        out.update(p)
    return out
