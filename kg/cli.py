"""The `kg` command: extract | build | serve | query | dump | validate | synth.

Errors a user can act on are printed as one line on stderr with a non-zero exit, never as a traceback.
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

from kg.config import PLACEHOLDER_EMAIL, ROOT, Settings


def _settings(args) -> Settings:
    s = Settings()
    if getattr(args, "store", None):
        s = replace(s, store=args.store)   # its dumps and quarantine follow it (Settings.dumps_dir)
    if getattr(args, "base", None):
        s = replace(s, base_iri=args.base if args.base.endswith("/") else args.base + "/")
    return s


def _fail(msg: str, code: int = 1) -> int:
    print(f"kg: {msg}", file=sys.stderr)
    return code


def cmd_extract(args) -> int:
    from kg.extract import extract
    from kg.source import read
    from kg.source.model import SourceError

    try:
        src = read(args.file)
    except SourceError as exc:
        return _fail(str(exc), 2)
    except OSError as exc:
        return _fail(f"{args.file}: {exc.strerror or exc}", 2)
    ex = extract(src)
    if args.format == "json":
        json.dump(ex.to_json(), sys.stdout, ensure_ascii=False, indent=None if args.compact else 1)
        sys.stdout.write("\n")
        return 0
    from kg.rdf.mapping import map_extraction
    s = _settings(args)
    rg = map_extraction(ex, s, source_name=Path(args.file).name)
    g = rg.report + rg.entities
    from kg.rdf.namespaces import bind_prefixes
    bind_prefixes(g)
    sys.stdout.write(g.serialize(format={"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}[args.format]))
    return 0


def _open_store(s: Settings):
    from kg.store.base import StoreError, open_store
    try:
        return open_store(s.store)
    except StoreError as exc:
        raise SystemExit(_fail(str(exc)))


def cmd_build(args) -> int:
    from kg.build import EXIT_FATAL, BuildError, build
    s = _settings(args)
    paths = args.paths or [str(ROOT / "data")]
    store = _open_store(s)
    try:
        summary = build(paths, store, s, jobs=args.jobs, full=args.full, progress=not args.quiet)
    except (FileNotFoundError, BuildError) as exc:
        return _fail(str(exc), EXIT_FATAL)
    finally:
        store.close()
    print(summary.line(), file=sys.stderr)
    if not args.no_dumps and (summary.accepted or summary.withdrawn or not _dumps_exist(s)):
        _write_dumps(s)  # the published dumps always match the published data
    for kind in ("rejected", "unreadable"):
        for p in getattr(summary, kind):
            print(f"  {kind}: {p}", file=sys.stderr)
    return summary.exit_code


def _dumps_exist(s: Settings) -> bool:
    from kg.publish.dumps import read_manifest
    try:
        return bool(read_manifest(s.dumps_dir, s.base_iri))   # another dataset's dumps there: write ours
    except (OSError, ValueError, TypeError):  # an unreadable manifest: write them again
        return False


def _write_dumps(s: Settings, out: Path | None = None) -> list:
    from kg.publish.dumps import write_dumps
    store = _open_store(s)
    try:
        infos = write_dumps(store, out or s.dumps_dir, s)
    finally:
        store.close()
    for d in infos:
        print(f"dump: {d.path}  {d.size} bytes  sha256 {d.sha256}", file=sys.stderr)
    return infos


def cmd_validate(args) -> int:
    from kg.build import process_file
    s = _settings(args)
    worst = 0
    for f in args.files:
        o = process_file(f, s)
        if o.status == "accepted":
            print(f"{f}: conforms")
        elif o.status == "rejected":
            print(f"{f}: does not conform\n{o.validation}")
            worst = max(worst, 4)
        else:
            print(o.message, file=sys.stderr)
            worst = max(worst, 2)
    return worst


def catalog_defaults_note(s: Settings) -> str | None:
    """A line for kg serve's start-up while the catalog's contact point is still the placeholder: portals would
    harvest it, with a publisher and licence nobody chose."""
    if s.contact_email != PLACEHOLDER_EMAIL:
        return None
    return (f"note: the DCAT catalog names the placeholder contact {PLACEHOLDER_EMAIL}, publisher {s.publisher_name!r} "
            f"and licence {s.license_iri}; before portals harvest it, set GOVKG_CONTACT_EMAIL, GOVKG_PUBLISHER and "
            "GOVKG_LICENSE (README, Configuration)")


def cmd_serve(args) -> int:
    import uvicorn

    s = _settings(args)
    if args.build is not None:
        rc = cmd_build(argparse.Namespace(paths=args.build, store=args.store, base=args.base, jobs=None,
                                          full=False, quiet=False, no_dumps=False))
        if rc & 1:
            return rc
    if args.host not in ("127.0.0.1", "localhost", "::1") and not args.public:
        return _fail("refusing to listen on a non-loopback address without --public")
    from kg.web.app import create_app
    app = create_app(settings=s)
    print(f"GovKG serving {s.store} on http://{args.host}:{args.port}/  (IRIs under {s.base_iri})", file=sys.stderr)
    note = catalog_defaults_note(s)
    if note:
        print(note, file=sys.stderr)
    # Behind a reverse proxy, --forwarded-allow-ips lets X-Forwarded-For name the client (per-client limits).
    # uvicorn_options: a URL over 64 KiB (a long GET query) gets 414 with a sentence saying to POST it.
    from kg.web.httpserver import uvicorn_options
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning" if args.quiet else "info",
                proxy_headers=bool(args.forwarded_allow_ips), forwarded_allow_ips=args.forwarded_allow_ips,
                **uvicorn_options())
    return 0


def cmd_query(args) -> int:
    from kg.store.base import QueryError, QueryTimeout
    s = _settings(args)
    store = _open_store(s)
    media = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
             "csv": "text/csv", "tsv": "text/tab-separated-values", "ttl": "text/turtle",
             "nt": "application/n-triples", "jsonld": "application/ld+json"}[args.format]
    sparql = Path(args.sparql[1:]).read_text(encoding="utf-8") if args.sparql.startswith("@") else args.sparql
    try:
        res = store.query_serialized(sparql, media, timeout_s=args.timeout, max_rows=args.max_rows)
    except (QueryError, QueryTimeout) as exc:
        return _fail(str(exc), 2)
    finally:
        store.close()
    sys.stdout.buffer.write(res.body)
    if res.truncated:
        print(f"kg: result truncated at {args.max_rows} rows", file=sys.stderr)
    return 0


def cmd_dump(args) -> int:
    s = _settings(args)
    _write_dumps(s, Path(args.out) if args.out else None)
    return 0


def cmd_synth(args) -> int:
    from kg.synth import synthesize
    n = synthesize(args.n, Path(args.dir), seed=args.seed)
    print(f"wrote {n} synthetic reports to {args.dir}", file=sys.stderr)
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kg", description="GovKG: government reports -> linked data")
    sub = p.add_subparsers(dest="cmd", required=True)

    def common(sp):
        sp.add_argument("--store", help="oxigraph:PATH | memory: | http://host/sparql (default $GOVKG_STORE or oxigraph:var/store)")
        sp.add_argument("--base", help="base IRI of minted identifiers (default $GOVKG_BASE_IRI)")

    e = sub.add_parser("extract", help="print what one report says, as JSON (shared/eval/SCHEMA.md) or RDF")
    e.add_argument("file")
    e.add_argument("--format", choices=["json", "ttl", "nt", "jsonld"], default="json")
    e.add_argument("--compact", action="store_true", help="JSON on one line")
    common(e)
    e.set_defaults(fn=cmd_extract)

    b = sub.add_parser("build", help="extract, validate and store reports (default: data/)")
    b.add_argument("paths", nargs="*")
    b.add_argument("--jobs", type=int, help="worker processes (default: CPU count)")
    b.add_argument("--full", action="store_true", help="rebuild every report, ignoring content hashes")
    b.add_argument("--quiet", action="store_true", help="no progress bar")
    b.add_argument("--no-dumps", action="store_true", help="do not rewrite the dumps after the build")
    common(b)
    b.set_defaults(fn=cmd_build)

    v = sub.add_parser("validate", help="extract and check reports against shapes/ without storing them")
    v.add_argument("files", nargs="+")
    common(v)
    v.set_defaults(fn=cmd_validate)

    s = sub.add_parser("serve", help="serve the store: /sparql, entity pages, dumps")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--build", nargs="*", metavar="PATH", help="build these first (no PATH: data/)")
    s.add_argument("--public", action="store_true", help="allow a non-loopback --host")
    s.add_argument("--forwarded-allow-ips", metavar="IPS",
                   help="trust X-Forwarded-For from these proxy addresses (comma-separated), for per-client limits")
    s.add_argument("--quiet", action="store_true")
    common(s)
    s.set_defaults(fn=cmd_serve)

    q = sub.add_parser("query", help="run a SPARQL query (text, or @file.rq) against the store")
    q.add_argument("sparql")
    q.add_argument("--format", choices=["json", "xml", "csv", "tsv", "ttl", "nt", "jsonld"], default="csv")
    q.add_argument("--timeout", type=float, default=60.0)
    q.add_argument("--max-rows", type=int, default=None)
    common(q)
    q.set_defaults(fn=cmd_query)

    d = sub.add_parser("dump", help="write the dumps (N-Triples, N-Quads, Turtle, JSON-LD; gzip) with checksums")
    d.add_argument("--out", help="folder (default $GOVKG_DUMPS or var/dumps)")
    common(d)
    d.set_defaults(fn=cmd_dump)

    y = sub.add_parser("synth", help="write N synthetic reports of the genre (for scale tests)")
    y.add_argument("n", type=int)
    y.add_argument("dir")
    y.add_argument("--seed", type=int, default=20240601)
    y.set_defaults(fn=cmd_synth)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.cmd == "serve" and args.build == []:
        args.build = [str(ROOT / "data")]
    try:
        return args.fn(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
