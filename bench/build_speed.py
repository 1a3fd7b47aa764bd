#!/usr/bin/env python3
"""Build speed (issue 5): full `kg build`, rebuild after one change, rebuild with nothing changed.

    .venv/bin/python bench/build_speed.py                  # N = 200 and 1000
    .venv/bin/python bench/build_speed.py --n 1000 10000
    .venv/bin/python bench/build_speed.py --n 1000 --reuse # keep the corpus (and the store: skip the full build)

A script that prints ratios, not a timed test. Each measure is one `kg build` run as a user runs it (a fresh
interpreter: `python -m kg.cli build CORPUS --store oxigraph:STORE --quiet`), timed by wall clock from spawn to
exit, so imports, start-up and the store's publication are all included. Per N:

  full      a fresh store: read, extract, map, SHACL (the default engine, pySHACL), store     target >= 50 reports/s
  nochange  the same again: nothing changed
  one       one report changed (a sentence inserted): rebuild                                 target <= 5 s
  back      it changed back: rebuild                                                          target <= 5 s

The machine is shared: other jobs compete for its CPUs, so the 1-minute load average is sampled before and
after each measure and printed beside it; a load above the CPU count means the figure is pessimistic. The CPU
time of the full build (every process) is printed too: the ceiling it implies on idle CPUs moves much less with
the load than the wall time does.
Results: printed, and written to bench/results/build-speed.md. Work files: $TMPDIR/govkg-build-speed/<N>/.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
RESULTS = ROOT / "bench" / "results"
BASE = "http://127.0.0.1:8000/"
TARGET_RATE, TARGET_ONE_S = 50.0, 5.0
NO_DUMPS: list[str] = []


def log(msg: str) -> None:
    print(f"[build-speed {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def load1() -> float:
    return os.getloadavg()[0]


def cpu_children() -> float:
    """User + system CPU seconds of the finished child processes and their own waited-for children (the build's
    worker processes): unlike wall time, barely changed by other jobs on a shared machine."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def no_dumps_flag() -> list[str]:
    """`kg build` writes the dumps after a change unless told not to (when it has the option): that is publishing,
    timed by bench/dump_speed.py, not building."""
    p = subprocess.run([sys.executable, "-m", "kg.cli", "build", "--help"], capture_output=True, text=True, cwd=ROOT)
    return ["--no-dumps"] if "--no-dumps" in p.stdout else []


def run_build(corpus: Path, store: Path, timeout: float, env_extra: dict | None = None) -> dict:
    from scale import SUMMARY
    cmd = [sys.executable, "-m", "kg.cli", "build", str(corpus), "--store", f"oxigraph:{store}", "--base", BASE,
           "--quiet", *NO_DUMPS]
    env = dict(os.environ, GOVKG_QUARANTINE=str(store.parent / "quarantine"), **(env_extra or {}))
    la0 = load1()
    t0 = time.perf_counter()
    cpu0 = cpu_children()
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT, env=env)
    except subprocess.TimeoutExpired:
        return {"error": f"timeout after {timeout:.0f} s", "seconds": timeout, "load": (la0, load1())}
    out = {"seconds": time.perf_counter() - t0, "exit": p.returncode, "load": (la0, load1()),
           "cpu": cpu_children() - cpu0}
    m = SUMMARY.search(p.stderr)
    if m:
        out.update(zip(("accepted", "rejected", "unreadable", "unchanged", "withdrawn"), map(int, m.groups())))
    else:
        out["error"] = (p.stderr.strip().splitlines() or ["no summary line"])[-1][:300]
    return out


def generation(store: Path) -> str:
    try:
        return (store / "CURRENT").read_text().strip()
    except FileNotFoundError:
        return "-"


def run_size(n: int, a) -> dict:
    from scale import change_one
    work = Path(a.work) / str(n)
    corpus, store = work / "corpus", work / "store"
    work.mkdir(parents=True, exist_ok=True)
    marker = corpus / ".synth"
    want = f"{n} {a.seed}"
    if not (a.reuse and marker.exists() and marker.read_text() == want):
        from kg.synth import synthesize
        shutil.rmtree(corpus, ignore_errors=True)
        synthesize(n, corpus, seed=a.seed)
        marker.write_text(want)
        shutil.rmtree(store, ignore_errors=True)
    timeout = 600 + n
    R: dict = {"n": n}
    if not (a.reuse and (store / "CURRENT").exists()):
        shutil.rmtree(store, ignore_errors=True)
        shutil.rmtree(work / "quarantine", ignore_errors=True)
        log(f"N={n}: full build ...")
        R["full"] = run_build(corpus, store, timeout)
        log(f"  {R['full']}")
    log(f"N={n}: rebuild, nothing changed ...")
    g0 = generation(store)
    R["nochange"] = run_build(corpus, store, timeout)
    R["nochange"]["new_generation"] = generation(store) != g0
    f0 = corpus / "synth-000000.txt"
    original = change_one(f0)
    try:
        log(f"N={n}: rebuild, one report changed ...")
        R["one"] = run_build(corpus, store, timeout)
    finally:
        f0.write_text(original, encoding="utf-8")
    log(f"N={n}: rebuild, changed back ...")
    R["back"] = run_build(corpus, store, timeout)
    log(f"  {R}")
    return R


def fmt_load(m: dict) -> str:
    a, b = m["load"]
    return f"{a:.1f} → {b:.1f}"


def markdown(results: list[dict], note: str) -> str:
    cpus = os.cpu_count() or 1
    import pyoxigraph as ox
    lines = [f"# Build speed: `kg build` on synthetic reports\n",
             f"{dt.datetime.now().isoformat(timespec='seconds')} · {cpus} CPU, Python {platform.python_version()}, "
             f"pyoxigraph {ox.__version__} · SHACL engine `{os.environ.get('GOVKG_SHACL_ENGINE', 'pyshacl')}` · "
             f"`bench/build_speed.py`{' · ' + note if note else ''}\n",
             "Wall time of one `kg build` process each (start-up included). The machine is shared with other "
             "engineers' jobs: *load* is the 1-minute load average before → after the measure, on "
             f"{cpus} CPUs; above {cpus} the figure is pessimistic.\n",
             "| N | measure | result | target | ratio | met | load |",
             "|---:|---|---|---|---:|---|---|"]
    for R in results:
        n = R["n"]
        f = R.get("full")
        if f:
            if "accepted" in f:
                rate = f["accepted"] / f["seconds"]
                lines.append(f"| {n} | full build | {rate:.1f} reports/s ({f['accepted']} accepted, "
                             f"{f['rejected']} rejected in {f['seconds']:.1f} s) | ≥ {TARGET_RATE:.0f}/s | "
                             f"{rate / TARGET_RATE:.2f}× | {'yes' if rate >= TARGET_RATE else '**no**'} | "
                             f"{fmt_load(f)} |")
                per = f["cpu"] / f["accepted"]
                lines.append(f"| {n} | full build, CPU | {per * 1000:.1f} ms CPU per report ({f['cpu']:.1f} s, all "
                             f"processes) → at most {cpus / per:.1f} reports/s on {cpus} idle CPUs | – | – | – | "
                             f"{fmt_load(f)} |")
            else:
                lines.append(f"| {n} | full build | failed: {f.get('error')} | | | **no** | {fmt_load(f)} |")
        nc = R["nochange"]
        lines.append(f"| {n} | rebuild, nothing changed | {nc['seconds']:.2f} s ({nc.get('unchanged', '?')} unchanged"
                     f"{', new generation published' if nc.get('new_generation') else ', no new generation'}) "
                     f"| – | – | – | {fmt_load(nc)} |")
        for key, what in (("one", "rebuild, one report changed"), ("back", "rebuild, it changed back")):
            m = R[key]
            ok = "accepted" in m and m["accepted"] == 1 and m["seconds"] <= TARGET_ONE_S
            lines.append(f"| {n} | {what} | {m['seconds']:.2f} s ({m.get('accepted', '?')} rebuilt) | "
                         f"≤ {TARGET_ONE_S:.0f} s | {m['seconds'] / TARGET_ONE_S:.2f}× | {'yes' if ok else '**no**'} | "
                         f"{fmt_load(m)} |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, nargs="+", default=[200, 1000])
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--work", default=str(Path(tempfile.gettempdir()) / "govkg-build-speed"))
    ap.add_argument("--reuse", action="store_true", help="reuse the corpus and, when there, the built store")
    ap.add_argument("--note", default="", help="a note for the results header")
    ap.add_argument("--out", default=str(RESULTS / "build-speed.md"))
    ap.add_argument("--dumps", action="store_true", help="let kg build write the dumps too (its default)")
    a = ap.parse_args(argv)
    global NO_DUMPS
    NO_DUMPS = [] if a.dumps else no_dumps_flag()
    if NO_DUMPS:
        a.note = (a.note + " · " if a.note else "") + "`kg build --no-dumps` (dump writing is timed by bench/dump_speed.py)"
    results = [run_size(n, a) for n in a.n]
    md = markdown(results, a.note)
    print(md)
    if a.out:
        Path(a.out).parent.mkdir(parents=True, exist_ok=True)
        Path(a.out).write_text(md, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
