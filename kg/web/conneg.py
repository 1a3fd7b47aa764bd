"""Content negotiation: pick one of the media types we offer from an Accept header (RFC 9110 §12.5.1)."""
from __future__ import annotations

# Entity representations, in server preference order (first wins a tie, e.g. for "*/*").
ENTITY_TYPES = {
    "text/html": "html",
    "text/turtle": "ttl",
    "application/n-triples": "nt",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdf",
}
SUFFIX_TYPES = {v: k for k, v in ENTITY_TYPES.items()}
# Types some clients send that mean one of ours: the first of these on offer (graphs, or SPARQL results).
ALIASES = {
    "application/x-turtle": ("text/turtle",),
    "text/n3": ("text/turtle",),
    "text/plain": ("application/n-triples",),
    "application/json": ("application/ld+json", "application/sparql-results+json"),
    "application/xml": ("application/rdf+xml", "application/sparql-results+xml"),
    "text/xml": ("application/rdf+xml", "application/sparql-results+xml"),
    "application/xhtml+xml": ("text/html",),
}


def weighted(header: str | None) -> list[tuple[str, float]]:
    """[(token, q)] of a header in the Accept style (Accept, Accept-Language: RFC 9110 §12.4.2), tokens as
    written and stripped, q clamped to 0..1; a q that is not a number (NaN too) refuses (0)."""
    out = []
    for part in (header or "").split(","):
        token, *params = (x.strip() for x in part.split(";"))
        q = 1.0
        for param in params:
            k, _, v = param.partition("=")
            if k.strip().lower() == "q":
                try:
                    q = float(v)
                except ValueError:
                    q = 0.0
                q = min(max(q, 0.0), 1.0) if q == q else 0.0
        out.append((token, q))
    return out


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """[(media range, q)], malformed parts skipped. No header, or none that parses, means anything is acceptable."""
    out = [(mt.lower(), q) for mt, q in weighted(header) if "/" in mt]
    return out or [("*/*", 1.0)]   # nothing parseable (or no header): as if no header had been sent


def _quality(offer: str, ranges: list[tuple[str, float]]) -> tuple[float, int]:
    """q of the most specific range that matches `offer`, and that specificity (2 exact, 1 type/*, 0 */*)."""
    best_spec, best_q = -1, 0.0
    otype = offer.split("/")[0]
    for mt, q in ranges:
        if mt == offer:
            spec = 2
        elif mt == otype + "/*":
            spec = 1
        elif mt == "*/*":
            spec = 0
        else:
            continue
        if spec > best_spec:
            best_spec, best_q = spec, q
    return best_q, best_spec


def _ranges(header: str | None, offers: list[str]) -> list[tuple[str, float]]:
    """The Accept ranges, an alias (application/json) standing for one of ours (application/ld+json) unless what
    it names is on offer itself."""
    def meant(mt: str) -> str:
        if mt in offers or mt not in ALIASES:
            return mt
        return next((a for a in ALIASES[mt] if a in offers), ALIASES[mt][0])
    return [(meant(mt), q) for mt, q in parse_accept(header)]


def negotiate(header: str | None, offers: list[str]) -> str | None:
    """The offer the client prefers most (server order breaks ties), or None if nothing is acceptable."""
    ranges = _ranges(header, offers)
    best, best_key = None, (0.0, -1)
    for i, offer in enumerate(offers):
        q, spec = _quality(offer, ranges)
        if q <= 0:
            continue
        key = (q, -i)
        if best is None or key > best_key:
            best, best_key = offer, key
    return best


def prefers_html(header: str | None, others: list[str]) -> bool:
    """True when the client asked for HTML explicitly and likes it at least as much as any of `others`
    (so "*/*" from a script gets data, a browser's "text/html,...,*/*;q=0.8" gets the page)."""
    ranges = _ranges(header, ["text/html", *others])
    q_html, spec = _quality("text/html", ranges)
    if spec < 2 or q_html <= 0:
        return False
    return all(_quality(o, ranges)[0] <= q_html for o in others)
