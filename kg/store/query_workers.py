"""Worker processes for user queries on the embedded store: pyoxigraph cannot cancel a query, so user queries run
in a small pool of subprocesses that each open the live generation read-only; at the time limit the worker is
killed (and replaced in the background) and QueryTimeout raised.

A reply travels back as one frame on a pipe: a 12-byte prefix (header length, body length), the pickled header,
then the serialised body as raw bytes. The parent reads it either blocking (`run`, for threads and the CLI) or from
the event loop (`run_async`, for /sparql: no thread hop, the loop wakes up once when the reply is there)."""
from __future__ import annotations

import asyncio
import fcntl
import os
import pickle
import queue
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path

from kg.store.base import QueryError, QuerySyntaxError, QueryTimeout, Serialized, StoreError
from kg.store.oxicore import execute_serialized

_PREFIX = struct.Struct("!IQ")   # header length, body length
_READ_CHUNK = 1 << 20             # the widened pipe's size: one read takes all a pipe holds


def _worker_main(requests: Connection, reply_fd: int) -> None:
    """Loop: receive a query for a generation, answer with the serialised result or an error."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl-C goes to the server, which stops us
    from kg.store.oxigraph import Generation
    gen: Generation | None = None
    while True:
        try:
            request = requests.recv()
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
            header, body = ("ok", s.media_type, s.truncated), s.body
        except QueryError as exc:
            header, body = ("query", str(exc), getattr(exc, "raw", None)), b""
        except Exception as exc:  # the parent turns it into StoreError
            header, body = ("store", f"{type(exc).__name__}: {exc}"), b""
        try:
            _write_reply(reply_fd, header, body)
        except OSError:
            return


def _write_reply(fd: int, header: tuple, body: bytes) -> None:
    """One frame, written without copying the body (writev, continued where a full pipe cut it short)."""
    head = pickle.dumps(header)
    parts = [memoryview(p) for p in (_PREFIX.pack(len(head), len(body)), head, body) if p]
    while parts:
        sent = os.writev(fd, parts)
        while parts and sent >= len(parts[0]):
            sent -= len(parts.pop(0))
        if sent:
            parts[0] = parts[0][sent:]


class _ReplyReader:
    """Assembles one reply frame from whatever the pipe hands out, in three parts (prefix, header, body) read
    to their exact sizes, so the body is one bytes object as read (or one join of a few chunks), never sliced."""

    def __init__(self):
        self.stage = "prefix"
        self.size = _PREFIX.size       # bytes of the current part
        self.parts: list[bytes] = []
        self.got = 0
        self.header: tuple | None = None
        self.body_len = 0
        self.body: bytes | None = None

    def feed(self, fd: int) -> bool:
        """Read what is available now (the fd is non-blocking); True once the frame is complete.
        EOFError when the worker is gone."""
        while self.body is None:
            want = min(self.size - self.got, _READ_CHUNK)
            if want:
                try:
                    data = os.read(fd, want)
                except BlockingIOError:
                    return False
                if not data:
                    raise EOFError("the query worker closed its pipe")
                self.parts.append(data)
                self.got += len(data)
                if self.got < self.size:
                    continue
            part = self.parts[0] if len(self.parts) == 1 else b"".join(self.parts)
            self.parts, self.got = [], 0
            if self.stage == "prefix":
                self.size, self.body_len = _PREFIX.unpack(part)
                self.stage = "header"
            elif self.stage == "header":
                self.header = pickle.loads(part)
                self.stage, self.size = "body", self.body_len
            else:
                self.body = part
        return True

    def reply(self) -> tuple[tuple, bytes]:
        return self.header, self.body


class _Worker:
    """A worker process started with subprocess (not multiprocessing: that re-imports the parent's __main__,
    which breaks scripts and servers): requests go down a pickled Connection, replies come back as frames."""

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
        self.requests = Connection(to_child_w, readable=False)
        self.reply_fd = from_child_r
        os.set_blocking(from_child_r, False)   # both readers wait for readiness themselves

    def send(self, request) -> None:
        self.requests.send(request)

    def read_reply(self, deadline: float | None) -> tuple[tuple, bytes] | None:
        """Blocking: the reply, or None when the deadline passed first."""
        reader = _ReplyReader()
        while not reader.feed(self.reply_fd):
            wait = None if deadline is None else deadline - time.monotonic()
            if wait is not None and wait <= 0:
                return None
            select.select([self.reply_fd], [], [], wait)
        return reader.reply()

    async def read_reply_async(self, timeout: float | None) -> tuple[tuple, bytes]:
        """From the event loop: the reply, or asyncio.TimeoutError."""
        loop = asyncio.get_running_loop()
        reader = _ReplyReader()
        done: asyncio.Future = loop.create_future()

        def readable():
            if done.done():
                return
            try:
                if reader.feed(self.reply_fd):
                    done.set_result(reader.reply())
            except Exception as exc:   # EOFError, OSError: the worker died
                done.set_exception(exc)

        loop.add_reader(self.reply_fd, readable)
        try:
            return await asyncio.wait_for(done, timeout)
        finally:
            loop.remove_reader(self.reply_fd)

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(5)
        self.close_pipes()

    def close_pipes(self):
        if not self.requests.closed:
            self.requests.close()
        if self.reply_fd >= 0:
            os.close(self.reply_fd)
            self.reply_fd = -1

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
    _worker_main(Connection(read_fd, writable=False), write_fd)


def _result(header: tuple, body: bytes) -> Serialized:
    if header[0] == "ok":
        return Serialized(body, header[1], header[2])
    if header[0] == "query":
        raise QuerySyntaxError(header[1], header[2]) if header[2] else QueryError(header[1])
    raise StoreError(header[1])


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
        """Kill a worker and start its replacement in the background, so neither the caller nor the event loop
        waits for the old one to exit or the new one to start."""
        if w.proc.poll() is None:
            w.proc.kill()

        def replace():
            w.kill()   # reaps it and closes its pipes
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

    def _timed_out(self, w: _Worker, timeout_s: float) -> QueryTimeout:
        self._discard(w)
        return QueryTimeout(f"the query ran longer than the {timeout_s:g} s limit and was stopped")

    def run(self, request: tuple, timeout_s: float | None) -> Serialized:
        """Blocking: run `request` on a worker; for threads and the command line."""
        deadline = time.monotonic() + timeout_s if timeout_s else None
        w = self._checkout(deadline)
        try:
            w.send(request)
            reply = w.read_reply(deadline)
        except (EOFError, OSError):
            self._discard(w)
            raise StoreError("the query worker died (out of memory?)") from None
        except BaseException:
            self._discard(w)  # interrupted mid-query: its state is unknown
            raise
        if reply is None:
            raise self._timed_out(w, timeout_s)
        self._idle.put(w)
        return _result(*reply)

    async def run_async(self, request: tuple, timeout_s: float | None) -> Serialized:
        """The same from the event loop: the loop waits on the worker's pipe, no thread is involved unless every
        worker is busy (then a thread waits for a free one, up to the time limit)."""
        deadline = time.monotonic() + timeout_s if timeout_s else None
        try:
            w = self._idle.get_nowait()
        except queue.Empty:
            waiting = asyncio.get_running_loop().run_in_executor(None, self._checkout, deadline)
            try:
                w = await asyncio.shield(waiting)
            except asyncio.CancelledError:   # the worker it gets later goes back to the pool
                waiting.add_done_callback(lambda f: f.cancelled() or f.exception() or self._idle.put(f.result()))
                raise
        try:
            w.send(request)
            wait = None if deadline is None else max(0.0, deadline - time.monotonic())
            reply = await w.read_reply_async(wait)
        except asyncio.TimeoutError:
            raise self._timed_out(w, timeout_s) from None
        except (EOFError, OSError):
            self._discard(w)
            raise StoreError("the query worker died (out of memory?)") from None
        except BaseException:
            self._discard(w)  # cancelled (the client's request gave up) or interrupted: stop the query too
            raise
        self._idle.put(w)
        return _result(*reply)

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
