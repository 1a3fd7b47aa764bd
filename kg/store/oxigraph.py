"""Embedded Oxigraph on disk: crash-safe writes, consistent reads during rebuilds, killable user queries.

Layout of the store folder:

    CURRENT          the name of the live generation ("gen-000007\\n"), replaced atomically with os.replace
    WRITE.lock       flock'ed (exclusive) by the one process writing
    gen-000006/      the previous generation, kept for readers still on it
    gen-000007/      the live generation: a RocksDB folder nobody writes to any more
    gen-000007/READERS   every process reading the generation holds a shared flock on it

Atomicity. A transaction takes a RocksDB checkpoint of the live generation into a new folder (hard links, so it
costs milliseconds whatever the size), opens that copy read-write, applies the changes, flushes, closes it, fsyncs
it and only then points CURRENT at it. CURRENT is the only thing readers trust, and it changes with one rename, so
a process killed at any point leaves the last whole state: a half-written generation is simply not referenced and
is removed by the next writer. A transaction that raises deletes its folder.

Reader consistency. Published generations are never written again. A reader opens the live one with
`Store.read_only` and, on each call, stats CURRENT (one syscall): when the inode changed it opens the new generation.
Each call runs on one generation from start to end; `snapshot()` pins one for several calls (a page, a set of dumps).
The shared flock on READERS tells the writer which old generations are still in use: it deletes a generation
older than the previous one only when it can take that lock exclusively.

User queries (`query_serialized`) run in a small pool of worker processes that open the live generation read-only;
pyoxigraph cannot cancel a query, so at the time limit the worker is killed (and replaced on demand) and
QueryTimeout raised (kg.store.query_workers). Bounded queries from pages (`query`) run in process.
"""
from __future__ import annotations

import fcntl
import os
import re
import shutil
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pyoxigraph as ox

from kg.store.base import QueryError, Serialized, Store, StoreError, Transaction
from kg.store.oxicore import PyOxigraphStore, _View, check_query, to_ox
from kg.store.query_workers import QueryWorkers

CURRENT = "CURRENT"
WRITE_LOCK = "WRITE.lock"
READERS = "READERS"
EMPTY = "gen-000000"          # the name of the state before the first transaction
_GEN = re.compile(r"^gen-(\d{6,})$")


def _gen_number(name: str) -> int:
    m = _GEN.match(name)
    return int(m.group(1)) if m else -1


def _fsync_path(path: Path, directory: bool = False) -> None:
    fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if directory else 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Generation(_View):
    """One published generation opened read-only, holding a shared lock on its READERS file while referenced."""

    def __init__(self, name: str, folder: Path | None):
        self.name = name
        self._fd = None
        if folder is None:  # nothing published yet: an empty store
            self.ox = ox.Store()
            return
        fd = os.open(folder / READERS, os.O_RDONLY)   # FileNotFoundError when the writer deleted it meanwhile
        try:
            fcntl.flock(fd, fcntl.LOCK_SH)
            if not (folder / READERS).exists():        # deleted between our open and our lock
                raise FileNotFoundError(folder)
            self.ox = ox.Store.read_only(str(folder))
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd

    def __del__(self):
        # The RocksDB handle goes with this object; only then may the writer delete the folder.
        self.ox = None
        if self._fd is not None:
            os.close(self._fd)   # releases the shared lock
            self._fd = None


class DiskTransaction(Transaction):
    """Applies changes directly to the new generation's (unpublished) RocksDB: nothing is buffered beyond a batch,
    so a build of thousands of reports runs in constant memory. Atomicity comes from publishing, not from here."""

    BATCH = 100_000  # quads (Python objects) gathered before writing; this many go through the bulk loader
    # N-Quads text gathered before writing: one call to pyoxigraph's bulk loader, which costs less than half the CPU
    # of Store.load per quad (it sorts and writes new SST files instead of inserting key by key into 6 indexes).
    # Each call adds SST files that RocksDB compacts with everything already stored, so the cost per quad grows
    # with the store; fewer, bigger calls compact less (at 3M quads, 21 µs/quad in calls of 500k, 26 in calls of
    # 100k). 500k lines is about one build transaction (GOVKG_COMMIT_EVERY=500 reports), ~115 MB of text.
    NQ_BATCH = 500_000
    NQ_BULK_OVER = 5_000  # below this many lines (a small rebuild) Store.load: no new files for a handful of quads

    def __init__(self, store: ox.Store):
        self._ox = store
        self._pending: list[ox.Quad] = []
        self._pending_nq: list[bytes] = []   # N-Quads text from add_ntriples
        self._pending_nq_lines = 0
        self._pending_graphs: set[str] = set()      # graphs with additions waiting, as quads or as text
        self._pending_nq_graphs: set[str] = set()   # those with text among them

    def replace_graph(self, graph, triples):
        self.remove_graph(graph)
        self.add(graph, triples)

    def add(self, graph, triples):
        g = ox.NamedNode(graph)
        self._pending.extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o), g) for s, p, o in triples)
        self._pending_graphs.add(graph)
        if len(self._pending) >= self.BATCH:
            self._write_pending()

    def add_ntriples(self, graph, data):
        """N-Triples text -> N-Quads text (the graph IRI spliced before each line's final " ."), loaded by
        pyoxigraph's parser at the next write: no Python object per term. Falls back to parsing when a line does
        not end the way N-Triples writers end it."""
        if isinstance(data, str):
            data = data.encode("utf-8")
        suffix = f" <{ox.NamedNode(graph).value}> .\n".encode()   # NamedNode checks the IRI
        lines = data.count(b"\n")
        if lines and data.endswith(b" .\n") and data.count(b" .\n") == lines and not data.startswith(b"#") \
                and b"\n#" not in data:
            # Every line ends " .\n" (a raw line break cannot occur inside an N-Triples term): two C-level scans
            # and one replace instead of Python work per line.
            self._pending_nq.append(data.replace(b" .\n", suffix))
        else:
            kept = [line.rstrip() for line in data.split(b"\n")]
            kept = [line for line in kept if line]
            if not kept:
                return
            if any(not line.endswith(b".") or line.startswith(b"#") for line in kept):
                return super().add_ntriples(graph, data)
            self._pending_nq.append(b"".join(line[:-1].rstrip() + suffix for line in kept))
            lines = len(kept)
        self._pending_nq_lines += lines
        self._pending_graphs.add(graph)
        self._pending_nq_graphs.add(graph)
        if self._pending_nq_lines >= self.NQ_BATCH:
            self._write_pending()

    def remove_subject(self, graph, subject):
        """Removed from the store at once, and from the Python quads waiting to be added (so the order of
        operations holds without writing those first: the build forgets a report's records among hundreds of
        reports whose N-Quads wait for one bulk load)."""
        g, s = ox.NamedNode(graph), ox.NamedNode(subject)
        if graph in self._pending_nq_graphs:   # text cannot be filtered: write it first
            self._write_pending()
        if graph in self._pending_graphs:
            self._pending = [q for q in self._pending if not (q.subject == s and q.graph_name == g)]
        for q in list(self._ox.quads_for_pattern(s, None, None, g)):
            self._ox.remove(q)

    def remove_graph(self, graph):
        if graph in self._pending_graphs:  # keep the order of operations: pending adds to it land first
            self._write_pending()
        g = ox.NamedNode(graph)
        if self._ox.contains_named_graph(g):
            self._ox.remove_graph(g)

    def update(self, sparql_update):
        self._write_pending()
        try:
            self._ox.update(sparql_update)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL Update syntax error: {exc}") from None

    def _write_pending(self):
        if self._pending:
            if len(self._pending) >= self.BATCH:
                self._ox.bulk_extend(self._pending)
            else:
                self._ox.extend(self._pending)   # small batches: one RocksDB write batch, no new files
            self._pending = []
        if self._pending_nq:
            data = b"".join(self._pending_nq)
            try:
                if self._pending_nq_lines >= self.NQ_BULK_OVER:
                    self._ox.bulk_load(input=data, format=ox.RdfFormat.N_QUADS)
                else:
                    self._ox.load(input=data, format=ox.RdfFormat.N_QUADS)
            except SyntaxError as exc:
                raise StoreError(f"invalid N-Triples given to the store: {exc}") from None
            self._pending_nq, self._pending_nq_lines = [], 0
        self._pending_graphs, self._pending_nq_graphs = set(), set()

    def _finish(self):
        self._write_pending()
        self._ox.flush()
        self._ox = None   # drop the handle so RocksDB closes


class _WorkerQueries:
    """User queries of an on-disk store, run by query worker processes; the class says which generation
    (_worker_request)."""

    def query_serialized(self, sparql, media_type, *, default_graphs=None, named_graphs=None,
                         timeout_s=None, max_rows=None) -> Serialized:
        return self._workers.run(self._worker_request(sparql, media_type, default_graphs, named_graphs, max_rows),
                                 timeout_s)

    async def query_serialized_async(self, sparql, media_type, *, default_graphs=None, named_graphs=None,
                                     timeout_s=None, max_rows=None, executor=None) -> Serialized:
        # awaited on the worker's pipe from the event loop: no thread (the executor is not needed)
        return await self._workers.run_async(
            self._worker_request(sparql, media_type, default_graphs, named_graphs, max_rows), timeout_s)


class OxigraphStore(_WorkerQueries, PyOxigraphStore):
    def __init__(self, path: str | os.PathLike, *, workers: int | None = None):
        self.path = Path(path)
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the store folder {self.path}: {exc}") from None
        self._swap = threading.Lock()
        self._live_gen: Generation | None = None
        self._live_key = None
        n = workers if workers is not None else int(os.environ.get("GOVKG_QUERY_WORKERS", "0") or 0)
        self._workers = QueryWorkers(n or min(4, os.cpu_count() or 2))
        self._lock = threading.Lock()
        self._gen = 0

    # --- reading -------------------------------------------------------------------------------------------

    def _current_key(self):
        try:
            st = os.stat(self.path / CURRENT)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def _read_current(self) -> str | None:
        try:
            name = (self.path / CURRENT).read_text().strip()
        except FileNotFoundError:
            return None
        return name if _GEN.match(name) else None

    def _view(self) -> Generation:
        """The live generation; reopened when CURRENT changed (checked with one stat per call)."""
        key = self._current_key()
        gen = self._live_gen
        if gen is not None and key == self._live_key:
            return gen
        with self._swap:
            for _ in range(50):
                key = self._current_key()
                name = self._read_current()
                try:
                    gen = Generation(name, self.path / name) if name else Generation(EMPTY, None)
                except FileNotFoundError:   # a writer moved on twice meanwhile: read CURRENT again
                    time.sleep(0.01)
                    continue
                except OSError as exc:
                    raise StoreError(f"cannot open the store at {self.path}: {exc}") from None
                if key == self._current_key():
                    self._live_gen, self._live_key = gen, key
                    return gen
            raise StoreError(f"the store at {self.path} keeps changing; cannot open a stable generation")

    def generation(self) -> str:
        return self._view().name

    def snapshot(self) -> Store:
        return PinnedStore(self._view(), self._workers, self.path)

    def published_at(self, generation: str) -> float | None:
        return _published_at(self.path, generation)

    def refresh(self) -> None:
        """Nothing to do: every call looks at CURRENT. Kept so callers can say what they mean."""
        self._view()

    def _worker_request(self, sparql, media_type, default_graphs, named_graphs, max_rows) -> tuple:
        check_query(sparql)  # cheap refusals without a round trip
        gen = self._view()
        folder = str(self.path / gen.name) if gen.name != EMPTY else None
        return (gen.name, folder, sparql, media_type, default_graphs, named_graphs, max_rows)

    # --- writing -------------------------------------------------------------------------------------------

    @contextmanager
    def _writer_lock(self):
        fd = os.open(self.path / WRITE_LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)   # another build waits here
            yield
        finally:
            os.close(fd)

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        with self._lock, self._writer_lock():
            live = self._read_current()
            self._remove_generations(unpublished_only=True)
            new = f"gen-{max([_gen_number(live or EMPTY)] + self._generation_numbers()) + 1:06d}"
            folder = self.path / new
            try:
                if live:
                    # Checkpoint from our own read-only handle on the live generation (opened if need be).
                    source = self._view()
                    if source.name != live:
                        raise StoreError("CURRENT changed while the write lock was held")
                    source.ox.backup(str(folder))
                store = ox.Store(str(folder))
            except OSError as exc:
                shutil.rmtree(folder, ignore_errors=True)
                raise StoreError(f"cannot start a transaction in {self.path}: {exc}") from None
            tx = DiskTransaction(store)
            del store
            try:
                yield tx
                tx._finish()
            except BaseException:
                tx._ox = None
                shutil.rmtree(folder, ignore_errors=True)
                raise
            self._publish(new, folder)
            self._gen += 1
            self._remove_generations(keep={new, live})

    def _publish(self, name: str, folder: Path) -> None:
        (folder / READERS).touch()
        for f in folder.iterdir():        # data on disk before the name that points at it
            if f.is_file():
                _fsync_path(f)
        _fsync_path(folder, directory=True)
        tmp = self.path / (CURRENT + ".tmp")
        with open(tmp, "w") as fh:
            fh.write(name + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path / CURRENT)   # the commit point
        _fsync_path(self.path, directory=True)

    def _generation_numbers(self) -> list[int]:
        return [_gen_number(p.name) for p in self.path.iterdir() if _GEN.match(p.name)]

    def _remove_generations(self, keep: set = frozenset(), unpublished_only: bool = False) -> None:
        """Called with the write lock held. Removes generations that were never published (a writer died) and,
        unless unpublished_only, older ones (not in `keep`) that no reader holds any more."""
        live = _gen_number(self._read_current() or EMPTY)
        for p in self.path.iterdir():
            if not _GEN.match(p.name) or p.name in keep:
                continue
            if _gen_number(p.name) > live or not (p / READERS).exists():
                shutil.rmtree(p, ignore_errors=True)     # half-written: nobody can be reading it
                continue
            if unpublished_only:
                continue
            fd = os.open(p / READERS, os.O_RDONLY)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue                                 # still read; removed by a later transaction
            try:
                (p / READERS).unlink()                   # readers waiting on the lock will see it gone
                shutil.rmtree(p, ignore_errors=True)
            finally:
                os.close(fd)

    def close(self) -> None:
        self._workers.close()
        self._live_gen = None
        self._live_key = None


def _published_at(path: Path, generation: str) -> float | None:
    try:   # READERS is created by _publish and never written again (readers only lock it)
        return os.stat(path / generation / READERS).st_mtime
    except (OSError, ValueError):
        return None


class PinnedStore(_WorkerQueries, PyOxigraphStore):
    """A read-only view of one generation (see OxigraphStore.snapshot)."""

    def __init__(self, gen: Generation, workers: QueryWorkers, path: Path):
        self._pinned = gen
        self._workers = workers
        self._path = path
        self._lock = threading.Lock()

    def _view(self):
        return self._pinned

    def generation(self) -> str:
        return self._pinned.name

    def published_at(self, generation: str) -> float | None:
        return _published_at(self._path, generation)

    def _worker_request(self, sparql, media_type, default_graphs, named_graphs, max_rows) -> tuple:
        check_query(sparql)
        folder = str(self._path / self._pinned.name) if self._pinned.name != EMPTY else None
        return (self._pinned.name, folder, sparql, media_type, default_graphs, named_graphs, max_rows)

    @contextmanager
    def transaction(self):
        raise StoreError("a snapshot is read-only")
        yield  # pragma: no cover

    def close(self):
        self._pinned = None
