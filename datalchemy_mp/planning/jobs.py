"""Tables as supervisor tasks: one task per chunk of rows, and chunk outcomes back to tables.

A big table is split into chunks of whole RNG blocks that run on several workers at once;
its CSV is the chunk parts concatenated in order by a last task (so that a full disk fails that
table like any worker failure), and the bytes do not depend on the chunking. A table that checks
uniqueness from memory or references its own rows runs as one chunk.

A child waits for the parents whose key files it reads (``deps``) and requires every parent
(``requires``): it is stopped at once, and never reported OK, if a parent does not end OK.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import supervisor
from datalchemy_mp.contracts.plan import Plan
from datalchemy_mp.contracts.schema import Schema
from datalchemy_mp.errors import DatalchemyError, Issue, ValidationFailed
from datalchemy_mp.generators.base import BLOCK_ROWS
from datalchemy_mp.planning import columns
from datalchemy_mp.planning import graph as graphmod
from datalchemy_mp.planning.uniques import needs_whole_table
from datalchemy_mp.run import frozen, paths
from datalchemy_mp.run.report import TableState
from supervisor import Status

WORKER_TARGET = "datalchemy_mp.engine.worker:run_job"
JOIN_TARGET = "datalchemy_mp.engine.worker:join_parts"
MIN_CHUNK_ROWS = 8 * BLOCK_ROWS
"""Smaller tables run as one task: a worker costs tens of milliseconds to start."""


@dataclass
class TableRun:
    """One table: its report entry and the outcomes of its chunk tasks."""

    state: TableState
    task_ids: list[str]  # the chunks
    join_id: str | None = None  # the task that concatenates the chunks' parts, if more than one
    outcomes: dict[str, supervisor.Outcome] = field(default_factory=dict)
    progress: dict[str, int] = field(default_factory=dict)

    def apply(self, outcome: supervisor.Outcome, run_dir: Path, table_of: dict[str, str]) -> None:
        """Fold a chunk's outcome into the table's state; publish the CSV once all are OK."""
        self.outcomes[outcome.task_id] = outcome
        if self.state.status == Status.OK:
            return
        every = [*self.task_ids, self.join_id] if self.join_id else self.task_ids
        seen = [self.outcomes[t] for t in every if t in self.outcomes]
        statuses = {o.status for o in seen}
        first_bad = next((o for o in seen if o.status == Status.FAILED), None)
        lead = first_bad or max(seen, key=lambda o: o.started_at or 0)
        s = self.state
        s.reason, s.detail = lead.reason, lead.detail or {}
        s.pid, s.exit_code, s.signal = lead.pid, lead.exit_code, lead.signal
        s.blocked_by = sorted({table_of.get(b, b) for o in seen for b in o.blocked_by or []})
        rss = [o.peak_rss_bytes for o in seen if o.peak_rss_bytes]
        s.peak_rss_bytes = max(rss) if rss else None
        starts = [o.started_at for o in seen if o.started_at]
        ends = [o.finished_at for o in seen if o.finished_at]
        if starts and ends:
            s.duration_ms = int((max(ends) - min(starts)) * 1000)
        if Status.FAILED in statuses:
            s.status = Status.FAILED
        elif Status.CANCELLED in statuses:
            s.status = Status.CANCELLED
        elif Status.SKIPPED in statuses:
            s.status, s.reason = Status.SKIPPED, "parent_failed"
        elif len(seen) == len(every) and statuses == {Status.OK}:
            self._publish(run_dir)
        elif Status.RUNNING in statuses or Status.OK in statuses:
            s.status = Status.RUNNING
        if s.status in (Status.FAILED, Status.CANCELLED, Status.SKIPPED) and s.rows_generated:
            # rows_generated is what exists: the parts of a table that did not end OK are removed.
            s.detail = {**s.detail, "rows_discarded": s.rows_generated}
            s.rows_generated = 0

    def report_progress(self, task_id: str, rows: int) -> None:
        if not self.state.status.final:
            self.progress[task_id] = rows
            self.state.rows_generated = sum(self.progress.values())

    def _publish(self, run_dir: Path) -> None:
        s = self.state
        final = paths.csv_path(run_dir, s.schema, s.table)
        if self.join_id is None:  # one part: a rename, which needs no space
            os.replace(paths.part_path(run_dir, s.schema, s.table, 0), final)
        s.stats = merge_stats([self.outcomes[t].result or {} for t in self.task_ids])
        s.csv = final.name
        s.rows_generated = s.stats.get("rows", 0)
        s.retries = s.stats.get("retries", 0)
        s.bytes = s.stats.get("bytes", 0)
        s.warnings = s.stats.get("warnings", [])
        s.status = Status.OK


def merge_stats(results: list[dict]) -> dict:
    """Counters of a table's chunks added up (warnings by code, column and message)."""
    out: dict = {"rows": 0, "retries": 0, "bytes": 0, "heuristic": 0}
    counters: dict[str, Counter] = {k: Counter() for k in ("generator_usage", "transform_usage", "pii")}
    warnings: dict[tuple, dict] = {}
    for r in results:
        for k in ("rows", "retries", "bytes", "heuristic"):
            out[k] += r.get(k, 0)
        for k, c in counters.items():
            c.update(r.get(k, {}))
        for w in r.get("warnings", []):
            key = (w["code"], w.get("column"), w["message"])
            warnings.setdefault(key, {**w, "count": 0})["count"] += w["count"]
    out.update({k: dict(sorted(c.items())) for k, c in counters.items()})
    out["warnings"] = list(warnings.values())
    return out


def chunk_bounds(rows: int, workers: int, chunk_rows: int | None) -> list[tuple[int, int]]:
    """Row ranges of whole blocks; one range for small tables."""
    size = chunk_rows or max(MIN_CHUNK_ROWS, math.ceil(rows / max(workers, 1)))
    size = max(BLOCK_ROWS, math.ceil(size / BLOCK_ROWS) * BLOCK_ROWS)
    if rows <= size:
        return [(0, rows)]
    return [(s, min(s + size, rows)) for s in range(0, rows, size)]


def parent_columns(
    schema: Schema, plan: Plan, graph: graphmod.Graph, plans: dict, key: tuple
) -> tuple[dict[tuple, set[str]], dict[tuple, set[str]]]:
    """What ``key`` reads of each parent: (columns from key files, columns it computes).

    FK targets that are functions of the row index (sequences, UUID keys) are computed; other
    FK targets and ``derive.parent_value`` columns are read from the parent's key files."""
    files: dict[tuple, set[str]] = {}
    computed: dict[tuple, set[str]] = {}
    for fk in graphmod.active_fks(schema, schema.tables[key], graph.fk_disabled):
        if fk.ref == key or graph.is_broken(key, fk) or fk.ref not in plans:
            continue
        into = computed if columns.key_functions(plans[fk.ref], fk.ref_columns) else files
        into.setdefault(fk.ref, set()).update(fk.ref_columns)
    for rule in plan.column_rules:
        if (rule.schema, rule.table) == key and rule.generator.id == "derive.parent_value":
            p = rule.generator.params
            ref, column = (p.get("parent_schema"), p.get("parent_table")), p.get("parent_column")
            if ref in plans and isinstance(column, str):
                files.setdefault(ref, set()).add(column)
    return files, computed


def build(
    schema: Schema,
    plan: Plan,
    graph: graphmod.Graph,
    plans: dict,
    run_dir: Path,
    base: dt.date,
    workers: int,
    chunk_rows: int | None,
    common: dict,
) -> tuple[list[supervisor.Task], dict[str, TableRun]]:
    """The supervisor tasks of every table, and the TableRun each task id belongs to.

    ``plans``: the TablePlan of each table (built once by the caller, to validate)."""
    paths.parts_dir(run_dir).mkdir(exist_ok=True)  # a resumed run keeps its parents' key files
    reads = {k: parent_columns(schema, plan, graph, plans, k) for k in graph.order}
    needed: dict[tuple, set[str]] = {k: set() for k in graph.order}
    for files, _ in reads.values():
        for parent, cols in files.items():
            needed[parent].update(cols)
    graph_json = graph.to_json()
    key_specs: dict[tuple, dict] = {}
    chunk_ids: dict[tuple, list[str]] = {}
    final_id: dict[tuple, str] = {}  # the task after which a table's CSV exists
    tasks: list[supervisor.Task] = []
    runs: dict[str, TableRun] = {}
    for key in graph.order:
        table = schema.tables[key]
        q = graphmod.qualified(key)
        rows = graph.rows[key]
        bounds = [(0, rows)] if needs_whole_table(plans[key]) else chunk_bounds(rows, workers, chunk_rows)
        ids = [q] if len(bounds) == 1 else [f"{q}#{k}" for k in range(len(bounds))]
        chunk_ids[key] = ids
        join_id = f"{q}#join" if len(bounds) > 1 else None
        final_id[key] = join_id or ids[0]
        kinds = {col.name: col.kind for col in table.columns}
        key_specs[key] = {
            c: {
                "kind": kinds[c],
                "paths": [str(paths.key_path(run_dir, *key, c, k)) for k in range(len(bounds))],
            }
            for c in sorted(needed[key])
        }
        files, computed = reads[key]
        # a child waits only for the parents whose key files it reads
        deps = tuple(t for p in graph.parents[key] if p in files for t in chunk_ids[p])
        requires = tuple(final_id[p] for p in graph.parents[key])
        parent_keys = [[*p, key_specs[p]] for p in files]
        for k, (start, end) in enumerate(bounds):
            job = {
                **common,
                "schema_file": str(frozen.schema_path(run_dir)),  # never the user's files again
                "plan_file": str(frozen.plan_path(run_dir)),
                "graph": graph_json,
                "schema": key[0],
                "table": key[1],
                "start": start,
                "end": end,
                "header": k == 0,
                "part": str(paths.part_path(run_dir, *key, k)),
                "key_paths": {c: spec["paths"][k] for c, spec in key_specs[key].items()},
                "parent_keys": parent_keys,
                "base_date": base.isoformat(),
                "computed_keys": [[*p, sorted(c)] for p, c in computed.items()],
            }
            task = supervisor.Task(
                id=ids[k], target=WORKER_TARGET, payload=job, group=q, deps=deps, requires=requires
            )
            tasks.append(task)
        if join_id is not None:
            join = {
                **common,
                "parts": [str(paths.part_path(run_dir, *key, k)) for k in range(len(bounds))],
                "csv": str(paths.csv_path(run_dir, *key)),
            }
            tasks.append(
                supervisor.Task(
                    id=join_id, target=JOIN_TARGET, payload=join, group=q, deps=tuple(ids), requires=requires
                )
            )
        run = TableRun(TableState(key[0], key[1], rows, key in graph.auto), ids, join_id)
        for t in [*ids, join_id] if join_id else ids:
            runs[t] = run
    return tasks, runs


def plans_of(schema: Schema, plan: Plan, graph: graphmod.Graph, base: dt.date) -> dict:
    """Every table's TablePlan: builds every generator once, so that whatever a worker would
    reject is rejected here. Raises ValidationFailed naming each table that cannot be planned."""
    plans, issues = {}, []
    for key in graph.order:
        table = schema.tables[key]
        try:
            plans[key] = columns.build(schema, plan, graph, key, base)
        except ValidationFailed as exc:
            issues += exc.issues
        except DatalchemyError as exc:
            if exc.file is None:  # raised for the schema's own column (a default generator, a CHECK)
                where = f" ({exc.path})" if exc.path else ""
                message = f"{graphmod.qualified(key)}: {exc.message}{where}"
                issues.append(Issue("error", type(exc).__name__, table.path, message, schema.file))
            else:
                issues.append(Issue("error", type(exc).__name__, exc.path or "", exc.message, exc.file))
        except Exception as exc:  # what the engine cannot do with this input, found before any worker
            message = f"{graphmod.qualified(key)} cannot be generated: {type(exc).__name__}: {exc}"
            issues.append(Issue("error", "cannot_generate", table.path, message, schema.file))
    if issues:
        raise ValidationFailed(issues)
    return plans
