"""Run a plan: validate, build the FK graph, supervise one worker per table, report.

Usable without the CLI::

    result = generate("schema.json", "plan.json", "out/")
    print(result.run_dir, result.status)
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import re
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from traceback import format_exc
from typing import TYPE_CHECKING

import orjson

import supervisor
from datalchemy_mp.contracts import integrity
from datalchemy_mp.contracts.plan import Plan, load_plan
from datalchemy_mp.contracts.schema import Schema, load_schema
from datalchemy_mp.engine import run_cache
from datalchemy_mp.errors import DatalchemyError, InputError, Issue, OutputError, ValidationFailed
from datalchemy_mp.planning import graph as graphmod
from datalchemy_mp.planning import jobs, sizing
from datalchemy_mp.run import frozen, logs, memory, paths
from datalchemy_mp.run import resume as resuming
from datalchemy_mp.run.report import REPORT_NAME, Report, RunStatus, TableState, utc_now
from supervisor import Status
from supervisor.signals import Shutdown

if TYPE_CHECKING:
    from supervisor.dask_executor import DaskExecutor

PRELOAD = run_cache.PRELOAD
EXIT = {RunStatus.SUCCEEDED: 0, RunStatus.FAILED: 1, RunStatus.INVALID: 2, RunStatus.CANCELLED: 130}
DEFAULT_STALL_S = 300.0  # a table with no progress for this long is FAILED "stalled"
_RUN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,200}$")
log = logs.get_logger(process="supervisor")


@dataclass
class RunResult:
    run_dir: Path
    status: RunStatus
    exit_code: int
    report: Report
    crash: Exception | None = None  # an unexpected error of the run itself (the report says so)


def default_run_id() -> str:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H-%M-%SZ")
    return f"{stamp}__run_{uuid.uuid4()}"


def default_memory_limit(workers: int) -> int:
    """Half the memory this process may use (the machine's, or its container's cgroup limit if
    lower) shared by the workers, at most 2 GiB each."""
    import psutil

    total = psutil.virtual_memory().total
    cgroup = memory.cgroup_limit()
    if cgroup is not None:
        total = min(total, cgroup)
    return min(2 << 30, total // 2 // max(workers, 1))


def load_inputs(
    schema_file: str | Path, plan_file: str | Path, inputs: frozen.Inputs | None = None
) -> tuple[Schema, Plan, list[Issue]]:
    """Load and validate both files (from ``inputs``, their bytes read before, if given); raise
    ValidationFailed with every error found."""
    from datalchemy_mp import generators  # noqa: F401  (registers the catalog)
    from datalchemy_mp.contracts.validate import check

    schema = load_schema(schema_file, inputs.schema_bytes if inputs else None)
    plan = load_plan(plan_file, inputs.plan_bytes if inputs else None)
    contradictions = integrity.check_schema(schema)
    try:
        warnings = check(schema, plan)
    except ValidationFailed as exc:
        raise ValidationFailed(contradictions + exc.issues) from None
    if any(i.severity == "error" for i in contradictions):
        raise ValidationFailed(contradictions + warnings)
    return schema, plan, contradictions + warnings


@dataclass
class Prepared:
    """Everything a run needs before a worker starts, checked."""

    schema: Schema
    plan: Plan
    graph: graphmod.Graph
    table_plans: dict
    base_date: dt.date
    warnings: list[Issue]


def prepare(
    schema_file: str | Path,
    plan_file: str | Path,
    base_date: dt.date | None = None,
    inputs: frozen.Inputs | None = None,
) -> Prepared:
    """Load, validate and plan every table exactly as ``generate`` does; ``validate`` is this.

    Raises ValidationFailed with every error found (file, JSON path, what was expected).
    """
    schema, plan, warnings = load_inputs(schema_file, plan_file, inputs)
    base = base_date or plan.options.base_date or dt.datetime.now(dt.UTC).date()
    try:
        graph = graphmod.build(schema, plan)
    except DatalchemyError:
        raise
    except Exception as exc:  # what the planner cannot do with this input, found before any worker
        message = f"the tables cannot be ordered: {type(exc).__name__}: {exc}"
        raise ValidationFailed([Issue("error", "cannot_generate", "", message, plan.file)]) from exc
    table_plans = jobs.plans_of(schema, plan, graph, base)
    sizing.apply(schema, plan, graph, table_plans, base)  # auto parents' rows, key capacities
    return Prepared(schema, plan, graph, table_plans, base, warnings + graph.warnings)


def validate(schema_file: str | Path, plan_file: str | Path, base_date: dt.date | None = None) -> list[Issue]:
    """Every check ``generate`` makes before it starts a worker (``prepare``): raises
    ValidationFailed listing all the errors, else returns the warnings."""
    return prepare(schema_file, plan_file, base_date).warnings


def generate(
    schema_file: str | Path,
    plan_file: str | Path,
    out_dir: str | Path,
    *,
    run_id: str | None = None,
    workers: int | None = None,
    memory_limit: int | None = None,
    table_timeout: float | None = None,
    stall_limit: float | None = DEFAULT_STALL_S,
    base_date: dt.date | None = None,
    chunk_rows: int | None = None,
    dask: str | None = None,
    on_event: Callable[[str, TableState], None] | None = None,
    fork_from_caller: bool = False,
) -> RunResult:
    """Generate every table of the plan into ``out_dir/<run_id>/``.

    Once the run directory exists its report ends final whatever happens (an error, a signal, a
    full disk): ``succeeded``, ``failed``, ``invalid`` or ``cancelled``. Raises DatalchemyError
    only before that (a bad run id, an ``out_dir`` that cannot hold a run directory).

    ``dask``: run the tables on a Dask cluster (``tcp://host:8786``, or ``local:N`` for a
    LocalCluster of N one-thread workers) instead of this machine's worker processes.

    ``fork_from_caller``: the workers' forkserver is a fork of this process, taken once the run
    is validated, so that workers start with the run in memory and nothing to import (the CLI
    does this). Right for a process that does little else: a large one would count its own
    memory in every worker's RSS, and so against the memory limit. A process running other
    threads gets a fresh forkserver anyway."""
    run_id = run_id or default_run_id()
    if not _RUN_ID.match(run_id):
        raise InputError(f"run id {run_id!r} must be letters, digits, '_', '-' or '.'")
    settings = {
        "schema_file": str(Path(schema_file).absolute()),
        "plan_file": str(Path(plan_file).absolute()),
        "workers": workers,
        "memory_limit_bytes": memory_limit,
        "table_timeout_s": table_timeout,
        "stall_limit_s": stall_limit,
    }
    # Signals are recorded from here on, and stop the run once its report exists.
    with supervisor.catch_shutdown(raising=False) as shutdown:
        report = _start(Path(out_dir) / run_id, settings)
        run_dir = report.path.parent

        def run() -> str | None:
            if dask is None and not fork_from_caller:
                run_cache.prestart(schema_file, plan_file, base_date)  # loads it while we validate
            log.info("run started", run_id=run_id, run_dir=str(run_dir), **report.settings)
            inputs = frozen.Inputs.read(schema_file, plan_file)
            prepared = prepare(schema_file, plan_file, base_date, inputs)
            executor = _executor(dask)
            server = _workers_server(executor, fork_from_caller, prepared, inputs)
            n = workers or (executor.threads() if executor else None) or os.cpu_count() or 1
            report.warnings = prepared.warnings
            log.info("plan valid", tables=len(prepared.graph.order), warnings=len(report.warnings))
            for issue in report.warnings:
                log.warning("plan warning", code=issue.code, path=issue.path, message=issue.message)
            report.settings.update(
                {
                    "workers": n,
                    "memory_limit_bytes": memory_limit or default_memory_limit(n),
                    "seed": prepared.plan.seed,
                    "base_date": prepared.base_date.isoformat(),
                    "chunk_rows": chunk_rows,
                    **inputs.digests,
                }
            )
            with server:
                frozen.freeze(run_dir, inputs, report.settings)
                _write_resolved_plan(
                    run_dir, inputs.plan_bytes, prepared.plan, prepared.base_date, prepared.table_plans
                )
                return _execute(report, run_dir, prepared, executor, on_event, {})

        return _guarded(report, run_dir, shutdown, run)


def _start(run_dir: Path, settings: dict) -> Report:
    """Create the run directory and its first report (``running``); raise DatalchemyError if
    that cannot be done (then no run directory is left)."""
    try:
        run_dir.mkdir(parents=True, exist_ok=False)
    except FileExistsError:
        raise InputError(f"run directory {run_dir} already exists") from None
    except OSError as exc:
        raise InputError(f"cannot create the run directory {run_dir}: {exc.strerror or exc}") from None
    report = Report(path=run_dir / REPORT_NAME, run_id=run_dir.name, settings=settings)
    try:
        report.start()
    except OSError as exc:
        shutil.rmtree(run_dir, ignore_errors=True)  # no report: leave no run directory either
        raise OutputError(f"cannot write the report in {run_dir}: {exc.strerror or exc}") from None
    logs.log_to_file(run_dir / logs.LOG_NAME)
    return report


def _guarded(report: Report, run_dir: Path, shutdown: Shutdown, body: Callable[[], str | None]) -> RunResult:
    """Run ``body`` (it returns the shutdown signal that stopped the run, if any) and make the
    report final whatever happens: an error, a signal at any moment, a full disk."""
    try:
        shutdown.arm()
        interrupted_by = body()
        shutdown.raising = False  # the run is over: a late signal must not tear the ending
        return _finish(report, run_dir, interrupted_by or shutdown.first)
    except supervisor.Interrupted as exc:
        shutdown.raising = False
        return _finish(report, run_dir, exc.signal_name)
    except ValidationFailed as exc:
        shutdown.raising = False
        return _invalid(report, run_dir, exc.issues)
    except DatalchemyError as exc:
        shutdown.raising = False
        return _invalid(report, run_dir, [_issue(exc)])
    except Exception as exc:
        shutdown.raising = False
        return _finish(report, run_dir, None, crash=exc)
    finally:
        # The parents' key files stay until every table is OK: a resumed run's children read them.
        paths.clean_parts(run_dir, keep_keys=report.status != RunStatus.SUCCEEDED)


def resume(
    run_dir: str | Path,
    *,
    dask: str | None = None,
    on_event: Callable[[str, TableState], None] | None = None,
    fork_from_caller: bool = False,
) -> RunResult:
    """Run again, into ``run_dir``, every table that is not OK there (FAILED, SKIPPED, CANCELLED,
    or left RUNNING by a run that died), with the run's own frozen inputs and settings.

    Raises ResumeRefused if the user's schema or plan changed since the run (sha256).
    ``fork_from_caller``: as for ``generate``."""
    run_dir = Path(run_dir)
    settings = frozen.read_settings(run_dir)
    resuming.check_unchanged(settings)
    previous = resuming.previous_report(run_dir)
    logs.log_to_file(run_dir / logs.LOG_NAME)
    log.info("run resumed", run_id=run_dir.name, run_dir=str(run_dir))
    inputs = frozen.Inputs.read(frozen.schema_path(run_dir), frozen.plan_path(run_dir))
    base = dt.date.fromisoformat(settings["base_date"])
    prepared = prepare(inputs.schema_file, inputs.plan_file, base, inputs)
    executor = _executor(dask)
    if executor is None and not fork_from_caller:
        supervisor.prestart(PRELOAD)
    report = Report(path=run_dir / REPORT_NAME, run_id=previous["run_id"], settings=settings)
    report.started_at = previous["started_at"]
    report.resumed_at = [*previous.get("resumed_at", []), utc_now()]
    report.warnings = prepared.warnings
    earlier = resuming.tables_of(previous)

    def run() -> str | None:
        with _workers_server(executor, fork_from_caller, prepared, inputs):
            return _execute(report, run_dir, prepared, executor, on_event, earlier)

    with supervisor.catch_shutdown(raising=False) as shutdown:
        return _guarded(report, run_dir, shutdown, run)


def _workers_server(
    executor: supervisor.Executor | None,
    fork_from_caller: bool,
    prepared: Prepared,
    inputs: frozen.Inputs,
) -> contextlib.AbstractContextManager:
    """The workers' forkserver for a local run asked to fork from this process (the CLI): forked
    now, while this process writes the run directory, with the validated run kept in memory."""
    if executor is not None or not fork_from_caller:
        return contextlib.nullcontext()
    p = prepared
    run_cache.keep(inputs.schema_bytes, inputs.plan_bytes, p.schema, p.plan, p.table_plans, p.base_date)
    return supervisor.forked_server(PRELOAD)


def _execute(
    report: Report,
    run_dir: Path,
    prepared: Prepared,
    executor: supervisor.Executor | None,
    on_event: Callable[[str, TableState], None] | None,
    previous: dict[tuple[str, str], dict],
) -> str | None:
    """Run the tables; returns the shutdown signal that stopped them, if any. ``previous``: each
    table's entry in the report of an earlier attempt (a resumed run): those OK are kept as they
    are, the others run again."""
    settings = report.settings
    tasks, runs = jobs.build(
        prepared.schema,
        prepared.plan,
        prepared.graph,
        prepared.table_plans,
        run_dir.absolute(),  # workers may run elsewhere (another cwd, another machine)
        dt.date.fromisoformat(settings["base_date"]),
        settings["workers"],
        settings["chunk_rows"],
        common={"log_file": str(run_dir.absolute() / logs.LOG_NAME)},
    )
    report.tables = list({id(r): r.state for r in runs.values()}.values())
    tasks = resuming.carry_over(tasks, runs, previous, run_dir)
    table_of = {t: f"{r.state.schema}.{r.state.table}" for t, r in runs.items()}
    limits = supervisor.Limits(
        workers=settings["workers"],
        memory_limit_bytes=settings["memory_limit_bytes"],
        timeout_s=settings["table_timeout_s"],
        stall_s=settings.get("stall_limit_s"),
        preload=PRELOAD,
    )
    report.write()

    def handle(event: supervisor.Event) -> None:
        run = runs[event.task_id]
        state = run.state
        was = state.status
        run.apply(event.outcome, run_dir, table_of)
        if event.kind == "progress":
            run.report_progress(event.task_id, event.data.get("rows", 0))
        else:
            report.write()
            _log_table(was, state)
        if on_event is not None:
            on_event(event.kind, state)

    if executor is None:  # the forkserver's start counts against no table's timeout
        supervisor.wait_ready(PRELOAD)
    result = supervisor.run(tasks, limits, on_event=handle, executor=executor)
    for task_id, outcome in result.outcomes.items():
        runs[task_id].apply(outcome, run_dir, table_of)
    return result.interrupted_by


def _finish(
    report: Report, run_dir: Path, interrupted_by: str | None, crash: Exception | None = None
) -> RunResult:
    """Make the report final: every table ends in a final status, the run gets its status."""
    if crash is not None:
        log.error("run failed", error=f"{type(crash).__name__}: {crash}", traceback=format_exc())
        report.errors.append(Issue("error", "internal_error", "", _crash_message(crash)))
    unfinished = "run_failed" if crash is not None else "shutdown"
    for state in report.tables:
        if not state.status.final:
            was = state.status
            state.status, state.reason = Status.CANCELLED, unfinished
            _log_table(was, state)
    if crash is not None:
        report.status = RunStatus.FAILED
    elif interrupted_by:
        report.status = RunStatus.CANCELLED
    elif all(t.status == Status.OK for t in report.tables):
        report.status = RunStatus.SUCCEEDED
    else:
        report.status = RunStatus.FAILED
    code = supervisor.exit_code(interrupted_by) if interrupted_by else EXIT[report.status]
    report.interrupted_by = interrupted_by
    report.finish()
    statuses = [t.status for t in report.tables]
    log.info(
        "run finished",
        status=report.status,
        exit_code=code,
        interrupted_by=interrupted_by,
        tables={s: statuses.count(s) for s in dict.fromkeys(statuses)},
        rows=sum(t.rows_generated for t in report.tables if t.status == Status.OK),
    )
    return RunResult(run_dir, report.status, code, report, crash)


def _crash_message(exc: Exception) -> str:
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return f"disk full: {exc}"
    return f"internal error: {type(exc).__name__}: {exc} (traceback in {logs.LOG_NAME})"


def _executor(dask: str | None) -> DaskExecutor | None:
    """None for the local pool; a connected DaskExecutor for ``dask``."""
    if dask is None:
        return None
    from supervisor.dask_executor import DaskExecutor

    try:
        return DaskExecutor(dask)
    except RuntimeError as exc:  # the extra is not installed
        raise InputError(str(exc)) from None
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError(f"cannot reach the Dask cluster {dask!r}: {exc}") from None


def _issue(exc: DatalchemyError) -> Issue:
    return Issue("error", type(exc).__name__, exc.path or "", exc.message, exc.file)


def _invalid(report: Report, run_dir: Path, issues: list[Issue]) -> RunResult:
    report.status = RunStatus.INVALID
    report.errors = [i for i in issues if i.severity == "error"]
    report.warnings = [i for i in issues if i.severity != "error"]
    report.finish()
    log.error("plan invalid", errors=[str(i) for i in report.errors])
    log.info("run finished", status=RunStatus.INVALID, exit_code=2)
    return RunResult(run_dir, RunStatus.INVALID, 2, report)


def _write_resolved_plan(
    run_dir: Path, plan_bytes: bytes, plan: Plan, base: dt.date, table_plans: dict
) -> None:
    """The plan as run, enough to make the same bytes again: generators as ``{id, locale?,
    params?}`` (legacy params moved in), the seed, base date and locale written out, and under
    ``resolved_columns`` how every column was filled (source, generator, params)."""
    from datalchemy_mp.planning.columns import default_locale
    from datalchemy_mp.planning.explain import to_json_value

    doc = orjson.loads(plan_bytes)
    for rule in doc.get("rules", []):
        if rule.get("type") != "column_generator":
            continue
        gen = rule.get("generator")
        gen = {"id": gen} if isinstance(gen, str) else dict(gen)
        if "params" in rule and "params" not in gen:
            gen["params"] = rule["params"]
        rule.pop("params", None)
        rule["generator"] = gen
    doc["seed"] = plan.seed
    doc["global"] = {**(doc.get("global") or {}), "locale": default_locale(plan)}
    doc["options"] = {**(doc.get("options") or {}), "base_date": base.isoformat()}
    doc["resolved_columns"] = {
        graphmod.qualified(key): {
            cp.name: {
                "source": cp.source,
                "generator": cp.generator_id,
                "params": to_json_value(cp.params),
                "transforms": [tid for tid, _ in cp.transforms],
                "null_rate": cp.null_rate,
            }
            for cp in tp.columns
        }
        for key, tp in table_plans.items()
    }
    (run_dir / "resolved_plan.json").write_bytes(orjson.dumps(doc, option=orjson.OPT_INDENT_2))


def _log_table(was: Status, state: TableState) -> None:
    """A table started or finished (not each of its chunks): one line with its figures, and one
    per warning it raised."""
    table = f"{state.schema}.{state.table}"
    if state.status == was:
        return
    if state.status == Status.RUNNING:
        log.info("table started", table=table, worker_pid=state.pid, rows=state.rows_requested)
        return
    level = {Status.OK: "info", Status.FAILED: "error"}.get(state.status, "warning")
    d = state.detail or {}
    figures = {
        "status": state.status,
        "reason": state.reason,
        "blocked_by": state.blocked_by or None,
        "error": f"{d['type']}: {d.get('message', '')}" if "type" in d else None,
        "rows": state.rows_generated,
        "rows_requested": state.rows_requested,
        "duration_ms": state.duration_ms,
        "peak_rss_bytes": state.peak_rss_bytes,
        "bytes": state.bytes,
        "retries": state.retries,
        "worker_pid": state.pid,
        "exit_code": state.exit_code,
        "signal": state.signal,
    }
    getattr(log, level)("table finished", table=table, **{k: v for k, v in figures.items() if v is not None})
    for w in state.warnings:
        log.warning(
            "table warning",
            table=table,
            column=w.get("column"),
            code=w.get("code"),
            message=w.get("message"),
            count=w.get("count"),
        )
