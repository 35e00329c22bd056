"""Run a plan: validate, build the FK graph, supervise one worker per table, report.

Usable without the CLI::

    result = generate("schema.json", "plan.json", "out/")
    print(result.run_dir, result.status)
"""

from __future__ import annotations

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

import orjson
import psutil

import supervisor
from datalchemy_mp.contracts import integrity
from datalchemy_mp.contracts.plan import Plan, load_plan
from datalchemy_mp.contracts.schema import Schema, load_schema
from datalchemy_mp.errors import DatalchemyError, InputError, Issue, OutputError, ValidationFailed
from datalchemy_mp.planning import graph as graphmod
from datalchemy_mp.planning import jobs
from datalchemy_mp.run import logs, memory, paths
from datalchemy_mp.run.report import REPORT_NAME, Report, RunStatus, TableState
from supervisor import Status

PRELOAD = ("datalchemy_mp.engine.worker", "datalchemy_mp.generators", "datalchemy_mp.engine.preload")
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
    total = psutil.virtual_memory().total
    cgroup = memory.cgroup_limit()
    if cgroup is not None:
        total = min(total, cgroup)
    return min(2 << 30, total // 2 // max(workers, 1))


def load_inputs(schema_file: str | Path, plan_file: str | Path) -> tuple[Schema, Plan, list[Issue]]:
    """Load and validate both files; raise ValidationFailed with every error found."""
    from datalchemy_mp import generators  # noqa: F401  (registers the catalog)
    from datalchemy_mp.contracts.validate import check

    schema = load_schema(schema_file)
    plan = load_plan(plan_file)
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


def prepare(schema_file: str | Path, plan_file: str | Path, base_date: dt.date | None = None) -> Prepared:
    """Load, validate and plan every table exactly as ``generate`` does; ``validate`` is this.

    Raises ValidationFailed with every error found (file, JSON path, what was expected).
    """
    schema, plan, warnings = load_inputs(schema_file, plan_file)
    base = base_date or plan.options.base_date or dt.datetime.now(dt.UTC).date()
    try:
        graph = graphmod.build(schema, plan)
    except DatalchemyError:
        raise
    except Exception as exc:  # what the planner cannot do with this input, found before any worker
        message = f"the tables cannot be ordered: {type(exc).__name__}: {exc}"
        raise ValidationFailed([Issue("error", "cannot_generate", "", message, plan.file)]) from exc
    table_plans = jobs.plans_of(schema, plan, graph, base)
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
    on_event: Callable[[str, TableState], None] | None = None,
) -> RunResult:
    """Generate every table of the plan into ``out_dir/<run_id>/``.

    Once the run directory exists its report ends final whatever happens (an error, a signal, a
    full disk): ``succeeded``, ``failed``, ``invalid`` or ``cancelled``. Raises DatalchemyError
    only before that (a bad run id, an ``out_dir`` that cannot hold a run directory).
    """
    run_id = run_id or default_run_id()
    if not _RUN_ID.match(run_id):
        raise InputError(f"run id {run_id!r} must be letters, digits, '_', '-' or '.'")
    # Signals are recorded from here on, and stop the run once its report exists.
    with supervisor.catch_shutdown(raising=False) as shutdown:
        report = _start(
            Path(out_dir) / run_id, schema_file, plan_file, workers, memory_limit, table_timeout, stall_limit
        )
        run_dir = report.path.parent
        limits = {
            "workers": report.settings["workers"],
            "memory_limit_bytes": report.settings["memory_limit_bytes"],
            "timeout_s": table_timeout,
            "stall_s": stall_limit,
        }
        try:
            shutdown.arm()
            result = _run(report, run_dir, schema_file, plan_file, limits, base_date, chunk_rows, on_event)
            shutdown.raising = False  # the run is over: a late signal must not tear the ending
            return _finish(report, run_dir, result or shutdown.first)
        except supervisor.Interrupted as exc:
            shutdown.raising = False
            return _finish(report, run_dir, exc.signal_name)
        except ValidationFailed as exc:
            shutdown.raising = False
            return _invalid(report, run_dir, exc.issues)
        except DatalchemyError as exc:
            shutdown.raising = False
            issue = Issue("error", type(exc).__name__, exc.path or "", exc.message, exc.file)
            return _invalid(report, run_dir, [issue])
        except Exception as exc:
            shutdown.raising = False
            return _finish(report, run_dir, None, crash=exc)
        finally:
            shutil.rmtree(paths.parts_dir(run_dir), ignore_errors=True)


def _start(
    run_dir: Path,
    schema_file: str | Path,
    plan_file: str | Path,
    workers: int | None,
    memory_limit: int | None,
    table_timeout: float | None,
    stall_limit: float | None,
) -> Report:
    """Create the run directory and its first report (``running``); raise DatalchemyError if
    that cannot be done (then no run directory is left)."""
    try:
        run_dir.mkdir(parents=True, exist_ok=False)
    except FileExistsError:
        raise InputError(f"run directory {run_dir} already exists") from None
    except OSError as exc:
        raise InputError(f"cannot create the run directory {run_dir}: {exc.strerror or exc}") from None
    workers = workers or os.cpu_count() or 1
    report = Report(
        path=run_dir / REPORT_NAME,
        run_id=run_dir.name,
        settings={
            "schema_file": str(schema_file),
            "plan_file": str(plan_file),
            "workers": workers,
            "memory_limit_bytes": memory_limit or default_memory_limit(workers),
            "table_timeout_s": table_timeout,
            "stall_limit_s": stall_limit,
        },
    )
    try:
        report.start()
    except OSError as exc:
        shutil.rmtree(run_dir, ignore_errors=True)  # no report: leave no run directory either
        raise OutputError(f"cannot write the report in {run_dir}: {exc.strerror or exc}") from None
    logs.log_to_file(run_dir / logs.LOG_NAME)
    return report


def _run(
    report: Report,
    run_dir: Path,
    schema_file: str | Path,
    plan_file: str | Path,
    limits: dict,
    base_date: dt.date | None,
    chunk_rows: int | None,
    on_event: Callable[[str, TableState], None] | None,
) -> str | None:
    """Validate, then supervise every table; returns the shutdown signal that stopped it, if any."""
    supervisor.prestart(PRELOAD)  # warms the workers' caches while the plan is validated
    log.info("run started", run_id=report.run_id, run_dir=str(run_dir), **report.settings)
    prepared = prepare(schema_file, plan_file, base_date)
    schema, plan, graph, base = prepared.schema, prepared.plan, prepared.graph, prepared.base_date
    report.warnings = prepared.warnings
    log.info("plan valid", tables=len(graph.order), warnings=len(report.warnings))
    for issue in report.warnings:
        log.warning("plan warning", code=issue.code, path=issue.path, message=issue.message)
    report.settings.update({"seed": plan.seed, "base_date": base.isoformat()})
    _write_resolved_plan(run_dir, plan_file)
    tasks, runs = jobs.build(
        schema,
        plan,
        graph,
        prepared.table_plans,
        run_dir,
        base,
        limits["workers"],
        chunk_rows,
        common={"log_file": str(run_dir / logs.LOG_NAME)},
    )
    report.tables = list({id(r): r.state for r in runs.values()}.values())
    table_of = {t: f"{r.state.schema}.{r.state.table}" for t, r in runs.items()}
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

    result = supervisor.run(tasks, supervisor.Limits(**limits, preload=PRELOAD), on_event=handle)
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


def _invalid(report: Report, run_dir: Path, issues: list[Issue]) -> RunResult:
    report.status = RunStatus.INVALID
    report.errors = [i for i in issues if i.severity == "error"]
    report.warnings = [i for i in issues if i.severity != "error"]
    report.finish()
    log.error("plan invalid", errors=[str(i) for i in report.errors])
    log.info("run finished", status=RunStatus.INVALID, exit_code=2)
    return RunResult(run_dir, RunStatus.INVALID, 2, report)


def _write_resolved_plan(run_dir: Path, plan_file: str | Path) -> None:
    """The plan as run: generators as ``{id, locale?, params?}``, legacy params moved in."""
    doc = orjson.loads(Path(plan_file).read_bytes())
    for rule in doc.get("rules", []):
        if rule.get("type") != "column_generator":
            continue
        gen = rule.get("generator")
        gen = {"id": gen} if isinstance(gen, str) else dict(gen)
        if "params" in rule and "params" not in gen:
            gen["params"] = rule["params"]
        rule.pop("params", None)
        rule["generator"] = gen
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
