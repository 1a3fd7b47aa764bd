"""python -m kg.extract FILE [--format json|summary]: print the extraction of one report."""
from __future__ import annotations

import argparse
import json
import sys

from kg.extract import extract
from kg.source import read
from kg.source.model import SourceError


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="kg extract", description="Extract facts from one report file.")
    ap.add_argument("file")
    ap.add_argument("--format", choices=("json", "summary"), default="json")
    ap.add_argument("--max-bytes", type=int, default=None, help="refuse files larger than this")
    args = ap.parse_args(argv)
    try:
        src = read(args.file, max_bytes=args.max_bytes)
    except SourceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    ex = extract(src)
    if args.format == "json":
        json.dump(ex.to_json(), sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        r = ex.report
        print(f"title: {r.title}\nagency: {r.agency}\nyear: {r.year_covered}\npublished: {r.published}\n"
              f"doc_number: {r.doc_number}\nindex_number: {r.index_number}\naddressees: {r.addressees}")
        for i in ex.instruments:
            print(f"  instrument [{i.kind}] {i.name}  ({i.surface})")
        for e in ex.events:
            print(f"  event {e.name}")
        for a in ex.agencies:
            print(f"  agency [{a.role}] {a.name}  ({a.surface})")
        for it in ex.initiatives:
            print(f"  initiative [{it.status}] {it.title}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
