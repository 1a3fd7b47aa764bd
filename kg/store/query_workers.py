"""Worker processes for user queries on the embedded store: pyoxigraph cannot cancel a query, so user queries run
in a small pool of subprocesses that each open the live generation read-only; at the time limit the worker is
killed (and replaced in the background) and QueryTimeout raised."""
from __future__ import annotations

import fcntl
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path

from kg.store.base import QueryError, QueryTimeout, Serialized, StoreError
from kg.store.oxicore import execute_serialized


def _worker_main(conn) -> None:
    """Loop: receive a query for a generation, answer with the serialised result or an error."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl-C goes to the server, which stops us
    from kg.store.oxigraph import Generation
    gen: Generation | None = None
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        name, folder, sparql, media_type, default_graphs, named_graphs, max_rows = request
        try:
            if gen is None or gen.name != name:
                gen = None
                gen = Generation(name, Path(folder) if folder else None)
            s = execute_serialized(gen.ox, sparql, media_type, default_graphs, named_graphs, max_rows)
            reply, body = ("ok", s.media_type, s.truncated), s.body
        except QueryError as exc:
            reply, body = ("query", str(exc)), None
        except Exception as exc:  # the parent turns it into StoreError
            reply, body = ("store", f"{type(exc).__name__}: {exc}"), None
        try:
            conn.send(reply)
            if body is not None:   # raw bytes after the small header: no pickling of the body
                conn.send_bytes(body)
        except (BrokenPipeError, OSError):
            return


class _Worker:
    """A worker process started with subprocess (not multiprocessing: that re-imports the parent's __main__,
    which breaks scripts and servers), talking pickled messages over two pipes."""

    def __init__(self):
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        _widen_pipe(from_child_w)   # a reply of up to 1 MB in one write, not 16 wake-ups of 64 KB
        package_root = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(
            [package_root] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
        code = f"from kg.store.query_workers import _worker_entry; _worker_entry({to_child_r}, {from_child_w})"
        try:
            self.proc = subprocess.Popen([sys.executable, "-c", code], pass_fds=(to_child_r, from_child_w),
                                         env=env, stdin=subprocess.DEVNULL, start_new_session=True)
        finally:
            os.close(to_child_r)
            os.close(from_child_w)
        self.conn = Connection(to_child_w, readable=False), Connection(from_child_r, writable=False)

    def send(self, obj):
        self.conn[0].send(obj)

    def poll(self, timeout):
        return self.conn[1].poll(timeout)

    def recv(self):
        return self.conn[1].recv()

    def recv_bytes(self) -> bytes:
        return self.conn[1].recv_bytes()

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(5)
        self.close_pipes()

    def close_pipes(self):
        for c in self.conn:
            if not c.closed:
                c.close()

    def stop(self):
        try:
            self.send(None)
            self.proc.wait(2)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self.kill()


def _widen_pipe(fd: int, size: int = 1 << 20) -> None:
    """Linux: raise the pipe's buffer (64 KB by default) so a large reply does not ping-pong between the processes;
    capped by /proc/sys/fs/pipe-max-size (1 MB by default). Elsewhere, or when refused, the default stays."""
    try:
        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), size)
    except OSError:
        pass


def _worker_entry(read_fd: int, write_fd: int) -> None:
    _worker_main(_Duplex(Connection(read_fd, writable=False), Connection(write_fd, readable=False)))


class _Duplex:
    def __init__(self, incoming, outgoing):
        self.incoming, self.outgoing = incoming, outgoing

    def recv(self):
        return self.incoming.recv()

    def send(self, obj):
        self.outgoing.send(obj)

    def send_bytes(self, data):
        self.outgoing.send_bytes(data)


class QueryWorkers:
    """At most `size` worker processes, started on demand; a killed one is replaced in the background."""

    def __init__(self, size: int):
        self.size = max(1, size)
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self._started = 0
        self._count_lock = threading.Lock()
        self._closed = False

    def _checkout(self, deadline: float | None) -> _Worker:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            pass
        with self._count_lock:
            start = self._started < self.size
            if start:
                self._started += 1
        if start:
            try:
                return _Worker()
            except BaseException:
                with self._count_lock:
                    self._started -= 1
                raise
        wait = None if deadline is None else max(0.0, deadline - time.monotonic())
        try:
            return self._idle.get(timeout=wait)
        except queue.Empty:
            raise QueryTimeout("the query waited past its time limit for a free query worker") from None

    def _discard(self, w: _Worker):
        """Kill a worker and start its replacement in the background, so the next query does not wait for it."""
        w.kill()

        def replace():
            try:
                fresh = _Worker()
            except OSError:
                with self._count_lock:
                    self._started -= 1
                return
            if self._closed:
                fresh.stop()
            else:
                self._idle.put(fresh)

        threading.Thread(target=replace, daemon=True, name="govkg-query-respawn").start()

    def run(self, request: tuple, timeout_s: float | None) -> Serialized:
        deadline = time.monotonic() + timeout_s if timeout_s else None
        w = self._checkout(deadline)
        try:
            w.send(request)
            wait = None if deadline is None else max(0.0, deadline - time.monotonic())
            if not w.poll(wait):
                self._discard(w)
                raise QueryTimeout(f"the query ran longer than the {timeout_s:g} s limit and was stopped")
            reply = w.recv()
            body = w.recv_bytes() if reply[0] == "ok" else None
        except (EOFError, OSError):
            self._discard(w)
            raise StoreError("the query worker died (out of memory?)") from None
        except QueryTimeout:
            raise
        except BaseException:
            self._discard(w)  # interrupted mid-query: its state is unknown
            raise
        self._idle.put(w)
        if reply[0] == "ok":
            return Serialized(body, reply[1], reply[2])
        if reply[0] == "query":
            raise QueryError(reply[1])
        raise StoreError(reply[1])

    def close(self):
        self._closed = True
        while True:
            try:
                w = self._idle.get_nowait()
            except queue.Empty:
                break
            w.stop()
            with self._count_lock:
                self._started -= 1
