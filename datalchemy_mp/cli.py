"""The ``datalchemy-mp`` command line (click only; the work is in api.py)."""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

import click

from datalchemy_mp import __version__, cli_db, cli_plan
from datalchemy_mp.cli_options import iso_date, plan_option, schema_option
from datalchemy_mp.errors import DatalchemyError, ValidationFailed

# The engine, the supervisor and the generator catalog are imported by the commands that use
# them: `--version`, `--help` and `validate` must not pay for them.
DEFAULT_STALL_S = 300.0
"""The same value as api.DEFAULT_STALL_S, kept here so that --help imports no engine."""


def _scrub(text: str) -> str:
    from datalchemy_mp.run import logs

    return logs.scrub_text(text)


GENERATE_EPILOG = """\b
Examples:
  datalchemy-mp generate --schema plans/crm/schema.json \\
      --plan plans/crm/full_stack_ptbr.plan.json --out out/
  datalchemy-mp generate -s schema.json -p plan.json -o /srv/fixtures \\
      --workers 4 --memory-limit 1GiB --table-timeout 600
  # crontab: nightly, keep a week, progress lines every 30 s in the mail
  0 3 * * * datalchemy-mp generate -s schema.json -p plan.json \\
      -o /srv/fixtures --keep 7 --progress-interval 30
  # on a Dask cluster; OUT on a filesystem every worker mounts
  datalchemy-mp generate -s schema.json -p plan.json -o /shared/fixtures \\
      --dask tcp://scheduler:8786
  # run again only what did not finish (same inputs, same settings)
  datalchemy-mp generate --resume /srv/fixtures/<run_id>

\b
The run directory OUT/<run_id>/ gets one <schema>.<table>.csv per table,
resolved_plan.json, generation_report.json (always written) and
logs.ndjson (JSON lines from the supervisor and every worker).
OUT/latest points to the last successful run. One run at a time per OUT:
another one exits at once with code 2.

\b
On a terminal, stderr shows a live view of the tables and log lines;
otherwise one key=value line per running table every --progress-interval
seconds and one per finished table. The last line on stdout is
run_dir=<path>. Exit codes: 0 all tables OK, 1 a table failed (or the
disk filled), 2 invalid input or OUT busy, 130/143/129 interrupted by
SIGINT/SIGTERM/SIGHUP. The report always ends with a final status."""


class Group(click.Group):
    """Turns a DatalchemyError into ``Error: ...`` on stderr and its exit code, no traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except DatalchemyError as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(f"Error: {_scrub(str(exc))}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:  # Ctrl-C outside a run (a run reports it and exits 130 itself)
            if ctx.obj and ctx.obj.get("debug"):
                raise
            sys.exit(130)
        except OSError as exc:  # a file that cannot be read or written, named by the OS
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(f"Error: {_scrub(str(exc))}", err=True)
            sys.exit(1)


@click.group(
    cls=Group,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog="""\b
Examples (a database to fixtures and back):
  datalchemy-mp introspect --dsn postgresql://app@localhost/crm -o schema.json
  datalchemy-mp validate -s schema.json -p plan.json
  datalchemy-mp generate -s schema.json -p plan.json -o out/
  datalchemy-mp load out/latest --dsn postgresql://app@localhost/crm_test

Run `datalchemy-mp COMMAND --help` for the options and examples of each.""",
)
@click.version_option(version=__version__, prog_name="datalchemy-mp")
@click.option("--debug", is_flag=True, help="Show tracebacks of errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Constraint-valid, reproducible CSV fixtures from schema.json + plan.json."""
    ctx.obj = {"debug": debug}


def _memory_limit(ctx, param, value):
    if value is None:
        return None
    from datalchemy_mp.run.memory import parse_memory_limit

    try:
        return parse_memory_limit(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _seconds(ctx, param, value):
    """A positive, finite number of seconds; ``off`` (where allowed) for none."""
    if value is None:
        return None
    if value.strip().lower() == "off" and param.name == "stall_limit":
        return None
    try:
        seconds = float(value)
    except ValueError:
        raise click.BadParameter(f"expected a number of seconds, got {value!r}") from None
    if not (math.isfinite(seconds) and seconds > 0):
        raise click.BadParameter(f"expected a positive, finite number of seconds, got {value!r}")
    return seconds


@cli.command(epilog=GENERATE_EPILOG)
@schema_option(required=False, help="schema.json (v0.2) of the database (required unless --resume).")
@plan_option(required=False, help="plan.json (v0.2): targets, rules, options (required unless --resume).")
@click.option(
    "-o",
    "--out",
    "out_dir",
    required=False,
    type=click.Path(file_okay=False),
    help="Directory that receives the run directory (required unless --resume).",
)
@click.option(
    "--resume",
    "resume_dir",
    type=click.Path(file_okay=False, exists=True),
    metavar="RUN_DIR",
    help="Run again, into RUN_DIR, the tables of that run that are not OK, with its frozen "
    "inputs and settings (refused if its schema or plan file changed since).",
)
@click.option(
    "--dask",
    metavar="ADDRESS",
    help="Run the tables on a Dask cluster: tcp://scheduler:8786, or local:N for a local "
    "cluster of N one-thread workers (pip install 'datalchemy-mp[dask]'). OUT must be a "
    "path every worker sees.",
)
@click.option("--run-id", help="Name of the run directory (default: <UTC time>__run_<uuid>).")
@click.option(
    "-w",
    "--workers",
    type=click.IntRange(min=1),
    help="Worker processes at once, each generating a table or a chunk of one (default: CPU count).",
)
@click.option(
    "--memory-limit",
    callback=_memory_limit,
    help="RSS limit per worker with a unit, e.g. 512MiB or 2GB; at least 64MiB (default: half the "
    "memory of the machine or of its container's cgroup / workers, at most 2GiB).",
)
@click.option(
    "--table-timeout",
    callback=_seconds,
    metavar="SECONDS",
    help="Seconds per worker (a table, or a chunk of a split table).",
)
@click.option(
    "--stall-limit",
    callback=_seconds,
    default=str(DEFAULT_STALL_S),
    show_default=True,
    metavar="SECONDS|off",
    help="A worker that reports no progress for this long is stopped (FAILED stalled); 'off' waits forever.",
)
@click.option(
    "--base-date",
    callback=iso_date,
    help="Date that stands for CURRENT_DATE/now() (default: today, UTC). Fix it to "
    "get the same bytes on another day.",
)
@click.option(
    "--chunk-rows",
    type=click.IntRange(min=1),
    metavar="ROWS",
    help="Split tables into chunks of about ROWS rows that run on several workers "
    "(default: rows / workers, at least 32768). The bytes do not depend on it.",
)
@click.option(
    "--keep",
    type=click.IntRange(min=1),
    metavar="N",
    help="After the run, delete all but the N newest run directories of OUT (the one "
    "OUT/latest points to is always kept).",
)
@click.option(
    "--progress-interval",
    type=click.FloatRange(min=0.1),
    default=5.0,
    show_default=True,
    metavar="SECONDS",
    help="When stderr is not a terminal: seconds between progress lines of a table.",
)
@click.option("-q", "--quiet", is_flag=True, help="Only errors on stderr: no progress, no log lines.")
def generate(
    schema_file,
    plan_file,
    out_dir,
    resume_dir,
    dask,
    run_id,
    workers,
    memory_limit,
    table_timeout,
    stall_limit,
    base_date,
    chunk_rows,
    keep,
    progress_interval,
    quiet,
) -> None:
    """Generate one CSV per table of the plan, in FK order, each table in its own worker."""
    from datalchemy_mp import api
    from datalchemy_mp.run import logs, progress, runs
    from datalchemy_mp.run.report import RunStatus, failure_message
    from supervisor import Status

    if run_id == runs.LATEST:
        raise click.BadParameter(
            f"{runs.LATEST!r} is the link to the last successful run", param_hint="--run-id"
        )
    if resume_dir is not None:
        given = {
            "--schema": schema_file,
            "--plan": plan_file,
            "--out": out_dir,
            "--run-id": run_id,
            "--workers": workers,
            "--memory-limit": memory_limit,
            "--table-timeout": table_timeout,
            "--base-date": base_date,
            "--chunk-rows": chunk_rows,
        }
        clash = [name for name, value in given.items() if value is not None]
        if clash:
            raise click.UsageError(
                f"--resume runs with the run's own inputs and settings: drop {', '.join(clash)}"
            )
        out_dir = str(Path(resume_dir).parent)
    else:
        missing = [
            n for n, v in (("--schema", schema_file), ("--plan", plan_file), ("--out", out_dir)) if not v
        ]
        if missing:
            raise click.UsageError(f"missing option {', '.join(missing)} (or --resume RUN_DIR)")
    out = Path(out_dir)
    view = progress.for_stream(sys.stderr, quiet=quiet, interval=progress_interval)
    if sys.stderr.isatty() and not quiet:
        logs.log_to_console(view.write_line)
    log = logs.get_logger(process="supervisor")
    try:
        with runs.exclusive(out):
            if resume_dir is not None:
                result = api.resume(resume_dir, dask=dask, on_event=view.on_event, fork_from_caller=True)
            else:
                result = api.generate(
                    schema_file,
                    plan_file,
                    out,
                    run_id=run_id,
                    workers=workers,
                    memory_limit=memory_limit,
                    table_timeout=table_timeout,
                    stall_limit=stall_limit,
                    base_date=base_date,
                    chunk_rows=chunk_rows,
                    dask=dask,
                    on_event=view.on_event,
                    fork_from_caller=True,  # this process does nothing else meanwhile
                )
            if result.status == RunStatus.SUCCEEDED:
                runs.point_latest(out, result.run_dir)
                log.info("latest updated", latest=str(out / runs.LATEST), run_id=result.run_dir.name)
            if keep is not None:
                for removed in runs.prune(out, keep, protect=[result.run_dir]):
                    log.info("run pruned", run_dir=str(removed), keep=keep)
    finally:
        view.close()
        logs.log_to_console(None)
        logs.log_to_file(None)
    report = result.report
    if result.crash is not None and click.get_current_context().find_root().params.get("debug"):
        raise result.crash
    for issue in report.errors:
        click.echo(f"Error: {logs.scrub_text(str(issue))}", err=True)
    for t in report.tables:
        if t.status != Status.OK:
            why = t.reason or ""
            if t.status == Status.FAILED:
                why += f": {logs.scrub_text(failure_message(t))}"
            if t.blocked_by:
                why += f" (blocked by {', '.join(t.blocked_by)})"
            click.echo(f"{t.schema}.{t.table}: {t.status} {why}".rstrip(), err=True)
    if not quiet:
        _warning_summary(report.to_json())
    click.echo(f"status={result.status}")
    click.echo(f"run_dir={result.run_dir}")
    sys.exit(result.exit_code)


def _warning_summary(doc: dict) -> None:
    """Every warning of the report on stderr, then one line counting them by code."""
    from datalchemy_mp.run import logs

    entries = [w for w in doc["warnings"] + doc["unsupported"] if w["level"] == "warning"]
    for w in entries:
        where = w.get("path") or (f"{w['schema']}.{w['table']}" if w.get("table") else "")
        count = f" (x{w['count']})" if w.get("count", 1) > 1 else ""
        where = f" {where}:" if where else ""
        click.echo(f"warning: [{w['code']}]{where} {logs.scrub_text(w['message'])}{count}", err=True)
    if entries:
        by_code = ", ".join(f"{code}={n}" for code, n in doc["warnings_by_code"].items())
        click.echo(f"warnings={sum(doc['warnings_by_code'].values())} ({by_code})", err=True)


@cli.command()
@schema_option()
@plan_option(help="plan.json (v0.2) to check against it.")
@click.option(
    "--base-date",
    callback=iso_date,
    help="Date that stands for CURRENT_DATE/now() and 'today' (default: today, UTC), as in generate.",
)
def validate(schema_file, plan_file, base_date) -> None:
    """Check a plan against a schema without generating anything (exit 0 or 2).

    Runs everything `generate` runs before its first worker starts (the same code): what
    `generate` would reject, this rejects. Every error and warning is printed on stderr with its
    file and JSON path; `valid` on stdout when there is no error.

    \b
    Example:
      datalchemy-mp validate -s plans/crm/schema.json -p plans/crm/full_stack_ptbr.plan.json
    """
    from datalchemy_mp import api

    try:
        warnings = api.validate(schema_file, plan_file, base_date)
    except ValidationFailed as exc:
        for issue in exc.issues:
            click.echo(f"{issue.severity}: {issue}", err=True)
        sys.exit(2)
    for issue in warnings:
        click.echo(f"warning: {issue}", err=True)
    click.echo("valid")


@cli.command()
@click.argument("pattern", required=False)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def generators(pattern, as_json) -> None:
    """List the generator and transform catalog: every entry, or those whose ID or description
    contains PATTERN (any case), or whose ID matches PATTERN if it is a glob (has * ? or [).

    \b
    Examples:
      datalchemy-mp generators cpf
      datalchemy-mp generators 'semantic.br.*'
      datalchemy-mp generators --json > catalog.json
    """
    import orjson

    from datalchemy_mp.generators.catalog import describe_all

    entries = describe_all(pattern)
    if as_json:
        click.echo(orjson.dumps(entries, option=orjson.OPT_INDENT_2).decode())
        return
    if not entries:
        click.echo(f"no generator or transform matches {pattern!r}", err=True)
        sys.exit(1)
    for e in entries:
        kinds = ",".join(e.get("kinds") or []) or "any"
        params = ", ".join(p["name"] for p in e.get("params") or []) or "-"
        click.echo(f"{e['id']:<42} {kinds:<24} params: {params:<30} e.g. {e.get('example')!r}")
        if e.get("description"):
            click.echo(f"    {e['description'].splitlines()[0]}")


cli.add_command(cli_db.introspect)
cli.add_command(cli_db.load)
cli.add_command(cli_plan.init)
cli.add_command(cli_plan.explain)


def main() -> None:
    _run_as_package()
    cli(prog_name="datalchemy-mp")


def _run_as_package() -> None:
    """The ``datalchemy-mp`` script is ``python -m datalchemy_mp`` under another name: say so in
    its module spec, so that the workers' forkserver need not import the script (multiprocessing
    then names the main module instead of its path, and skips a package's ``__main__``)."""
    script = sys.modules.get("__main__")
    if script is not None and script.__spec__ is None and getattr(script, "main", None) is main:
        script.__spec__ = importlib.util.find_spec("datalchemy_mp.__main__")


if __name__ == "__main__":
    main()
