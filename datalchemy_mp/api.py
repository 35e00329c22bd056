"""Run a plan: validate, build the FK graph, supervise one worker per table, report.

Usable without the CLI::

    result = generate("schema.json", "plan.json", "out/")
    print(result.run_dir, result.status)
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import orjson
import psutil

import supervisor
from datalchemy_mp.contracts.plan import Plan, load_plan
from datalchemy_mp.contracts.schema import Schema, load_schema
from datalchemy_mp.errors import DatalchemyError, InputError, Issue, ValidationFailed
from datalchemy_mp.planning import graph as graphmod
from datalchemy_mp.planning import jobs, sizing
from datalchemy_mp.run import logs, paths
from datalchemy_mp.run.report import REPORT_NAME, Report, RunStatus, TableState, utc_now
from supervisor import Status

PRELOAD = ("datalchemy_mp.engine.worker", "datalchemy_mp.generators", "datalchemy_mp.engine.preload")
EXIT = {RunStatus.SUCCEEDED: 0, RunStatus.FAILED: 1, RunStatus.INVALID: 2, RunStatus.CANCELLED: 130}
_RUN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,200}$")
log = logs.get_logger(process="supervisor")


@dataclass
class RunResult:
    run_dir: Path
    status: RunStatus
    exit_code: int
    report: Report


def default_run_id() -> str:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H-%M-%SZ")
    return f"{stamp}__run_{uuid.uuid4()}"


def default_memory_limit(workers: int) -> int:
    """Half the machine's memory shared by the workers, at most 2 GiB each."""
    total = psutil.virtual_memory().total
    return min(2 << 30, total // 2 // max(workers, 1))


def load_inputs(schema_file: str | Path, plan_file: str | Path) -> tuple[Schema, Plan, list[Issue]]:
    """Load and validate both files; raise ValidationFailed with every error found."""
    from datalchemy_mp import generators  # noqa: F401  (registers the catalog)
    from datalchemy_mp.contracts.validate import check

    schema = load_schema(schema_file)
    plan = load_plan(plan_file)
    warnings = check(schema, plan)
    return schema, plan, warnings


@dataclass
class Prepared:
    """A run's validated inputs: the FK graph with every table's rows, and the table plans."""

    schema: Schema
    plan: Plan
    base_date: dt.date
    graph: graphmod.Graph
    table_plans: dict
    warnings: list[Issue]


def prepare(schema_file: str | Path, plan_file: str | Path, base_date: dt.date | None = None) -> Prepared:
    """Everything ``generate`` decides before it starts a worker (inputs, graph, rows of auto
    parents, capacities of keys, every generator built): raises ValidationFailed listing the
    errors, or another DatalchemyError (e.g. a cycle of FKs)."""
    schema, plan, warnings = load_inputs(schema_file, plan_file)
    base = base_date or plan.options.base_date or dt.datetime.now(dt.UTC).date()
    graph = graphmod.build(schema, plan)
    table_plans = sizing.sized_plans(schema, plan, graph, base)
    return Prepared(schema, plan, base, graph, table_plans, warnings + graph.warnings)


def validate(schema_file: str | Path, plan_file: str | Path) -> list[Issue]:
    """Every check ``generate`` makes before it starts a worker: raises ValidationFailed
    listing all the errors, else returns the warnings."""
    return prepare(schema_file, plan_file).warnings


def generate(
    schema_file: str | Path,
    plan_file: str | Path,
    out_dir: str | Path,
    *,
    run_id: str | None = None,
    workers: int | None = None,
    memory_limit: int | None = None,
    table_timeout: float | None = None,
    base_date: dt.date | None = None,
    chunk_rows: int | None = None,
    on_event: Callable[[str, TableState], None] | None = None,
) -> RunResult:
    """Generate every table of the plan into ``out_dir/<run_id>/``; the report is always written."""
    run_id = run_id or default_run_id()
    if not _RUN_ID.match(run_id):
        raise InputError(f"run id {run_id!r} must be letters, digits, '_', '-' or '.'")
    run_dir = Path(out_dir) / run_id
    try:
        run_dir.mkdir(parents=True, exist_ok=False)
    except FileExistsError:
        raise InputError(f"run directory {run_dir} already exists") from None
    logs.log_to_file(run_dir / logs.LOG_NAME)
    workers = workers or os.cpu_count() or 1
    memory_limit = memory_limit or default_memory_limit(workers)
    report = Report(
        path=run_dir / REPORT_NAME,
        run_id=run_id,
        settings={
            "schema_file": str(schema_file),
            "plan_file": str(plan_file),
            "workers": workers,
            "memory_limit_bytes": memory_limit,
            "table_timeout_s": table_timeout,
        },
    )
    report.write()
    supervisor.prestart(PRELOAD)  # warms the workers' caches while the plan is validated
    log.info("run started", run_id=run_id, run_dir=str(run_dir), **report.settings)
    try:
        ready = prepare(schema_file, plan_file, base_date)
        schema, plan, base, graph, table_plans = (
            ready.schema,
            ready.plan,
            ready.base_date,
            ready.graph,
            ready.table_plans,
        )
    except ValidationFailed as exc:
        return _invalid(report, run_dir, exc.issues)
    except DatalchemyError as exc:
        return _invalid(
            report, run_dir, [Issue("error", type(exc).__name__, exc.path or "", exc.message, exc.file)]
        )
    report.warnings = ready.warnings
    log.info("plan valid", tables=len(graph.order), warnings=len(report.warnings))
    for issue in report.warnings:
        log.warning("plan warning", code=issue.code, path=issue.path, message=issue.message)
    report.settings.update({"seed": plan.seed, "base_date": base.isoformat()})
    _write_resolved_plan(run_dir, plan_file)
    tasks, runs = jobs.build(
        schema,
        plan,
        graph,
        table_plans,
        run_dir,
        base,
        workers,
        chunk_rows,
        common={"log_file": str(run_dir / logs.LOG_NAME)},
    )
    report.tables = list({id(r): r.state for r in runs.values()}.values())
    table_of = {t: f"{r.state.schema}.{r.state.table}" for t, r in runs.items()}
    limits = supervisor.Limits(
        workers=workers, memory_limit_bytes=memory_limit, timeout_s=table_timeout, preload=PRELOAD
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

    result = supervisor.run(tasks, limits, on_event=handle)
    for task_id, outcome in result.outcomes.items():
        runs[task_id].apply(outcome, run_dir, table_of)
    for state in jobs.withdraw_orphans(report.tables, graph, run_dir):
        _log_table(Status.OK, state)
    shutil.rmtree(paths.parts_dir(run_dir), ignore_errors=True)
    if result.interrupted_by:
        report.status = RunStatus.CANCELLED
    elif all(t.status == Status.OK for t in report.tables):
        report.status = RunStatus.SUCCEEDED
    else:
        report.status = RunStatus.FAILED
    report.finished_at = utc_now()
    report.write()
    code = EXIT[report.status]
    if result.interrupted_by == "SIGTERM":
        code = 143
    statuses = [t.status for t in report.tables]
    log.info(
        "run finished",
        status=report.status,
        exit_code=code,
        interrupted_by=result.interrupted_by,
        tables={s: statuses.count(s) for s in dict.fromkeys(statuses)},
        rows=sum(t.rows_generated for t in report.tables if t.status == Status.OK),
    )
    return RunResult(run_dir, report.status, code, report)


def _invalid(report: Report, run_dir: Path, issues: list[Issue]) -> RunResult:
    report.status = RunStatus.INVALID
    report.errors = [i for i in issues if i.severity == "error"]
    report.warnings = [i for i in issues if i.severity != "error"]
    report.finished_at = utc_now()
    report.write()
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
