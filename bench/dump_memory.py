#!/usr/bin/env python3
"""Where a dump's memory goes: the N-Triples dump of an existing store, with the process's RSS sampled every
0.2 s and its peak reported per stage (imports, opening the store, planning: listing graphs, build records and
pieces, writing, then cleaning up: deleting the pieces no dump uses any more).

    .venv/bin/python bench/dump_memory.py STORE_FOLDER DUMPS_FOLDER

DUMPS_FOLDER holds the pieces (kg.publish.pieces) of an earlier dump, as `kg dump` keeps them; the dump itself is
written to a temporary folder and removed. A script that prints figures, not a test; the sampler can miss a spike
shorter than 0.2 s, so the process's maxrss is printed too.
"""
from __future__ import annotations

import resource
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def rss_mb() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) // 1024
    return 0


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    stage, peaks = ["start"], {}

    def sample():
        while True:
            peaks[stage[0]] = max(peaks.get(stage[0], 0), rss_mb())
            time.sleep(0.2)

    threading.Thread(target=sample, daemon=True).start()
    import kg.publish.dumps as dumps
    from kg.config import Settings
    from kg.store.oxigraph import OxigraphStore
    stage[0] = "imports"
    time.sleep(0.5)
    store = OxigraphStore(argv[0])
    stage[0] = "open"
    time.sleep(0.5)
    plan = dumps._plan

    def timed_plan(*a, **kw):
        stage[0] = "plan"
        p = plan(*a, **kw)
        stage[0] = "write"
        return p

    dumps._plan = timed_plan
    collect = dumps.pieces_mod.collect_garbage

    def timed_collect(*a, **kw):
        stage[0] = "clean up"
        return collect(*a, **kw)

    dumps.pieces_mod.collect_garbage = timed_collect
    settings = replace(Settings(), base_iri="http://127.0.0.1:8000/", dumps=Path(argv[1]))
    out = tempfile.mkdtemp(prefix="govkg-dump-memory-")
    t = time.monotonic()
    try:
        info, = dumps.write_dumps(store, out, settings, formats=["ntriples"])
    finally:
        shutil.rmtree(out, ignore_errors=True)
    seconds = time.monotonic() - t
    stage[0] = "done"
    time.sleep(0.5)
    print(f"{info.triples:,} triples in {seconds:.1f} s ({info.triples / seconds:,.0f}/s)")
    print("peak RSS by stage, MB: " + ", ".join(f"{k} {v}" for k, v in peaks.items()))
    print(f"maxrss {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB (target 300)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
