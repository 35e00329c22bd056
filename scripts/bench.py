"""The benchmarks of issue #5: whole runs of the CLI, timed from outside, medians of N runs.

    .venv/bin/python scripts/bench.py [--runs 5] [--big-rows 10000000] [--quick]
                                      [--only version,crm,chain,big,fk,supervision,dask]
                                      [--json FILE] [--baseline OTHER_CHECKOUT]
    .venv/bin/python scripts/bench.py profile --schema S --plan P --table SCHEMA.TABLE [--rows N]

Scenarios (schemas and plans under plans/bench/; row counts are set per run in temporary
copies of the plans):

  version      `datalchemy-mp --version`: interpreter start and the CLI's imports
  example      the project's example (plans/crm, the README's main job), end to end
  crm          the shared full_stack_ptbr plan on the shared crm schema, end to end
  chain        bench.company -> bench.employee -> bench.timesheet, 100k rows each (pt_BR)
  big          bench.usuarios at 100k and at --big-rows rows; rows/s ratio; sha256 of the
               CSV under three chunkings at --identity-rows rows
  fk           bench.sessions (--child-rows) under a --big-rows parent, and under a tiny one:
               (child worker peak RSS, big parent - tiny parent) / parent rows difference
  supervision  --workers 1 against the same CLI run with every task called in-process (the
               chain and the example);
               worker start latency (cold and warm) with the real forkserver preload
  dask         the chain at --dask-rows (1M) per table: local --workers 2 against --dask on a
               `dask scheduler` and two one-thread `dask worker` started beforehand (127.0.0.1),
               interleaved runs; sha256 of the three CSVs compared across all runs

With ``--baseline DIR`` (another checkout, e.g. a ``git worktree`` of main, with its own
``.venv``) every scenario runs on both, alternating run by run, and the figures come side by
side with the ratio of the median walls.

PYTHONDONTWRITEBYTECODE is dropped from the environment of every run (a user's install keeps
its bytecode caches; without them each run compiles every module again).

Each run is ``python -m datalchemy_mp generate ... --quiet`` in a subprocess: wall time from
start to exit; the supervisor's peak RSS by polling its pid every 50 ms (workers are
grandchildren through the forkserver, so getrusage(RUSAGE_CHILDREN) would not see them);
worker peak RSS from generation_report.json (the supervisor's samples of each worker's
process tree, and the worker's own high-water mark). Every process of the run's tree is
also sampled every 250 ms, as a cross-check of "peak RSS of every process".
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import importlib
import json
import os
import platform
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BENCH_DIR = ROOT / "plans" / "bench"
BENCH_SCHEMA = BENCH_DIR / "schema.json"
SHARED = ROOT.parent / "shared" / "datalchemy"  # ../shared beside the checkout
CRM_SCHEMA = SHARED / "schemas" / "crm.schema.json"
CRM_PLAN = SHARED / "plans" / "examples" / "full_stack_ptbr.plan.json"
EXAMPLE_SCHEMA = ROOT / "plans" / "crm" / "schema.json"  # the project's own example (README)
EXAMPLE_PLAN = ROOT / "plans" / "crm" / "full_stack_ptbr.plan.json"
BASE_DATE = "2025-01-15"  # fixed, so the bytes are the same on any day
MIB = 1 << 20
SUPERVISOR_POLL_S = 0.05
TREE_POLL_EVERY = 5  # sample every process of the tree on one supervisor poll in five
SCENARIOS = ("version", "example", "crm", "chain", "big", "fk", "supervision", "dask")


@dataclass(frozen=True)
class Side:
    """A checkout whose CLI is measured: its own interpreter (with its venv) and root."""

    label: str
    python: str
    root: Path


SIDES: list[Side] = [Side("", PYTHON, ROOT)]
"""With --baseline: [baseline, this checkout]; every measurement alternates between them."""


@dataclass
class Run:
    """One whole CLI run, measured from outside."""

    wall_s: float
    rows: int
    supervisor_peak_rss: int
    largest_worker_peak_rss: int  # from the report: max over tables (and chunks) of a table
    largest_process_peak_rss: int  # sampled: any process of the tree (forkserver included)
    tables: dict[str, dict] = field(default_factory=dict)  # rows, duration_ms, peak_rss_bytes
    sha256: dict[str, str] = field(default_factory=dict)


@dataclass
class Row:
    """One line of the printed table: the medians of several runs of one configuration."""

    scenario: str
    rows: int
    runs: list[Run]

    @property
    def wall_s(self) -> float:
        return statistics.median(r.wall_s for r in self.runs)

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.wall_s

    def median(self, attr: str) -> float:
        return statistics.median(getattr(r, attr) for r in self.runs)

    def table_median(self, table: str, key: str) -> float:
        return statistics.median(r.tables[table][key] for r in self.runs)


# -- one run -------------------------------------------------------------------------------


class _Poller(threading.Thread):
    """Peak RSS of one pid (every 50 ms) and of any process in its tree (every 250 ms)."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.process = psutil.Process(pid)
        self.peak = 0
        self.tree_peak = 0
        self.done = threading.Event()

    def run(self) -> None:
        polls = 0
        while not self.done.is_set():
            with contextlib.suppress(psutil.Error):
                rss = self.process.memory_info().rss
                self.peak = max(self.peak, rss)
                self.tree_peak = max(self.tree_peak, rss)
                if polls % TREE_POLL_EVERY == 0:
                    for child in self.process.children(recursive=True):
                        with contextlib.suppress(psutil.Error):
                            self.tree_peak = max(self.tree_peak, child.memory_info().rss)
            polls += 1
            self.done.wait(SUPERVISOR_POLL_S)


def run_cli(
    schema: Path,
    plan: Path,
    out: Path,
    *,
    workers: int | None = None,
    chunk_rows: int | None = None,
    in_process: bool = False,
    hash_tables: tuple[str, ...] = (),
    dask: str | None = None,
    side: Side | None = None,
) -> Run:
    """Run the CLI once in a subprocess, measure it, then delete its output."""
    side = side or SIDES[-1]
    args = [
        "generate",
        "-s",
        str(schema),
        "-p",
        str(plan),
        "-o",
        str(out),
        "--quiet",
        "--base-date",
        BASE_DATE,
        "--run-id",
        "bench",
    ]
    if workers is not None:
        args += ["--workers", str(workers)]
    if chunk_rows is not None:
        args += ["--chunk-rows", str(chunk_rows)]
    if dask is not None:
        args += ["--dask", dask]
    # In-process: this script under the side's interpreter, which imports the side's code.
    cmd = (
        [side.python, str(Path(__file__).resolve()), "_inprocess", *args]
        if in_process
        else [side.python, "-m", "datalchemy_mp", *args]
    )
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=side.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    poller = _Poller(proc.pid)
    poller.start()
    stdout, stderr = proc.communicate()
    wall = time.perf_counter() - started
    poller.done.set()
    poller.join()
    run_dir = out / "bench"
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}:\n{stdout.decode()}{stderr.decode()}")
    report = json.loads((run_dir / "generation_report.json").read_bytes())
    tables = {
        f"{t['schema']}.{t['table']}": {
            "rows": t["rows_generated"],
            "duration_ms": t["duration_ms"],
            "peak_rss_bytes": t["peak_rss_bytes"] or 0,
        }
        for t in report["tables"]
    }
    if len(tables) != len(report["tables"]):
        raise RuntimeError(f"{run_dir}: a table has more than one entry in the report")
    hashes = {t: _sha256(run_dir / f"{t}.csv") for t in hash_tables}
    shutil.rmtree(out, ignore_errors=True)
    return Run(
        wall_s=wall,
        rows=sum(t["rows"] for t in tables.values()),
        supervisor_peak_rss=poller.peak,
        largest_worker_peak_rss=max(t["peak_rss_bytes"] for t in tables.values()),
        largest_process_peak_rss=poller.tree_peak,
        tables=tables,
        sha256=hashes,
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 22):
            digest.update(chunk)
    return digest.hexdigest()


def repeat(label: str, runs: int, **kwargs) -> list[Row]:
    """``runs`` runs on each side, alternating (a change in the machine's load hits all alike)."""
    measured: dict[Side, list[Run]] = {side: [] for side in SIDES}
    for i in range(runs):
        for side in SIDES:
            run = run_cli(**kwargs, side=side)
            measured[side].append(run)
            print(
                f"  {labelled(label, side)} run {i + 1}/{runs}: {run.wall_s:.2f} s, {run.rows} rows",
                file=sys.stderr,
                flush=True,
            )
    return [Row(labelled(label, side), runs[0].rows, runs) for side, runs in measured.items()]


def labelled(label: str, side: Side) -> str:
    return f"{label} [{side.label}]" if side.label else label


def plan_with_rows(src: Path, dest: Path, rows: dict[str, int]) -> Path:
    """A copy of the plan ``src`` with the rows of some targets replaced (by table name)."""
    doc = json.loads(src.read_text())
    for target in doc["targets"]:
        target["rows"] = rows.get(target["table"], target["rows"])
    dest.write_text(json.dumps(doc, indent=2))
    return dest


# -- in-process generation (the baseline of supervision overhead) ---------------------------


def run_inline(tasks, limits, on_event=None, **_executor):
    """``supervisor.run`` without processes: each task called in this process, in the order
    given (jobs.build lists them parents first), with the outcomes a worker would produce."""
    import supervisor
    from supervisor import child
    from supervisor.outcome import Event, Outcome, RunResult

    outcomes: dict[str, Outcome] = {}
    for task in tasks:
        outcome = Outcome(
            task.id, group=task.group, status="RUNNING", pid=os.getpid(), started_at=time.time()
        )
        outcomes[task.id] = outcome
        if any(outcomes[d].status != "OK" for d in task.deps):
            outcome.status, outcome.reason = "SKIPPED", "parent_failed"
            outcome.blocked_by = [d for d in task.deps if outcomes[d].status != "OK"]
            if on_event:
                on_event(Event("finished", task.id, outcome.snapshot()))
            continue
        if on_event:
            on_event(Event("started", task.id, outcome.snapshot()))
        module, _, function = task.target.partition(":")
        started = time.monotonic()
        try:
            outcome.result = getattr(importlib.import_module(module), function)(task.payload)
            outcome.status, outcome.exit_code = "OK", 0
        except Exception as exc:
            outcome.status, outcome.reason, outcome.exit_code = "FAILED", "exception", 1
            outcome.detail = child.describe(exc)
        outcome.finished_at = time.time()
        outcome.duration_ms = round((time.monotonic() - started) * 1000)
        outcome.peak_rss_bytes = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        if on_event:
            on_event(Event("finished", task.id, outcome.snapshot()))
    assert supervisor.run is run_inline
    return RunResult(outcomes)


def _inprocess_main(argv: list[str]) -> None:
    """The CLI, unchanged but for supervisor.run: same validation, tasks, report, publishing."""
    import supervisor

    supervisor.run = run_inline  # api.py calls supervisor.run(...) through the module
    if hasattr(supervisor, "prestart"):  # no forkserver either: nothing would use it
        supervisor.prestart = lambda preload=(): None
    if hasattr(supervisor, "wait_ready"):
        supervisor.wait_ready = lambda preload=(): None
    if hasattr(supervisor, "forked_server"):
        supervisor.forked_server = lambda preload=(): contextlib.nullcontext(False)
    from datalchemy_mp import cli

    sys.argv = ["datalchemy-mp", *argv]
    cli.main()


# -- worker start latency --------------------------------------------------------------------


def hello(payload: None) -> None:
    """Report at once: the first progress message marks the worker as started."""
    import supervisor

    supervisor.progress(hello=True)


def _start_latency_main(runs: int) -> None:
    """From just before a worker process is started to its first message, with the forkserver
    preloading what a real run preloads; the first run also starts the forkserver."""
    import supervisor
    from datalchemy_mp import api

    limits = supervisor.Limits(workers=1, memory_limit_bytes=None, preload=(*api.PRELOAD, "bench"))
    latencies = []
    for _ in range(runs):
        seen: list[float] = []

        def on_event(event, seen=seen) -> None:
            if event.kind == "progress" and not seen:
                seen.append((time.time() - event.outcome.started_at) * 1000)

        supervisor.run([supervisor.Task("hello", "bench:hello")], limits, on_event)
        latencies.extend(seen)
    print(json.dumps(latencies))


def start_latencies_ms(runs: int) -> list[float]:
    out = subprocess.run(
        [PYTHON, str(Path(__file__).resolve()), "_start_latency", str(runs)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.splitlines()[-1])


# -- profile of one table ----------------------------------------------------------------------


def _profile_main(argv: list[str]) -> None:
    """Build a plan's tasks as api.generate does (one worker, so one chunk per table), run them
    in order in this process, and profile with pyinstrument the run_job calls of one table."""
    parser = argparse.ArgumentParser(prog="bench.py profile", description=_profile_main.__doc__)
    parser.add_argument("--schema", type=Path, required=True)
    parser.add_argument("--plan", type=Path, required=True)
    parser.add_argument("--table", required=True, help="schema.table to profile")
    parser.add_argument("--rows", type=int, help="rows of every target (default: the plan's)")
    parser.add_argument("--top", type=int, default=25, help="lines of the flat listing")
    args = parser.parse_args(argv)
    try:
        from pyinstrument import Profiler
        from pyinstrument.frame import Frame
        from pyinstrument.renderers import ConsoleRenderer
    except ImportError:
        sys.exit("profile needs pyinstrument: .venv/bin/pip install pyinstrument")
    from datalchemy_mp import api
    from datalchemy_mp.engine import worker
    from datalchemy_mp.planning import jobs

    with tempfile.TemporaryDirectory(prefix="bench-profile-") as tmp:
        plan_file = args.plan
        if args.rows is not None:
            doc = json.loads(plan_file.read_text())
            plan_file = plan_with_rows(
                plan_file, Path(tmp) / "plan.json", {t["table"]: args.rows for t in doc["targets"]}
            )
        ready = api.prepare(args.schema, plan_file, dt.date.fromisoformat(BASE_DATE))
        base = ready.base_date
        run_dir = Path(tmp) / "run"
        run_dir.mkdir()
        tasks, _ = jobs.build(
            ready.schema, ready.plan, ready.graph, ready.table_plans, run_dir, base, 1, None, common={}
        )
        profiler = Profiler(interval=0.001)
        for task in tasks:
            if task.group != args.table:
                worker.run_job(task.payload)
                continue
            started = time.perf_counter()
            profiler.start()
            result = worker.run_job(task.payload)
            profiler.stop()
            print(
                f"{task.id}: {result['rows']} rows in {time.perf_counter() - started:.2f} s "
                "(under the profiler)"
            )
        session = profiler.last_session
        root = session.root_frame() if session is not None else None
        if session is None or root is None:
            sys.exit(f"no task of table {args.table} in {args.plan}")
        self_time: dict[str, float] = {}
        stack: list[tuple[Frame, str]] = [(root, "")]
        while stack:
            frame, parent_key = stack.pop()
            key = (
                parent_key
                if frame.is_synthetic  # "[self]": time spent in the parent
                else f"{frame.function}  {frame.file_path_short}:{frame.line_no}"
            )
            stack.extend((child, key) for child in frame.children)
            own = frame.time - sum(c.time for c in frame.children)
            self_time[key] = self_time.get(key, 0.0) + own
        print(f"\nself time, top {args.top} (of {root.time:.2f} s):")
        for key, t in sorted(self_time.items(), key=lambda kv: -kv[1])[: args.top]:
            print(f"{t / root.time * 100:5.1f}%  {key}")
        print(ConsoleRenderer(time="percent_of_total").render(session))


# -- scenarios -------------------------------------------------------------------------------


def scenario_example(args, tmp: Path, rows: list[Row], extra: dict) -> None:
    rows += repeat("0. example", args.runs, schema=EXAMPLE_SCHEMA, plan=EXAMPLE_PLAN, out=tmp / "out")


def scenario_crm(args, tmp: Path, rows: list[Row], extra: dict) -> None:
    rows += repeat("1. crm full_stack_ptbr", args.runs, schema=CRM_SCHEMA, plan=CRM_PLAN, out=tmp / "out")


def scenario_chain(args, tmp: Path, rows: list[Row], extra: dict) -> None:
    n = args.chain_rows
    plan = plan_with_rows(
        BENCH_DIR / "chain.plan.json", tmp / "chain.plan.json", {"company": n, "employee": n, "timesheet": n}
    )
    rows += repeat(
        f"2. chain company->employee->timesheet ({_n(n)} each)",
        args.runs,
        schema=BENCH_SCHEMA,
        plan=plan,
        out=tmp / "out",
    )


def scenario_big(args, tmp: Path, rows: list[Row], extra: dict) -> None:
    src = BENCH_DIR / "usuarios.plan.json"
    small_rows, big_rows = args.small_rows, args.big_rows
    smalls = repeat(
        f"3. usuarios {_n(small_rows)}",
        args.runs,
        schema=BENCH_SCHEMA,
        plan=plan_with_rows(src, tmp / "u_small.plan.json", {"usuarios": small_rows}),
        out=tmp / "out",
    )
    bigs = repeat(
        f"3. usuarios {_n(big_rows)}",
        args.runs,
        schema=BENCH_SCHEMA,
        plan=plan_with_rows(src, tmp / "u_big.plan.json", {"usuarios": big_rows}),
        out=tmp / "out",
    )
    rows += smalls + bigs
    small, big = smalls[-1], bigs[-1]  # the ratio of this checkout
    table = "bench.usuarios"
    small_rate, big_rate = (r.rows / (r.table_median(table, "duration_ms") / 1000) for r in (small, big))
    extra["big"] = {
        "rows_per_s_ratio_wall": big.rows_per_s / small.rows_per_s,
        "rows_per_s_ratio_table": big_rate / small_rate,
        "table_rows_per_s": {small.scenario: small_rate, big.scenario: big_rate},
        "one_report_entry_per_table": all(len(r.tables) == 1 for r in small.runs + big.runs),
    }
    n = args.identity_rows
    plan = plan_with_rows(src, tmp / "u_identity.plan.json", {"usuarios": n})
    small_chunk = max(4096, n // 8)
    variants = {
        f"--workers 1 --chunk-rows {n}": {"workers": 1, "chunk_rows": n},
        "--workers 2 (default chunks)": {"workers": 2},
        f"--workers 2 --chunk-rows {small_chunk}": {"workers": 2, "chunk_rows": small_chunk},
    }
    hashes = {}
    for label, kw in variants.items():
        run = run_cli(BENCH_SCHEMA, plan, tmp / "out", hash_tables=(table,), **kw)
        hashes[label] = run.sha256[table]
        print(f"  identity {label}: {run.wall_s:.2f} s {hashes[label][:16]}", file=sys.stderr)
    extra["identity"] = {"rows": n, "sha256": hashes, "identical": len(set(hashes.values())) == 1}


def scenario_fk(args, tmp: Path, rows: list[Row], extra: dict) -> None:
    src = BENCH_DIR / "sessions.plan.json"
    big_parent, tiny_parent, child = args.big_rows, args.tiny_parent_rows, args.child_rows
    bigs = repeat(
        f"4. sessions {_n(child)} under usuarios {_n(big_parent)}",
        args.runs,
        schema=BENCH_SCHEMA,
        out=tmp / "out",
        plan=plan_with_rows(src, tmp / "fk_big.plan.json", {"usuarios": big_parent, "sessions": child}),
    )
    tinies = repeat(
        f"4. sessions {_n(child)} under usuarios {_n(tiny_parent)}",
        args.runs,
        schema=BENCH_SCHEMA,
        out=tmp / "out",
        plan=plan_with_rows(src, tmp / "fk_tiny.plan.json", {"usuarios": tiny_parent, "sessions": child}),
    )
    rows += bigs + tinies
    big, tiny = bigs[-1], tinies[-1]
    peak_big = big.table_median("bench.sessions", "peak_rss_bytes")
    peak_tiny = tiny.table_median("bench.sessions", "peak_rss_bytes")
    extra["fk"] = {
        "child_peak_rss_big_parent": peak_big,
        "child_peak_rss_tiny_parent": peak_tiny,
        "bytes_per_parent_row": (peak_big - peak_tiny) / (big_parent - tiny_parent),
    }


def scenario_supervision(args, tmp: Path, rows: list[Row], extra: dict) -> None:
    n = args.chain_rows
    chain = plan_with_rows(
        BENCH_DIR / "chain.plan.json", tmp / "chain.plan.json", {"company": n, "employee": n, "timesheet": n}
    )
    extra["supervision"] = {}
    for name, schema, plan in (("chain", BENCH_SCHEMA, chain), ("example", EXAMPLE_SCHEMA, EXAMPLE_PLAN)):
        # Interleaved, so that a change in the machine's load hits both alike.
        one: dict[Side, list[Run]] = {side: [] for side in SIDES}
        inline: dict[Side, list[Run]] = {side: [] for side in SIDES}
        for i in range(args.runs):
            for side in SIDES:
                one[side].append(run_cli(schema, plan, tmp / "out", workers=1, side=side))
                # --workers 1 here too: the same chunks (one per table), so the same work.
                inline[side].append(run_cli(schema, plan, tmp / "out", workers=1, in_process=True, side=side))
                print(
                    f"  supervision {labelled(name, side)} run {i + 1}/{args.runs}: --workers 1 "
                    f"{one[side][-1].wall_s:.2f} s, in-process {inline[side][-1].wall_s:.2f} s",
                    file=sys.stderr,
                    flush=True,
                )
        for side in SIDES:
            w1 = Row(labelled(f"5. {name} --workers 1", side), one[side][0].rows, one[side])
            ip = Row(labelled(f"5. {name} in one process", side), inline[side][0].rows, inline[side])
            rows += [w1, ip]
            paired = [a.wall_s / b.wall_s - 1 for a, b in zip(one[side], inline[side], strict=True)]
            extra["supervision"][labelled(name, side)] = {
                "overhead": w1.wall_s / ip.wall_s - 1,
                "median_of_paired_overheads": statistics.median(paired),
                # The fastest run of each: the least disturbed by the host's noise, which only adds.
                "overhead_of_minimums": min(r.wall_s for r in one[side]) / min(r.wall_s for r in inline[side])
                - 1,
            }
    latencies = start_latencies_ms(2 * args.runs + 1)
    extra["start_ms"] = {
        "cold": latencies[0],
        "warm_median": statistics.median(latencies[1:]),
        "warm_min": min(latencies[1:]),
        "warm_max": max(latencies[1:]),
        "warm_runs": len(latencies) - 1,
    }


def scenario_version(args, tmp: Path, rows: list[Row], extra: dict) -> None:
    """Wall time of ``datalchemy-mp --version`` (interpreter start and the CLI's imports)."""
    walls: dict[Side, list[float]] = {side: [] for side in SIDES}
    for _ in range(args.runs):
        for side in SIDES:
            started = time.perf_counter()
            cmd = [side.python, "-m", "datalchemy_mp", "--version"]
            subprocess.run(cmd, cwd=side.root, check=True, capture_output=True)
            walls[side].append(time.perf_counter() - started)
    extra["version_s"] = {labelled("--version", side): statistics.median(w) for side, w in walls.items()}


@contextlib.contextmanager
def dask_cluster(log_dir: Path, workers: int = 2):
    """``dask scheduler`` and ``workers`` one-thread ``dask worker`` processes on 127.0.0.1, as an
    operator starts them; yields the scheduler's address; always stopped."""
    import socket

    from distributed import Client

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    dask = str(Path(PYTHON).with_name("dask"))
    commands = [[dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"]]
    worker = [dask, "worker", address, "--nthreads", "1", "--nworkers", "1", "--host", "127.0.0.1"]
    commands += [[*worker, "--no-dashboard"]] * workers
    processes = []
    try:
        for i, cmd in enumerate(commands):
            with open(log_dir / f"dask{i}.log", "wb") as log:
                proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
            processes.append(proc)
        with Client(address, timeout=60) as client:
            client.wait_for_workers(workers, timeout=120)
        yield address
    finally:
        for proc in reversed(processes):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def scenario_dask(args, tmp: Path, rows: list[Row], extra: dict) -> None:
    """The chain at --dask-rows per table: local (--workers 2) against --dask on a scheduler and
    two one-thread workers started beforehand; runs interleaved, so the load hits both alike."""
    n = args.dask_rows
    chain = plan_with_rows(
        BENCH_DIR / "chain.plan.json", tmp / "chain.plan.json", {"company": n, "employee": n, "timesheet": n}
    )
    tables = ("bench.company", "bench.employee", "bench.timesheet")
    local, remote = [], []
    with dask_cluster(tmp) as address:
        for i in range(args.runs):
            local.append(run_cli(BENCH_SCHEMA, chain, tmp / "out", workers=2, hash_tables=tables))
            remote.append(run_cli(BENCH_SCHEMA, chain, tmp / "out", dask=address, hash_tables=tables))
            print(
                f"  dask chain run {i + 1}/{args.runs}: local {local[-1].wall_s:.2f} s, "
                f"--dask {remote[-1].wall_s:.2f} s",
                file=sys.stderr,
                flush=True,
            )
    lo = Row(f"6. chain {_n(n)} each, local --workers 2", local[0].rows, local)
    da = Row(f"6. chain {_n(n)} each, --dask (2 one-thread workers)", remote[0].rows, remote)
    rows += [lo, da]
    pairs = [r.wall_s / l.wall_s - 1 for l, r in zip(local, remote, strict=True)]  # noqa: E741
    extra["dask"] = {
        "overhead_of_medians": da.wall_s / lo.wall_s - 1,
        "median_of_paired_overheads": statistics.median(pairs),
        "same_bytes": all(r.sha256 == local[0].sha256 for r in local + remote),
    }


RUNNERS = {
    "version": scenario_version,
    "example": scenario_example,
    "crm": scenario_crm,
    "chain": scenario_chain,
    "big": scenario_big,
    "fk": scenario_fk,
    "supervision": scenario_supervision,
    "dask": scenario_dask,
}


# -- output ----------------------------------------------------------------------------------


def _n(rows: int) -> str:
    for unit, size in (("M", 1_000_000), ("k", 1_000)):
        if rows >= size and rows % (size // 10) == 0:
            return f"{rows / size:g}{unit}"
    return str(rows)


def machine() -> dict:
    return {
        "date_utc": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / (1 << 30), 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_avg": [round(x, 2) for x in os.getloadavg()],
        "cpu_probe_s": cpu_probe_s(),
        "git": _git("rev-parse", "--short", "HEAD"),
        "source_sha256": _source_digest(),
        "engine_changes_not_committed": "; ".join(
            line.strip()
            for line in _git("status", "--short", "--", "datalchemy_mp", "supervisor").splitlines()
        ),
    }


def cpu_probe_s() -> float:
    """Seconds for a fixed pure-Python loop in a fresh interpreter, best of 3: how fast this
    shared host runs right now (0.49-0.74 s on the same VM within one hour), so that figures
    taken on different days can be compared."""
    code = "import time; t = time.perf_counter(); sum(range(30_000_000)); print(time.perf_counter() - t)"
    times = [
        float(subprocess.run([PYTHON, "-c", code], capture_output=True, text=True).stdout) for _ in range(3)
    ]
    return round(min(times), 3)


def _source_digest() -> str:
    """Of every .py file of the engine and the supervisor: did the code change during a run?"""
    digest = hashlib.sha256()
    for path in sorted([*ROOT.glob("datalchemy_mp/**/*.py"), *ROOT.glob("supervisor/*.py")]):
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def _git(*args: str) -> str:
    try:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def print_table(rows: list[Row], extra: dict, info: dict, runs: int) -> None:
    print(
        f"\n{info['date_utc']} · {info['cpus']} CPUs · {info['memory_gib']} GiB · "
        f"Python {info['python']} · load avg at start {info['load_avg_start']}, "
        f"at end {info['load_avg']} · CPU probe at start {info['cpu_probe_s_start']} s, at end "
        f"{info['cpu_probe_s']} s · medians of {runs} runs · git {info['git']}"
        f" · source {info['code_at_start']['source_sha256']} at start, "
        f"{info['source_sha256']} at end"
        + (
            f" + uncommitted changes: {info['engine_changes_not_committed']}"
            if info["engine_changes_not_committed"]
            else ""
        )
        + "\n"
    )
    print(
        "| scenario | rows | median wall s | rows/s | supervisor peak RSS MiB "
        "| largest worker peak RSS MiB | any process peak RSS MiB (sampled) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r.scenario} | {r.rows:,} | {r.wall_s:.2f} | {r.rows_per_s:,.0f} "
            f"| {r.median('supervisor_peak_rss') / MIB:.0f} "
            f"| {r.median('largest_worker_peak_rss') / MIB:.0f} "
            f"| {r.median('largest_process_peak_rss') / MIB:.0f} |"
        )
    print()
    for label, wall in extra.get("version_s", {}).items():
        print(f"- {label}: median wall {wall:.3f} s")
    if len(SIDES) > 1:
        base, new = SIDES
        by_label = {r.scenario: r for r in rows}
        for r in rows:
            if r.scenario.endswith(f"[{new.label}]"):
                old = by_label.get(r.scenario.replace(f"[{new.label}]", f"[{base.label}]"))
                if old is not None:
                    print(
                        f"- {r.scenario.removesuffix(f' [{new.label}]')}: {new.label} is "
                        f"{old.wall_s / r.wall_s:.2f}x as fast as {base.label} (median walls)"
                    )
    if "big" in extra:
        b = extra["big"]
        print(
            f"- rows/s at big rows / rows/s at small rows: {b['rows_per_s_ratio_wall']:.2f} "
            f"(whole-process wall), {b['rows_per_s_ratio_table']:.2f} (table duration in the "
            f"report: " + ", ".join(f"{k}: {v:,.0f} rows/s" for k, v in b["table_rows_per_s"].items()) + ")"
        )
        print(f"- one report entry per table: {b['one_report_entry_per_table']}")
    if "identity" in extra:
        i = extra["identity"]
        print(
            f"- sha256 of bench.usuarios.csv at {i['rows']:,} rows identical under "
            f"{', '.join(i['sha256'])}: {i['identical']} ({next(iter(i['sha256'].values()))})"
        )
    if "fk" in extra:
        f = extra["fk"]
        print(
            f"- FK lookup memory: child worker peak {f['child_peak_rss_big_parent'] / MIB:.1f} "
            f"MiB (big parent) - {f['child_peak_rss_tiny_parent'] / MIB:.1f} MiB (tiny parent) = "
            f"{f['bytes_per_parent_row']:.2f} bytes per parent row"
        )
    for name, s in extra.get("supervision", {}).items():
        print(
            f"- supervision overhead, {name}: --workers 1 wall / in-process wall - 1 = "
            f"{s['overhead'] * 100:+.1f}% (medians); median of the per-pair overheads "
            f"{s['median_of_paired_overheads'] * 100:+.1f}%; fastest runs "
            f"{s['overhead_of_minimums'] * 100:+.1f}%"
        )
    if "dask" in extra:
        d = extra["dask"]
        print(
            f"- --dask overhead: median wall --dask / median wall local - 1 = "
            f"{d['overhead_of_medians'] * 100:+.1f}%; median of the per-pair overheads "
            f"{d['median_of_paired_overheads'] * 100:+.1f}%; same sha256 every run: {d['same_bytes']}"
        )
    if "start_ms" in extra:
        s = extra["start_ms"]
        print(
            f"- worker start: warm median {s['warm_median']:.1f} ms (min {s['warm_min']:.1f}, "
            f"max {s['warm_max']:.1f}, {s['warm_runs']} runs); cold (forkserver starts and "
            f"preloads too) {s['cold']:.0f} ms"
        )


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_inprocess":
        return _inprocess_main(sys.argv[2:])
    if len(sys.argv) > 1 and sys.argv[1] == "_start_latency":
        return _start_latency_main(int(sys.argv[2]))
    if len(sys.argv) > 1 and sys.argv[1] == "profile":
        return _profile_main(sys.argv[2:])
    # Users' installs keep bytecode caches; without them every run would compile every module.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, help="runs per configuration (default 5; 3 --quick)")
    parser.add_argument(
        "--big-rows", type=int, help="rows of the big table (default 10_000_000; 1_000_000 --quick)"
    )
    parser.add_argument("--quick", action="store_true", help="1M big rows and 3 runs")
    parser.add_argument("--small-rows", type=int, default=100_000)
    parser.add_argument("--chain-rows", type=int, default=100_000)
    parser.add_argument("--identity-rows", type=int, default=1_000_000)
    parser.add_argument("--child-rows", type=int, default=1_000_000)
    parser.add_argument("--tiny-parent-rows", type=int, default=1_000)
    parser.add_argument("--dask-rows", type=int, default=1_000_000, help="rows per table of the dask chain")
    parser.add_argument(
        "--only", default=",".join(SCENARIOS), help=f"comma-separated, among {', '.join(SCENARIOS)}"
    )
    parser.add_argument("--json", type=Path, help="also write the raw figures to this file")
    parser.add_argument(
        "--baseline",
        type=Path,
        help="another checkout (with its own .venv) measured side by side: every run alternates "
        "between it and this one",
    )
    parser.add_argument("--work-dir", type=Path, help="where runs write (default: a temp dir)")
    args = parser.parse_args()
    args.runs = args.runs or (3 if args.quick else 5)
    args.big_rows = args.big_rows or (1_000_000 if args.quick else 10_000_000)
    if args.baseline is not None:
        base = args.baseline.resolve()
        SIDES[:] = [Side("base", str(base / ".venv" / "bin" / "python"), base), Side("new", PYTHON, ROOT)]
    only = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(only) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenario(s) {sorted(unknown)}; expected among {list(SCENARIOS)}")

    load_start = [round(x, 2) for x in os.getloadavg()]
    probe_start = cpu_probe_s()
    code_start = {k: v for k, v in machine().items() if k.startswith(("git", "engine", "source"))}
    rows: list[Row] = []
    extra: dict = {}
    with tempfile.TemporaryDirectory(prefix="bench-", dir=args.work_dir) as tmp:
        for name in only:
            print(f"{name} ...", file=sys.stderr, flush=True)
            RUNNERS[name](args, Path(tmp), rows, extra)
    info = {
        **machine(),
        "load_avg_start": load_start,
        "cpu_probe_s_start": probe_start,
        "code_at_start": code_start,
        "command": " ".join(sys.argv),
    }
    print_table(rows, extra, info, args.runs)
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "machine": info,
                    "args": {k: str(v) for k, v in vars(args).items()},
                    "rows": [
                        {
                            "scenario": r.scenario,
                            "rows": r.rows,
                            "median_wall_s": r.wall_s,
                            "rows_per_s": r.rows_per_s,
                            "runs": [asdict(x) for x in r.runs],
                        }
                        for r in rows
                    ],
                    "extra": extra,
                },
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
