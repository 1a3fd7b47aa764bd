from __future__ import annotations

from kg.extract import extract_text


def run(text: str, **meta):
    return extract_text(text, meta=meta)


def spans_ok(ex) -> bool:
    t = ex.text
    for item in ex.instruments + ex.agencies + ex.events:
        for s, e in item.spans:
            if t[s:e] != item.surface:
                return False
        for s, e in getattr(item, "alias_spans", []):
            if t[s:e] not in item.aliases:
                return False
    for group in (ex.initiatives, ex.figures, ex.sections, ex.contacts):
        for item in group:
            for s, e in item.spans:
                if not (0 <= s < e <= len(t)):
                    return False
    return True
