"""Real Postgres schema features, each a round trip: DDL -> introspect -> generate -> load into a
fresh database from the same DDL with every constraint on (tests/db/ddl/*.sql)."""

from __future__ import annotations

import csv

from tests.db.roundtrip import round_trip, table_doc


def _rows(run_dir_table_csv) -> list[dict]:
    with open(run_dir_table_csv, newline="") as f:
        return list(csv.DictReader(f))


def test_domain_columns_get_base_type_not_null_and_checks(pg_dsn, tmp_path):
    rep, loaded, doc = round_trip(pg_dsn, "domains.sql", {"dom.film": 600}, tmp_path)
    assert loaded == {"dom.film": 600}
    film = table_doc(doc, "dom.film")
    year = next(c for c in film["columns"] if c["name"] == "made_in")["column_type"]["domain"]
    assert year["base_type"] == "integer"
    assert [c["name"] for c in year["checks"]] == ["year_check", "recent_year_check"]
    rows = _rows(tmp_path / "out/run/dom.film.csv")
    assert all(2000 <= int(r["made_in"]) <= 2155 for r in rows)
    assert all(r["active"] in ("true", "false") for r in rows)  # NOT NULL from the domain
    assert all(r["release_year"] == "" or 1901 <= int(r["release_year"]) <= 2155 for r in rows)
    # cardinality() is outside the CHECK subset today: a counted warning, never silence
    assert all("cardinality" in u["message"] for u in rep["unsupported"]), rep["unsupported"]


def test_unique_indexes_single_composite_partial_and_expression(pg_dsn, tmp_path):
    rep, loaded, doc = round_trip(pg_dsn, "unique_indexes.sql", {"uix.store": 3000}, tmp_path)
    assert loaded == {"uix.store": 3000}
    indexes = {i["name"]: i for i in table_doc(doc, "uix.store")["indexes"]}
    assert indexes["store_email_lower_uq"]["keys"] == [{"expression": "lower(email)"}]
    assert indexes["store_nickname_active_uq"]["predicate"] == "active"
    rows = _rows(tmp_path / "out/run/uix.store.csv")
    assert len({r["manager"] for r in rows}) == 3000
    assert len({(r["region"], r["branch"]) for r in rows}) == 3000
    assert len({r["email"].lower() for r in rows}) == 3000
    active = [r["nickname"] for r in rows if r["active"] == "true" and r["nickname"]]
    assert len(set(active)) == len(active)
    assert not rep["unsupported"]


def test_partitioned_tables_route_and_keep_keys_unique_across_the_tree(pg_dsn, tmp_path):
    targets = {
        "part.payment": 500,  # range, two levels: rows route through the parent
        "part.payment_2022_h1": 300,  # a leaf: rows inside its bounds
        "part.payment_2023": 300,
        "part.city": 300,  # list
        "part.city_eu": 200,
        "part.event": 300,  # hash
        "part.daily": 400,  # parent and its only leaf: same rows space, keys unique across both
        "part.daily_jan": 400,
    }
    rep, loaded, doc = round_trip(pg_dsn, "partitions.sql", targets, tmp_path)
    assert {k: v for k, v in loaded.items() if k in targets} == targets
    assert table_doc(doc, "part.payment")["partition_key"] == {
        "strategy": "range",
        "definition": "RANGE (paid_at)",
    }
    h1 = table_doc(doc, "part.payment_2022_h1")["partition_of"]
    assert (h1["table"], h1["bound"]) == (
        "payment_2022",
        "FOR VALUES FROM ('2022-01-01 00:00:00+00') TO ('2022-07-01 00:00:00+00')",
    )
    leaf = _rows(tmp_path / "out/run/part.payment_2022_h1.csv")
    assert all("2022-01-01" <= r["paid_at"] < "2022-07-01" for r in leaf)
    eu = _rows(tmp_path / "out/run/part.city_eu.csv")
    assert {r["country"] for r in eu} <= {"PT", "ES", "FR"}


def test_fks_declared_on_the_parent_or_on_one_partition_only(pg_dsn, tmp_path):
    targets = {"part.event": 200, "part.payment_2023": 200}
    rep, loaded, doc = round_trip(pg_dsn, "partitions.sql", targets, tmp_path)
    fks = [c for c in table_doc(doc, "part.event_1")["constraints"] if c["kind"] == "foreign_key"]
    assert [fk["name"] for fk in fks] == ["event_1_customer_fk"]
    inherited = [c for c in table_doc(doc, "part.payment_2023")["constraints"] if c["kind"] == "foreign_key"]
    assert [fk["referenced_table"] for fk in inherited] == ["customer"]
    # event rows routed to event_1 must reference customers: the FK of one partition holds for
    # every row given to the parent; payment_2023 gets customers through its inherited FK
    assert loaded["part.customer"] > 0 and loaded["part.event"] == 200
    events = _rows(tmp_path / "out/run/part.event.csv")
    assert any(r["customer_id"] for r in events)


def test_every_builtin_type_and_its_array_loads(pg_dsn, tmp_path):
    rep, loaded, _ = round_trip(pg_dsn, "types.sql", {"typ.every": 400, "typ.ext": 200}, tmp_path)
    assert loaded == {"typ.every": 400, "typ.ext": 200}
    rows = _rows(tmp_path / "out/run/typ.every.csv")
    assert all(r["m_int"].startswith("{") and r["c_point"].startswith("(") for r in rows)
    assert any(r["m_point"].startswith("{{") for r in rows)  # declared [][]: two levels
    assert all(len(r["c_bit"]) == 8 and set(r["c_bit"]) <= {"0", "1"} for r in rows)
    assert not rep["unsupported"]


def test_an_array_of_an_enum_holds_its_labels(pg_dsn, tmp_path):
    _, loaded, _ = round_trip(pg_dsn, "types.sql", {"typ.moods": 200}, tmp_path)
    assert loaded == {"typ.moods": 200}
    values = {v for r in _rows(tmp_path / "out/run/typ.moods.csv") for v in r["moods"].strip("{}").split(",")}
    assert values <= {"sad", "ok", "happy"} and len(values) == 3


def test_unknown_type_is_null_with_a_warning_or_an_error_when_not_null(pg_dsn, tmp_path):
    rep, loaded, _ = round_trip(pg_dsn, "types.sql", {"typ.odd": 300}, tmp_path)
    assert loaded == {"typ.odd": 300}
    assert {r["c_cube"] for r in _rows(tmp_path / "out/run/typ.odd.csv")} == {""}
    warned = [w for w in rep["warnings"] if w["code"] == "unknown_type"]
    assert [(w["column"], w["count"]) for w in warned] == [("c_cube", 300)]

    rep, _, _ = round_trip(
        pg_dsn, "types.sql", {"typ.odd_required": 10}, tmp_path / "required", expect_ok=False
    )
    assert rep["status"] != "succeeded"
    text = str(rep["errors"]) + str(rep["unsupported"])
    assert "typ.odd_required.c_cube" in text and "NOT NULL" in text


def test_hash_partition_targets_get_rows_their_bound_accepts(pg_dsn, tmp_path):
    targets = {"part.event": 200, "part.event_0": 150, "part.event_2": 150}
    rep, loaded, _ = round_trip(pg_dsn, "partitions.sql", targets, tmp_path)
    assert {k: v for k, v in loaded.items() if k in targets} == targets


def test_hash_of_integer_keys_matches_the_server(pg_dsn):
    import psycopg

    from datalchemy_mp.contracts.pghash import HASH_PARTITION_SEED, hash_int_extended

    values = [0, 1, -1, 7, 2**31 - 1, -(2**31), 10**12, -(10**15), 2**63 - 1]
    seed = HASH_PARTITION_SEED - (1 << 64) if HASH_PARTITION_SEED >= 1 << 63 else HASH_PARTITION_SEED
    with psycopg.connect(pg_dsn) as conn:
        for v in values:
            server = conn.execute("select hashint8extended(%s::int8, %s)", (v, seed)).fetchone()[0]
            assert hash_int_extended(v) == server % (1 << 64), v


def test_a_domain_over_an_enum_takes_its_labels_and_check(pg_dsn, tmp_path):
    _, loaded, _ = round_trip(pg_dsn, "domains.sql", {"dom.review": 200}, tmp_path)
    assert loaded == {"dom.review": 200}
    assert {r["mood"] for r in _rows(tmp_path / "out/run/dom.review.csv")} == {"ok", "happy"}


def test_a_hash_bound_on_a_text_key_is_a_counted_warning(pg_dsn, tmp_path):
    rep, _, _ = round_trip(
        pg_dsn, "partitions.sql", {"part.tag": 50, "part.tag_0": 50}, tmp_path, expect_ok=False
    )
    assert any("hash partition bound of part.tag_0" in u["message"] for u in rep["unsupported"])
    assert next(t for t in rep["tables"] if t["table"] == "tag")["status"] == "OK"  # routed by Postgres
