"""What runs inside a worker process: one table job, from plain data to a CSV part."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

from datalchemy_mp.contracts.plan import load_plan
from datalchemy_mp.contracts.schema import load_schema
from datalchemy_mp.engine.coherence import Lineage
from datalchemy_mp.engine.table import TableEngine, open_parents
from datalchemy_mp.planning import columns
from datalchemy_mp.planning.graph import Graph
from datalchemy_mp.run import logs

PROGRESS_EVERY_S = 0.25


def warm() -> None:
    """Load vocabularies and check-digit tables once, in the forkserver that imports this
    module: every worker it starts then has them already (tens of milliseconds each). The
    Faker instances a run uses are created when the run is loaded (engine.run_cache)."""
    import numpy.random  # noqa: F401  (numpy imports it on first use: ~15 ms in every worker)

    from datalchemy_mp.generators import semantic_br

    semantic_br.places()
    semantic_br.names()
    semantic_br.business()
    semantic_br._email_parts()
    semantic_br._streets()
    semantic_br._cpf_strings([0])  # builds the check-digit tables
    semantic_br._cnpj_strings([0], [1])


def run_job(job: dict) -> dict:
    """Generate rows ``[start, end)`` of ``job["table"]``; return the table's counters."""
    import datalchemy_mp.generators  # noqa: F401  (registers the catalog)
    import supervisor
    from datalchemy_mp.engine import run_cache

    logs.log_to_file(job.get("log_file"))
    log = logs.get_logger(process="worker", table=f"{job['schema']}.{job['table']}")
    graph = Graph.from_json(job["graph"])
    key = (job["schema"], job["table"])
    base = dt.date.fromisoformat(job["base_date"])
    run = run_cache.for_job(job)
    if run is not None:  # forked with the run in memory: nothing to parse or build
        schema, plan = run.schema, run.plan

        def plan_of(table: tuple[str, str], only: set[str] | None = None) -> columns.TablePlan:
            return run.tables[table]

    else:
        schema, plan = load_schema(job["schema_file"]), load_plan(job["plan_file"])

        def plan_of(table: tuple[str, str], only: set[str] | None = None) -> columns.TablePlan:
            return columns.build(schema, plan, graph, table, base, only=only)

    log.info("worker started", rows=job["end"] - job["start"], start=job["start"], preloaded=run is not None)
    tp = plan_of(key)
    parents = open_parents(job["parent_keys"], {k: graph.rows[k] for k in graph.parents[key]})
    for parent_schema, parent_table, cols in job["computed_keys"]:
        parent = (parent_schema, parent_table)
        fns = columns.key_functions(plan_of(parent, set(cols)), tuple(cols))
        assert fns is not None, f"{parent_schema}.{parent_table}: {cols} are not functions of the row index"
        parents.computed.update({(parent, c): fn for c, fn in zip(cols, fns, strict=True)})
    total = job["end"] - job["start"]
    last = [0.0]

    def progress(rows: int) -> None:
        now = time.monotonic()
        if now - last[0] >= PROGRESS_EVERY_S or rows == total:
            last[0] = now
            supervisor.progress(rows=rows, total=total)

    lineage = Lineage(schema, plan, graph, base)
    engine = TableEngine(tp, parents, progress=progress, lineage=lineage)
    # Each attempt writes files of its own, renamed into place once complete: a retried chunk (a
    # lost cluster worker) never shares a file with the attempt it replaces.
    final = {job["part"]: _attempt_path(job["part"])}
    final.update({p: _attempt_path(p) for p in job["key_paths"].values()})
    try:
        stats = engine.run(
            job["start"],
            job["end"],
            final[job["part"]],
            {c: final[p] for c, p in job["key_paths"].items()},
            header=job["header"],
        )
    except Exception:
        log.exception("worker failed")
        raise
    for path, attempt in final.items():
        if os.path.exists(f"{attempt}.off"):  # offsets of a text key file
            os.replace(f"{attempt}.off", f"{path}.off")
        os.replace(attempt, path)
    result = stats.to_json()
    log.info(
        "worker finished", rows=result.get("rows"), bytes=result.get("bytes"), retries=result.get("retries")
    )
    return result


def _attempt_path(path: str) -> Path:
    return Path(f"{path}.{os.uname().nodename}.{os.getpid()}.tmp")


def join_parts(job: dict) -> dict:
    """Concatenate a chunked table's parts, in order, into its CSV (written beside it, then
    renamed: a full disk leaves no partial CSV behind)."""
    final = Path(job["csv"])
    tmp = final.with_name(f".{final.name}.tmp")
    import supervisor

    copied = 0
    try:
        with open(tmp, "wb") as out:
            for part in job["parts"]:
                with open(part, "rb") as src:
                    for n in _copy(src, out):
                        copied += n
                        supervisor.progress(bytes=copied)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, final)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    for part in job["parts"]:
        Path(part).unlink()
    return {"bytes": final.stat().st_size}


def _copy(src, out):
    """Append ``src`` to ``out`` (binary files), yielding the bytes copied by each step: in the
    kernel where it can (``copy_file_range``), else through a buffer."""
    out.flush()  # the kernel writes at the file's offset: nothing may wait in the buffer
    try:
        while n := os.copy_file_range(src.fileno(), out.fileno(), 1 << 26):
            yield n
        return
    except OSError:  # not between these files (another file system, an old kernel)
        pass
    while block := src.read(1 << 22):
        out.write(block)
        yield len(block)
