"""Round trips for the real-schema tests: DDL -> database -> introspect -> generate -> load
into a second database built from the same DDL, with every constraint on."""

from __future__ import annotations

from pathlib import Path

import orjson

from datalchemy_mp.db.introspect import introspect, write_schema
from datalchemy_mp.db.load import load_run
from tests import pg
from tests.helpers import generate, report

DDL_DIR = Path(__file__).resolve().parent / "ddl"


def round_trip(
    server_dsn: str, ddl: str, targets: dict[str, int], tmp_path: Path, *extra: str, expect_ok: bool = True
) -> tuple[dict, dict[str, int], dict]:
    """(report, rows loaded per table, schema.json) of one plan on the DDL file `ddl`."""
    files = [DDL_DIR / ddl]
    tmp_path.mkdir(parents=True, exist_ok=True)
    source, source_dsn = pg.create_database(server_dsn)
    target, target_dsn = pg.create_database(server_dsn)
    try:
        pg.apply_sql_files(source_dsn, files)
        pg.apply_sql_files(target_dsn, files)
        doc = introspect(source_dsn)
        schema = tmp_path / "schema.json"
        write_schema(doc, schema)
        plan = tmp_path / "plan.json"
        plan.write_bytes(
            orjson.dumps(
                {
                    "plan_version": "0.2",
                    "seed": 11,
                    "schema_ref": {"schema_version": "0.2", "engine": "postgres"},
                    "targets": [
                        {"schema": q.split(".")[0], "table": q.split(".")[1], "rows": n}
                        for q, n in targets.items()
                    ],
                    "rules": [],
                }
            )
        )
        proc, run_dir = generate(schema, plan, tmp_path / "out", *extra)
        rep = report(run_dir)
        if not expect_ok:
            return rep, {}, doc
        assert proc.returncode == 0, proc.stdout + proc.stderr
        loaded = {f"{t.schema}.{t.table}": t.rows for t in load_run(run_dir, target_dsn)}
        return rep, loaded, doc
    finally:
        pg.drop_database(server_dsn, source)
        pg.drop_database(server_dsn, target)


def table_doc(doc: dict, qualified: str) -> dict:
    schema, name = qualified.split(".", 1)
    return next(t for s in doc["schemas"] if s["name"] == schema for t in s["tables"] if t["name"] == name)
