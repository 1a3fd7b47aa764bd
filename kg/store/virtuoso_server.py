"""A private Virtuoso Open Source instance (Debian's virtuoso-opensource) for the remote-store tests, the benchmarks
and local trials: a fresh DB folder with its own virtuoso.ini, free ports on 127.0.0.1 only, stopped by PID.
Settings follow shared/bench/bench.py; the buffer pool and query memory are parameters (small for tests).

    v = Virtuoso(Path("/tmp/virt"), buffers=340_000, max_query_mem="2G", data_dir=Path("/tmp/data"))
    v.start(); v.load("dump.nq"); ...; v.stop()
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

VIRTUOSO_BIN = shutil.which("virtuoso-t")
ISQL_BIN = shutil.which("isql-vt")

INI = """[Database]
DatabaseFile       = virtuoso.db
ErrorLogFile       = virtuoso.log
LockFile           = virtuoso.lck
TransactionFile    = virtuoso.trx
xa_persistent_file = virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase
[TempDatabase]
DatabaseFile       = virtuoso-temp.db
TransactionFile    = virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0
[Parameters]
ServerPort               = 127.0.0.1:{isql_port}
LiteMode                 = 0
DisableUnixSocket        = 1
DisableTcpSocket         = 0
MaxClientConnections     = 20
CheckpointInterval       = 60
O_DIRECT                 = 0
CaseMode                 = 2
MaxStaticCursorRows      = 5000
CheckpointAuditTrail     = 0
AllowOSCalls             = 0
SchedulerInterval        = 10
DirsAllowed              = ., {dirs_allowed}/usr/share/virtuoso-opensource-7/vad
ThreadCleanupInterval    = 0
ThreadThreshold          = 10
ResourcesCleanupInterval = 0
FreeTextBatchSize        = 100000
SingleCPU                = 0
VADInstallDir            = /usr/share/virtuoso-opensource-7/vad/
PrefixResultNames        = 0
RdfFreeTextRulesSize     = 100
IndexTreeMaps            = 64
MaxMemPoolSize           = 200000000
MaxQueryMem              = {max_query_mem}
VectorSize               = 1000
MaxVectorSize            = 1000000
AdjustVectorSize         = 0
ThreadsPerQuery          = 2
AsyncQueueMaxThreads     = 10
NumberOfBuffers          = {buffers}
MaxDirtyBuffers          = {dirty}
[HTTPServer]
ServerPort                  = 127.0.0.1:{http_port}
ServerRoot                  = /var/lib/virtuoso-opensource-7/vsp
MaxClientConnections        = 20
DavRoot                     = DAV
EnabledDavVSP               = 0
HTTPProxyEnabled            = 0
TempASPXDir                 = 0
ServerThreads               = 20
MaxKeepAlives               = 20
KeepAliveTimeout            = 10
MaxCachedProxyConnections   = 10
ProxyConnectionCacheTimeout = 15
HTTPThreadSize              = 280000
HttpPrintWarningsInOutput   = 0
Charset                     = UTF-8
EnabledGzipContent          = 0
[AutoRepair]
BadParentLinks = 0
[Client]
SQL_PREFETCH_ROWS  = 100
SQL_PREFETCH_BYTES = 16000
SQL_QUERY_TIMEOUT  = 0
SQL_TXN_TIMEOUT    = 0
[URIQA]
DynamicLocal = 0
DefaultHost  = 127.0.0.1:{http_port}
[SPARQL]
ResultSetMaxRows           = 1000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime      = 0
DeferInferenceRulesInit    = 0
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Virtuoso:
    def __init__(self, db_dir: Path, *, data_dir: Path | None = None, buffers: int = 20_000,
                 max_query_mem: str = "1G"):
        self.db_dir = Path(db_dir)
        self.data_dir = Path(data_dir).resolve() if data_dir else None   # where bulk loads may read files
        self.buffers, self.max_query_mem = buffers, max_query_mem
        self.isql_port, self.http_port = free_port(), free_port()
        while self.http_port == self.isql_port:
            self.http_port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def sparql_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql"

    url = sparql_url

    def isql(self, sql: str, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run([ISQL_BIN, f"127.0.0.1:{self.isql_port}", "dba", "dba", f"exec={sql}"],
                              capture_output=True, text=True, timeout=timeout)

    def start(self, wait_s: float = 180) -> float:
        """Start and wait until SPARQL answers; returns the seconds it took (DB creation included)."""
        import httpx
        self.db_dir.mkdir(parents=True, exist_ok=True)
        (self.db_dir / "virtuoso.ini").write_text(INI.format(
            isql_port=self.isql_port, http_port=self.http_port, max_query_mem=self.max_query_mem,
            buffers=self.buffers, dirty=self.buffers * 3 // 4,
            dirs_allowed=f"{self.data_dir}, " if self.data_dir else ""))
        self.log = open(self.db_dir / "stdout.log", "w")
        self.proc = subprocess.Popen([VIRTUOSO_BIN, "+configfile", "virtuoso.ini", "+foreground"],
                                     cwd=self.db_dir, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        t0 = time.monotonic()
        while time.monotonic() - t0 < wait_s:
            if self.proc.poll() is not None:
                raise RuntimeError(f"virtuoso-t exited; see {self.db_dir / 'virtuoso.log'}")
            try:
                if httpx.get(self.sparql_url, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                    return time.monotonic() - t0
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"virtuoso did not answer within {wait_s} s")

    def load(self, fname: str, graph: str = "urn:govkg:default") -> float:
        """Bulk-load one file from data_dir (N-Quads keep their graphs); returns seconds."""
        t = time.perf_counter()
        r = self.isql(f"ld_dir('{self.data_dir}', '{fname}', '{graph}'); rdf_loader_run(); checkpoint;", timeout=1800)
        if r.returncode != 0:
            raise RuntimeError(r.stdout[-1500:] + r.stderr[-1500:])
        chk = self.isql("select ll_file, ll_state, ll_error from DB.DBA.load_list;")
        if "NULL" not in chk.stdout:
            raise RuntimeError("loader error: " + chk.stdout[-1500:])
        return time.perf_counter() - t

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            try:
                self.isql("shutdown;", timeout=60)
                self.proc.wait(timeout=60)
            except (subprocess.TimeoutExpired, OSError):
                self.proc.terminate()
                try:
                    self.proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
        self.proc = None
        self.log.close()
