"""The run in memory: each worker forks with the validated run and its table plans built.

The workers' forkserver gets the run one of two ways:

- forked from the caller (the CLI: ``supervisor.forked_server``), after the caller ``keep``s
  what it validated here: nothing is parsed or built again;
- started fresh (``api.generate`` called from a program): the caller names the run's inputs in
  ``RUN_ENV`` as it starts the forkserver (``prestart``), which loads the schema and the plan
  and builds every table's column plan (``load_from_env``) while the caller validates them.

A worker takes its table plan from here instead of parsing and building it again, but only
when the files its job names have the same bytes and the base date is the same (``for_job``);
otherwise it builds its own. The process that kept or loaded the run never uses it itself: a
table run in-process builds its plans, as a fresh worker would.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

if TYPE_CHECKING:
    from datalchemy_mp.contracts.plan import Plan
    from datalchemy_mp.contracts.schema import Schema

RUN_ENV = "DATALCHEMY_MP_PRELOAD_RUN"
PRELOAD = ("datalchemy_mp.engine.worker", "datalchemy_mp.generators", "datalchemy_mp.engine.preload")
"""What the workers' forkserver imports before the first worker forks."""


@dataclass
class Run:
    """The inputs of a run and every table's column plan, built once."""

    digest: str
    base_date: str
    schema: Schema
    plan: Plan
    tables: dict
    kept_by: int  # the pid of the process that built it: never used there


_run: Run | None = None


def keep(
    schema_bytes: bytes, plan_bytes: bytes, schema: Schema, plan: Plan, tables: dict, base: dt.date
) -> None:
    """Keep the run validated from files of these bytes (``tables``: every table's TablePlan)
    for the workers of a forkserver forked from this process after now."""
    global _run
    _run = Run(_digest_of(schema_bytes, plan_bytes), base.isoformat(), schema, plan, tables, os.getpid())


def warm() -> None:
    """Create the Faker instances the run's ``faker.*`` columns use (~50 ms each), once, in the
    forkserver (engine.preload), rather than in every worker that draws from one."""
    if _run is None:
        return
    from datalchemy_mp.generators.faker_gen import faker_for

    plans = [cp for tp in _run.tables.values() for cp in tp.columns]
    for locale in sorted({cp.info.locale for cp in plans if (cp.generator_id or "").startswith("faker.")}):
        faker_for(locale)


def prestart(schema_file: str | Path, plan_file: str | Path, base_date: dt.date | None) -> None:
    """Start a fresh forkserver for the workers now: it imports the engine and loads this run
    while the caller imports and validates; each worker then forks with its table plan built.
    A no-op if a forkserver runs."""
    import supervisor

    previous = os.environ.get(RUN_ENV)
    os.environ[RUN_ENV] = run_env(schema_file, plan_file, base_date)  # inherited by the forkserver
    try:
        supervisor.prestart(PRELOAD)
    finally:
        if previous is None:
            del os.environ[RUN_ENV]
        else:
            os.environ[RUN_ENV] = previous


def run_env(schema_file: str | Path, plan_file: str | Path, base_date: dt.date | None) -> str:
    """The value of ``RUN_ENV`` for a run of these files."""
    return orjson.dumps(
        {
            "schema_file": str(Path(schema_file).resolve()),
            "plan_file": str(Path(plan_file).resolve()),
            "base_date": base_date.isoformat() if base_date else None,
        }
    ).decode()


def for_job(job: dict) -> Run | None:
    """The run in memory, in a forked worker, if it was built from the very inputs of ``job``."""
    if _run is None or _run.kept_by == os.getpid() or _run.base_date != job["base_date"]:
        return None
    try:
        digest = _digest(job["schema_file"], job["plan_file"])
    except OSError:
        return None
    return _run if digest == _run.digest else None


def _digest(schema_file: str | Path, plan_file: str | Path) -> str:
    return _digest_of(Path(schema_file).read_bytes(), Path(plan_file).read_bytes())


def _digest_of(*contents: bytes) -> str:
    h = hashlib.blake2b(digest_size=16)
    for data in contents:
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def _load(spec: dict) -> Run:
    # Imported here: the forkserver imports these modules anyway (api.PRELOAD).
    from datalchemy_mp.contracts.plan import load_plan
    from datalchemy_mp.contracts.schema import load_schema
    from datalchemy_mp.planning import graph as graphmod
    from datalchemy_mp.planning import sizing

    digest = _digest(spec["schema_file"], spec["plan_file"])
    schema = load_schema(spec["schema_file"])
    plan = load_plan(spec["plan_file"])
    base = (
        dt.date.fromisoformat(spec["base_date"])
        if spec["base_date"]
        else plan.options.base_date or dt.datetime.now(dt.UTC).date()
    )
    graph = graphmod.build(schema, plan)
    tables = sizing.sized_plans(schema, plan, graph, base)
    return Run(digest, base.isoformat(), schema, plan, tables, os.getpid())


def load_from_env() -> None:
    """Load the run named by ``RUN_ENV``, if any (in a fresh forkserver, as it starts)."""
    global _run
    spec = os.environ.get(RUN_ENV)
    if not spec:
        return
    try:
        _run = _load(orjson.loads(spec))
    except Exception:  # invalid inputs: the caller reports them; workers build their own plans
        _run = None
