# ruff: noqa: S608 — SQL is a checked SELECT (datastore.check_sql) or quoted identifiers/paths
"""datastore_search_sql runs in sandbox worker processes, never in the web process. No Django.

Rules:
- A query runs in a worker process whose address space the kernel limits (`RLIMIT_AS`, set
  before the first query): a scalar function building one huge value (`range(10**9)`,
  `repeat('x', 2*10**9)`) fails inside the worker, never in the web process (audit F1).
- The web process kills the worker when the deadline passes (DuckDB's own interrupt, sent by
  the worker at the deadline, is honoured only between vectors); waiting for a free worker and
  its start-up count against the deadline. A killed, dead or out-of-memory worker is replaced
  at once, so the next query still runs.
- The worker stops fetching as soon as the JSON-encoded rows pass `max_bytes` and refuses the
  query (a 409 saying so), so neither process ever holds more than that much of a result.
- Workers are fresh interpreters (`python -m gongkai.opendata.sqlworker`: fork and exec, never a
  bare fork of a threaded web process, and no re-import of the web process's main module),
  started lazily by the process that uses them, at most `workers` per web process; each query
  checks one worker out, so threads never share one. The web process kills them at exit and
  they leave when their socket closes (the web process died), so tests and `make run` leave
  no orphans.
- Each worker keeps its last few sandbox connections warm, keyed by the tables' files and their
  modification times; a connection sees only those files and its settings are locked.
"""

import atexit
import contextlib
import json
import multiprocessing.connection
import os
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb

# (table name as a quoted identifier, its resolved file as a quoted string, the file's mtime_ns,
# whether it is a native DuckDB file): what a sandbox connection is built from. Quoted by the
# caller, so a worker imports DuckDB alone and starts fast.
Source = tuple[str, str, int, bool]

SANDBOXES_PER_WORKER = 4
FETCH_FIRST = 16  # rows of the first fetch: a few huge values must not all arrive at once
FETCH_MAX = 2048
KILL_GRACE_S = 0.3  # the worker's own interrupt usually answers within this; then it is killed
ROOT = str(Path(__file__).resolve().parents[2])  # where the worker imports `gongkai` from


class Refused(Exception):
    """The worker refused or could not finish the query; the message is for the caller."""


def timeout_message(timeout: float) -> str:
    return f"查询超过 {timeout:g} 秒，已中止"


MEMORY_MESSAGE = "查询占用内存过多，已中止"


def bytes_message(max_bytes: int) -> str:
    return f"查询结果超过 {max_bytes / 1024 / 1024:g} MB，已中止；请减少返回的行或列（如加 LIMIT）"


# --- the worker process --------------------------------------------------------------------------
def _serve(conn: multiprocessing.connection.Connection, memory_mb: int) -> None:
    """A worker's loop: one query at a time from `conn` until the web process closes it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C of `make run` is the parent's to handle
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    sandboxes: dict[tuple[Source, ...], duckdb.DuckDBPyConnection] = {}
    conn.send(("ready",))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        try:
            answer: tuple[Any, ...] = ("ok", *_run(sandboxes, memory_mb, *request))
        except Refused as e:
            answer = ("refused", str(e))
        except MemoryError:
            answer = ("oom", MEMORY_MESSAGE)
        except Exception as e:  # e.g. a value JSON cannot hold: refuse, keep serving
            answer = ("refused", f"SQL 执行出错：{type(e).__name__}")
        try:
            conn.send(answer)
        except (EOFError, OSError):
            return
        except MemoryError:
            conn.send(("oom", MEMORY_MESSAGE))
        except Exception as e:  # a value that cannot be pickled
            conn.send(("refused", f"SQL 执行出错：{type(e).__name__}"))


def _run(
    sandboxes: dict[tuple[Source, ...], duckdb.DuckDBPyConnection],
    memory_mb: int,
    text: str,
    sources: tuple[Source, ...],
    max_rows: int,
    max_bytes: int,
    timeout: float,
    budget: float,
) -> tuple[list[tuple[str, str]], list[tuple[Any, ...]], bool]:
    con = _sandbox(sandboxes, sources, memory_mb)
    _watchdog.arm(con, budget)
    try:
        cur = con.execute(f"SELECT * FROM (\n{text}\n) AS _q LIMIT {int(max_rows) + 1}")
        desc = cur.description or []
        names = [d[0] for d in desc]
        # each record repeats its keys: {"name": value, ...}
        key_bytes = sum(len(json.dumps(n, ensure_ascii=False).encode()) + 2 for n in names) + 2
        rows: list[tuple[Any, ...]] = []
        size = 0
        n = FETCH_FIRST
        while len(rows) <= max_rows:
            batch = cur.fetchmany(n)
            if not batch:
                break
            size += len(json.dumps(batch, ensure_ascii=False, default=str).encode())
            size += key_bytes * len(batch)
            if size > max_bytes:
                raise Refused(bytes_message(max_bytes))
            rows.extend(batch)
            n = min(n * 2, FETCH_MAX)
    except duckdb.InterruptException as e:
        raise Refused(timeout_message(timeout)) from e
    except duckdb.OutOfMemoryException as e:
        raise MemoryError from e
    except duckdb.PermissionException as e:
        raise Refused("不允许访问文件或扩展") from e
    except duckdb.Error as e:
        raise Refused(f"SQL 执行出错：{str(e).splitlines()[0][:200]}") from e
    finally:
        _watchdog.disarm()
    columns = [(d[0], str(d[1])) for d in desc]  # DuckDB's type names
    return columns, rows[:max_rows], len(rows) > max_rows


class _Watchdog:
    """Interrupts the running query at its deadline: one thread for the worker's life, woken
    only when it would otherwise sleep past the new deadline (a thread per query costs about
    a millisecond on a busy machine)."""

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.target: tuple[float, duckdb.DuckDBPyConnection] | None = None
        self.wakes = float("inf")  # when the watchdog next looks by itself
        self.thread: threading.Thread | None = None

    def arm(self, con: duckdb.DuckDBPyConnection, seconds: float) -> None:
        with self.cond:
            if self.thread is None:
                self.thread = threading.Thread(target=self._watch, daemon=True)
                self.thread.start()
            self.target = (time.monotonic() + seconds, con)
            if self.target[0] < self.wakes:
                self.cond.notify()

    def disarm(self) -> None:
        with self.cond:
            self.target = None

    def _watch(self) -> None:
        with self.cond:
            while True:
                if self.target is None:
                    self.wakes = float("inf")
                    self.cond.wait()
                    continue
                deadline, con = self.target
                left = deadline - time.monotonic()
                if left <= 0:
                    con.interrupt()
                    self.target = None
                else:
                    self.wakes = deadline
                    self.cond.wait(left)


_watchdog = _Watchdog()


def _sandbox(
    cache: dict[tuple[Source, ...], duckdb.DuckDBPyConnection],
    sources: tuple[Source, ...],
    memory_mb: int,
) -> duckdb.DuckDBPyConnection:
    """A locked connection for these tables: each a view of the table's DuckDB copy (its
    Parquet file for versions ingested before the copy existed); file access limited to those
    files, settings locked. Kept for the next query on the same files."""
    con = cache.get(sources)
    if con is not None:
        return con
    con = duckdb.connect(
        config={"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    )
    try:
        con.execute(f"SET allowed_paths=[{', '.join(path for _, path, _, _ in sources)}]")
        for n, (name, path, _, native) in enumerate(sources):
            if native:
                con.execute(f"ATTACH {path} AS src{n} (READ_ONLY)")
                con.execute(f"CREATE VIEW {name} AS SELECT * FROM src{n}.t")
            else:
                con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet({path})")
        con.execute("SET enable_external_access=false")
        # DuckDB's buffer manager gets half the address space; the rest is headroom
        con.execute(f"SET memory_limit='{max(64, memory_mb // 2)}MB'")
        con.execute("SET threads=2")
        con.execute("SET lock_configuration=true")
    except BaseException:
        con.close()
        raise
    if len(cache) >= SANDBOXES_PER_WORKER:
        cache.pop(next(iter(cache))).close()
    cache[sources] = con
    return con


# --- the web side ---------------------------------------------------------------------------------
class _Worker:
    """One sandbox process: a fresh interpreter (fork and exec, never a bare fork of a threaded
    web process), talking over a socket pair."""

    def __init__(self, memory_mb: int) -> None:
        ours, theirs = socket.socketpair()
        env = {
            **os.environ,
            "MALLOC_ARENA_MAX": "2",  # glibc reserves far less address space with fewer arenas
            "PYTHONPATH": os.pathsep.join(p for p in (ROOT, os.environ.get("PYTHONPATH")) if p),
        }
        try:
            self.proc = subprocess.Popen(  # noqa: S603 — our own interpreter and module
                [sys.executable, "-m", __name__, str(theirs.fileno()), str(memory_mb)],
                pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, env=env,
            )  # fmt: skip
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        self.conn = multiprocessing.connection.Connection(ours.detach())
        self.ready = False
        with _live_lock:
            _live.add(self)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def started(self) -> bool:
        return self.ready or self.conn.poll(0)

    def wait_ready(self, seconds: float) -> bool:
        """Whether a fresh worker finished its start-up (importing DuckDB) within `seconds`."""
        if not self.ready:
            if not self.conn.poll(max(0.0, seconds)):
                return False
            self.conn.recv()
            self.ready = True
        return True

    def stop(self) -> None:
        with _live_lock:
            _live.discard(self)
        with contextlib.suppress(OSError):
            self.proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(2)
        self.conn.close()


_live: set[_Worker] = set()
_live_lock = threading.Lock()


@atexit.register
def _stop_all() -> None:
    """No worker outlives its web process (they also leave when their socket closes)."""
    with _live_lock:
        workers = list(_live)
    for w in workers:
        w.stop()


def _forget_after_fork() -> None:
    """A forked child leaves its parent's workers alone: new locks, no pools, nothing to stop."""
    global _live_lock, _pools_lock
    _live_lock, _pools_lock = threading.Lock(), threading.Lock()
    _live.clear()
    _pools.clear()


class Pool:
    """At most `workers` sandbox processes of this web process; one per query at a time."""

    def __init__(self, workers: int, memory_mb: int) -> None:
        self.size = max(1, workers)
        self.memory_mb = memory_mb
        self.idle: list[_Worker] = []
        self.count = 0
        self.cond = threading.Condition()

    def _checkout(self, deadline: float) -> _Worker:
        with self.cond:
            while not self.idle and self.count >= self.size:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise Refused("SQL 查询繁忙，请稍后再试")
                self.cond.wait(left)
            while self.idle:
                # a started worker first: a fresh one may still be importing DuckDB
                ready = [i for i, w in enumerate(self.idle) if w.started()]
                worker = self.idle.pop(ready[-1] if ready else -1)
                if worker.alive():
                    return worker
                worker.stop()  # died while idle (killed from outside): start another
                self.count -= 1
            self.count += 1
        try:
            return _Worker(self.memory_mb)
        except BaseException:
            self._discard(None)
            raise

    def _checkin(self, worker: _Worker) -> None:
        with self.cond:
            self.idle.append(worker)
            self.cond.notify()

    def _discard(self, worker: _Worker | None) -> None:
        if worker is not None:
            worker.stop()
        with self.cond:
            self.count -= 1
            self.cond.notify()

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker and start its successor now, so it is warm for the next query."""
        worker.stop()
        try:
            fresh = _Worker(self.memory_mb)
        except BaseException:
            self._discard(None)
            raise
        self._checkin(fresh)

    def run(
        self,
        text: str,
        sources: Sequence[Source],
        *,
        max_rows: int,
        max_bytes: int,
        timeout: float,
    ) -> tuple[list[tuple[str, str]], list[tuple[Any, ...]], bool]:
        """(columns as (name, DuckDB type), rows, truncated) of a checked SELECT, or Refused
        saying why not. Waiting
        for a worker and its start-up count against `timeout`."""
        deadline = time.monotonic() + timeout
        worker = self._checkout(deadline)
        try:
            if not worker.wait_ready(deadline - time.monotonic()):
                self._checkin(worker)  # slow to start, not broken: it serves the next query
                raise Refused(timeout_message(timeout))
            budget = deadline - time.monotonic()
            worker.conn.send((text, tuple(sources), max_rows, max_bytes, timeout, budget))
            if worker.conn.poll(budget + KILL_GRACE_S):
                answer = worker.conn.recv()
            else:
                answer = ("killed", timeout_message(timeout))
        except Refused:
            raise
        except (EOFError, OSError):
            # it died mid-query: almost always out of memory (or it never started)
            answer = (
                "killed",
                MEMORY_MESSAGE if worker.ready else "SQL 查询进程未能启动，请稍后再试",
            )
        except BaseException:
            self._replace(worker)
            raise
        # after running out of memory a worker may not recover (measured): start a fresh one
        if answer[0] in ("killed", "oom"):
            self._replace(worker)
            raise Refused(answer[1])
        self._checkin(worker)
        if answer[0] == "refused":
            raise Refused(answer[1])
        return answer[1], answer[2], answer[3]

    def close(self) -> None:
        with self.cond:
            idle, self.idle = self.idle, []
            self.count -= len(idle)
        for w in idle:
            w.stop()

    def pids(self) -> list[int]:
        """The idle workers' process ids (tests kill one to see it replaced)."""
        with self.cond:
            return [w.proc.pid for w in self.idle]


_pools: dict[tuple[int, int, int], Pool] = {}
_pools_lock = threading.Lock()


os.register_at_fork(after_in_child=_forget_after_fork)


def pool(workers: int, memory_mb: int) -> Pool:
    """This process's pool with these settings, made on first use (after any fork)."""
    key = (os.getpid(), workers, memory_mb)
    with _pools_lock:
        found = _pools.get(key)
        if found is None:
            for k in [k for k in _pools if k[0] != key[0]]:
                del _pools[k]  # inherited over a fork: the workers belong to the parent
            found = _pools[key] = Pool(workers, memory_mb)
        return found


if __name__ == "__main__":  # a worker: python -m gongkai.opendata.sqlworker FD MEMORY_MB
    _serve(multiprocessing.connection.Connection(int(sys.argv[1])), int(sys.argv[2]))
