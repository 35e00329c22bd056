"""Run a plan: validate, build the FK graph, supervise one worker per table, report.

Usable without the CLI::

    result = generate("schema.json", "plan.json", "out/")
    print(result.run_dir, result.status)
"""

from __future__ import annotations

import datetime as dt
import os
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import orjson
import psutil

import supervisor
from datalchemy_mp.contracts.plan import Plan, load_plan
from datalchemy_mp.contracts.schema import Schema, load_schema
from datalchemy_mp.errors import DatalchemyError, InputError, Issue, ValidationFailed
from datalchemy_mp.planning import graph as graphmod
from datalchemy_mp.planning import jobs, sizing
from datalchemy_mp.run import frozen, logs, paths
from datalchemy_mp.run import resume as resuming
from datalchemy_mp.run.report import REPORT_NAME, Report, RunStatus, TableState, utc_now
from supervisor import Status

if TYPE_CHECKING:
    from supervisor.dask_executor import DaskExecutor

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


def load_inputs(
    schema_file: str | Path, plan_file: str | Path, inputs: frozen.Inputs | None = None
) -> tuple[Schema, Plan, list[Issue]]:
    """Load and validate both files (from ``inputs``, their bytes read before, if given); raise
    ValidationFailed with every error found."""
    from datalchemy_mp import generators  # noqa: F401  (registers the catalog)
    from datalchemy_mp.contracts.validate import check

    schema = load_schema(schema_file, inputs.schema_bytes if inputs else None)
    plan = load_plan(plan_file, inputs.plan_bytes if inputs else None)
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


def prepare(
    schema_file: str | Path,
    plan_file: str | Path,
    base_date: dt.date | None = None,
    inputs: frozen.Inputs | None = None,
) -> Prepared:
    """Everything ``generate`` decides before it starts a worker (inputs, graph, rows of auto
    parents, capacities of keys, every generator built): raises ValidationFailed listing the
    errors, or another DatalchemyError (e.g. a cycle of FKs)."""
    schema, plan, warnings = load_inputs(schema_file, plan_file, inputs)
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
    dask: str | None = None,
    on_event: Callable[[str, TableState], None] | None = None,
) -> RunResult:
    """Generate every table of the plan into ``out_dir/<run_id>/``; the report is always written.

    ``dask``: run the tables on a Dask cluster (``tcp://host:8786``, or ``local:N`` for a
    LocalCluster of N one-thread workers) instead of this machine's worker processes."""
    run_id = run_id or default_run_id()
    if not _RUN_ID.match(run_id):
        raise InputError(f"run id {run_id!r} must be letters, digits, '_', '-' or '.'")
    run_dir = Path(out_dir) / run_id
    try:
        run_dir.mkdir(parents=True, exist_ok=False)
    except FileExistsError:
        raise InputError(f"run directory {run_dir} already exists") from None
    logs.log_to_file(run_dir / logs.LOG_NAME)
    report = Report(
        path=run_dir / REPORT_NAME,
        run_id=run_id,
        settings={
            "schema_file": str(Path(schema_file).absolute()),
            "plan_file": str(Path(plan_file).absolute()),
            "workers": workers,
            "memory_limit_bytes": memory_limit,
            "table_timeout_s": table_timeout,
        },
    )
    report.write()
    if dask is None:
        supervisor.prestart(PRELOAD)  # warms the workers' caches while the plan is validated
    log.info("run started", run_id=run_id, run_dir=str(run_dir), **report.settings)
    executor = None
    try:
        inputs = frozen.Inputs.read(schema_file, plan_file)
        ready = prepare(schema_file, plan_file, base_date, inputs)
        schema, plan, base, graph = ready.schema, ready.plan, ready.base_date, ready.graph
        table_plans = ready.table_plans
        executor = _executor(dask)
    except ValidationFailed as exc:
        return _invalid(report, run_dir, exc.issues)
    except DatalchemyError as exc:
        return _invalid(report, run_dir, [_issue(exc)])
    workers = workers or (executor.threads() if executor else None) or os.cpu_count() or 1
    report.warnings = ready.warnings
    log.info("plan valid", tables=len(graph.order), warnings=len(report.warnings))
    for issue in report.warnings:
        log.warning("plan warning", code=issue.code, path=issue.path, message=issue.message)
    report.settings.update(
        {
            "workers": workers,
            "memory_limit_bytes": memory_limit or default_memory_limit(workers),
            "seed": plan.seed,
            "base_date": base.isoformat(),
            "chunk_rows": chunk_rows,
            **inputs.digests,
        }
    )
    frozen.freeze(run_dir, inputs, report.settings)
    _write_resolved_plan(run_dir, inputs.plan_bytes, plan, base, table_plans)
    return _execute(report, run_dir, schema, plan, graph, table_plans, executor, on_event, {})


def resume(
    run_dir: str | Path,
    *,
    dask: str | None = None,
    on_event: Callable[[str, TableState], None] | None = None,
) -> RunResult:
    """Run again, into ``run_dir``, every table that is not OK there (FAILED, SKIPPED, CANCELLED,
    or left RUNNING by a run that died), with the run's own frozen inputs and settings.

    Raises ResumeRefused if the user's schema or plan changed since the run (sha256)."""
    run_dir = Path(run_dir)
    settings = frozen.read_settings(run_dir)
    resuming.check_unchanged(settings)
    previous = resuming.previous_report(run_dir)
    logs.log_to_file(run_dir / logs.LOG_NAME)
    log.info("run resumed", run_id=run_dir.name, run_dir=str(run_dir))
    base = dt.date.fromisoformat(settings["base_date"])
    ready = prepare(frozen.schema_path(run_dir), frozen.plan_path(run_dir), base)
    schema, plan, graph, table_plans = ready.schema, ready.plan, ready.graph, ready.table_plans
    executor = _executor(dask)
    if executor is None:
        supervisor.prestart(PRELOAD)
    report = Report(path=run_dir / REPORT_NAME, run_id=previous["run_id"], settings=settings)
    report.started_at = previous["started_at"]
    report.resumed_at = [*previous.get("resumed_at", []), utc_now()]
    report.warnings = ready.warnings
    earlier = resuming.tables_of(previous)
    return _execute(report, run_dir, schema, plan, graph, table_plans, executor, on_event, earlier)


def _execute(
    report: Report,
    run_dir: Path,
    schema: Schema,
    plan: Plan,
    graph: graphmod.Graph,
    table_plans: dict,
    executor: supervisor.Executor | None,
    on_event: Callable[[str, TableState], None] | None,
    previous: dict[tuple[str, str], dict],
) -> RunResult:
    """Run the tables; ``previous``: each table's entry in the report of an earlier attempt (a
    resumed run): those OK are kept as they are, the others run again."""
    settings = report.settings
    tasks, runs = jobs.build(
        schema,
        plan,
        graph,
        table_plans,
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

    result = supervisor.run(tasks, limits, on_event=handle, executor=executor)
    for task_id, outcome in result.outcomes.items():
        runs[task_id].apply(outcome, run_dir, table_of)
    for state in jobs.withdraw_orphans(report.tables, graph, run_dir):
        _log_table(Status.OK, state)
    if result.interrupted_by:
        report.status = RunStatus.CANCELLED
    elif all(t.status == Status.OK for t in report.tables):
        report.status = RunStatus.SUCCEEDED
    else:
        report.status = RunStatus.FAILED
    # The parents' key files stay until every table is OK: a resumed run's children read them.
    paths.clean_parts(run_dir, keep_keys=report.status != RunStatus.SUCCEEDED)
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
    report.finished_at = utc_now()
    report.write()
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
