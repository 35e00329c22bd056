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

import orjson
import psutil

import supervisor
from datalchemy_mp import columns, paths
from datalchemy_mp import graph as graphmod
from datalchemy_mp.errors import DatalchemyError, InputError, Issue, ValidationFailed
from datalchemy_mp.plan import Plan, load_plan
from datalchemy_mp.report import REPORT_NAME, Report, TableState, utc_now
from datalchemy_mp.schema import Schema, load_schema

WORKER_TARGET = "datalchemy_mp.worker:run_job"
PRELOAD = ("datalchemy_mp.worker", "datalchemy_mp.generators")
EXIT = {"succeeded": 0, "failed": 1, "invalid": 2, "cancelled": 130}
_RUN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,200}$")


@dataclass
class RunResult:
    run_dir: Path
    status: str
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
    from datalchemy_mp.validate import check

    schema = load_schema(schema_file)
    plan = load_plan(plan_file)
    warnings = check(schema, plan)
    return schema, plan, warnings


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
    workers = workers or os.cpu_count() or 1
    memory_limit = memory_limit or default_memory_limit(workers)
    report = Report(path=run_dir / REPORT_NAME, run_id=run_id, settings={
        "schema_file": str(schema_file), "plan_file": str(plan_file), "workers": workers,
        "memory_limit_bytes": memory_limit, "table_timeout_s": table_timeout,
    })
    report.write()
    try:
        schema, plan, warnings = load_inputs(schema_file, plan_file)
        base = base_date or plan.options.base_date or dt.datetime.now(dt.UTC).date()
        graph = graphmod.build(schema, plan)
        for key in graph.order:  # build every table's generators once, before any worker
            columns.build(schema, plan, graph, key, base)
    except ValidationFailed as exc:
        return _invalid(report, run_dir, exc.issues)
    except DatalchemyError as exc:
        return _invalid(report, run_dir, [Issue("error", type(exc).__name__, exc.path or "",
                                                exc.message, exc.file)])
    report.warnings = warnings + graph.warnings
    report.settings.update({"seed": plan.seed, "base_date": base.isoformat()})
    report.tables = [TableState(k[0], k[1], graph.rows[k], k in graph.auto) for k in graph.order]
    _write_resolved_plan(run_dir, plan_file)
    tasks = _tasks(schema, plan, graph, run_dir, base)
    limits = supervisor.Limits(workers=workers, memory_limit_bytes=memory_limit,
                               timeout_s=table_timeout, preload=PRELOAD)
    report.write()

    def handle(event: supervisor.Event) -> None:
        state = report.table(*event.task_id.split(".", 1))
        _apply(state, event.outcome, run_dir)
        if event.kind == "progress":
            state.rows_generated = event.data.get("rows", state.rows_generated)
        else:
            report.write()
        if on_event is not None:
            on_event(event.kind, state)

    result = supervisor.run(tasks, limits, on_event=handle)
    for task_id, outcome in result.outcomes.items():
        _apply(report.table(*task_id.split(".", 1)), outcome, run_dir)
    if result.interrupted_by:
        report.status = "cancelled"
    elif all(t.status == "OK" for t in report.tables):
        report.status = "succeeded"
    else:
        report.status = "failed"
    report.finished_at = utc_now()
    report.write()
    code = EXIT[report.status]
    if result.interrupted_by == "SIGTERM":
        code = 143
    return RunResult(run_dir, report.status, code, report)


def _invalid(report: Report, run_dir: Path, issues: list[Issue]) -> RunResult:
    report.status = "invalid"
    report.errors = [i for i in issues if i.severity == "error"]
    report.warnings = [i for i in issues if i.severity != "error"]
    report.finished_at = utc_now()
    report.write()
    return RunResult(run_dir, "invalid", 2, report)


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


def _needed_keys(schema: Schema, plan: Plan, graph: graphmod.Graph) -> dict[tuple, set[str]]:
    """Parent columns that children read: FK targets and ``derive.parent_value`` columns."""
    needed: dict[tuple, set[str]] = {k: set() for k in graph.order}
    for key in graph.order:
        table = schema.tables[key]
        for fk in graphmod.active_fks(schema, table, graph.fk_disabled):
            if fk.ref != key and not graph.is_broken(key, fk) and fk.ref in needed:
                needed[fk.ref].update(fk.ref_columns)
    for rule in plan.column_rules:
        if rule.generator.id == "derive.parent_value":
            p = rule.generator.params
            ref = (p.get("parent_schema"), p.get("parent_table"))
            if ref in needed:
                needed[ref].add(p.get("parent_column"))
    return needed


def _tasks(schema: Schema, plan: Plan, graph: graphmod.Graph, run_dir: Path,
           base: dt.date) -> list[supervisor.Task]:
    paths.parts_dir(run_dir).mkdir()
    needed = _needed_keys(schema, plan, graph)
    graph_json = graph.to_json()
    key_specs: dict[tuple, dict] = {}
    tasks = []
    for key in graph.order:
        table = schema.tables[key]
        q = graphmod.qualified(key)
        key_paths = {c: str(paths.key_path(run_dir, *key, c, 0)) for c in sorted(needed[key])}
        key_specs[key] = {c: {"kind": table.column(c).kind, "paths": [p]}
                          for c, p in key_paths.items()}
        job = {
            "schema_file": str(Path(schema.file).resolve()),
            "plan_file": str(Path(plan.file).resolve()),
            "graph": graph_json,
            "schema": key[0], "table": key[1],
            "start": 0, "end": graph.rows[key], "header": True,
            "part": str(paths.part_path(run_dir, *key, 0)),
            "key_paths": key_paths,
            "parent_keys": {graphmod.qualified(p): key_specs[p] for p in graph.parents[key]},
            "base_date": base.isoformat(),
        }
        tasks.append(supervisor.Task(
            id=q, target=WORKER_TARGET, payload=job, group=q,
            deps=tuple(graphmod.qualified(p) for p in graph.parents[key])))
    return tasks


def _apply(state: TableState, outcome: supervisor.Outcome, run_dir: Path) -> None:
    """Copy a task's outcome into its table's state; publish the CSV of a table that is OK."""
    state.reason = outcome.reason
    state.detail = outcome.detail or {}
    state.blocked_by = list(outcome.blocked_by or [])
    state.peak_rss_bytes = outcome.peak_rss_bytes
    state.duration_ms = outcome.duration_ms
    state.pid = outcome.pid
    state.exit_code = outcome.exit_code
    state.signal = outcome.signal
    if outcome.status == "OK" and state.status != "OK":
        stats = outcome.result or {}
        final = paths.csv_path(run_dir, state.schema, state.table)
        os.replace(paths.part_path(run_dir, state.schema, state.table, 0), final)
        state.csv = final.name
        state.rows_generated = stats.get("rows", 0)
        state.retries = stats.get("retries", 0)
        state.bytes = stats.get("bytes", 0)
        state.warnings = stats.get("warnings", [])
        state.stats = stats
    state.status = outcome.status
