"""Score how real a run looks: defect rates of a run directory against its schema.json.

    python scripts/realism.py RUN_DIR --schema schema.json [--base-date YYYY-MM-DD] [--json]

Each rate is a fraction (defects / values or rows looked at) with a few examples:
- lorem: Latin placeholder words in text columns that are not free text;
- number_range: numbers outside a plausible range for what the column's name says it holds;
- child_before_parent: a row created before the parent row it references;
- after_run_date: past-like dates (created, updated, paid...) after the run's date;
- fk_diamond: C -> A and C -> B -> A (one or two hops) naming different A rows;
- status_date: a status and its dates/flags disagree (paid without a payment date, won without
  a close date or below 100 %, open with a close date, inactive <-> end date);
- cut_word: a text value exactly at its column's length that stops inside a word;
- place_mismatch: a Brazilian UF with a city or CEP of another state.
The rules here are deliberately independent of the generators' own name tables.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import re
import sys
import unicodedata
from pathlib import Path

from datalchemy_mp.contracts.schema import Schema, Table, load_schema

csv.field_size_limit(1 << 30)
EXAMPLES = 3


def _words_of(name: str) -> list[str]:
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return [w for w in re.split(r"[^a-z0-9]+", name) if w]


class Name:
    def __init__(self, name: str):
        self.words = _words_of(name)
        self.joined = "".join(self.words)

    def has(self, *keys: str) -> bool:
        """A key (underscores ignored) equal to a word, or (4+ letters) inside the name."""
        keys = tuple(k.replace("_", "") if len(k.replace("_", "")) >= 4 else k for k in keys)
        return any(k in self.words or (len(k) >= 4 and k in self.joined) for k in keys)


def _lorem_words() -> frozenset[str]:
    from faker.providers.lorem.en_US import Provider as English
    from faker.providers.lorem.la import Provider as Latin

    latin = set(Latin.word_list) | {
        "lorem",
        "ipsum",
        "dolor",
        "amet",
        "consectetur",
        "adipiscing",
        "eiusmod",
    }
    latin |= {"tempor", "incididunt", "labore", "dolore", "aliqua"}
    common = set(English.word_list) | {
        "error",
        "minus",
        "magna",
        "tempora",
        "nobis",
        "fuga",
        "animi",
    }
    return frozenset(w for w in latin - common if len(w) >= 4)


LOREM = _lorem_words()
FREE_TEXT = (
    "descricao", "description", "comentario", "comment", "observac", "obs", "notes", "nota",
    "note", "resumo", "summary", "texto", "text", "mensagem", "message", "body", "bio",
    "conteudo", "content", "detalhe", "detail", "motivo", "reason", "justificativa", "fulltext",
    "anotac", "remark", "memo",
)  # fmt: skip

# (name keys, low, high): plausible values of a number by meaning, first match wins.
RANGES: list[tuple[tuple[str, ...], float, float]] = [
    (("latitude", "lat"), -90, 90),
    (("longitude", "lng", "lon"), -180, 180),
    (("percent", "percentual", "pct", "porcentagem", "probabilidade", "probability"), 0, 100),
    (("discount", "desconto"), 0, 100),
    (("zoom",), 0, 22),
    (("rating", "avaliacao", "estrelas", "stars"), 0, 10),
    (("idade", "age"), 0, 120),
    (("ano", "year"), 1900, 2100),
    (("mes", "month"), 1, 12),
    (("milliseconds", "millis", "ms"), 1000, 36_000_000),
    (("seconds", "segundos"), 0, 86_400),
    (("minutes", "minutos", "length", "duration", "duracao"), 1, 1440),
    (("unit_price", "unitprice", "preco_unitario"), 0.01, 10_000),
    (
        ("rental_rate", "replacement_cost", "price", "preco", "cost", "custo", "freight", "frete"),
        0,
        1_000_000,
    ),
    (
        (
            "quantity",
            "quantidade",
            "qtd",
            "qty",
            "units_in_stock",
            "units_on_order",
            "reorder_level",
        ),
        0,
        100_000,
    ),
    (("weight", "peso"), 0, 100_000),
    (("rental_duration",), 1, 60),
]

CREATED = (
    "created", "criado", "criada", "create_date", "creation", "cadastr", "registered",
    "aberta", "aberto", "opened", "emitida", "emitido", "issued", "hire_date", "admitido",
    "admissao", "order_date", "invoice_date", "rental_date", "payment_date", "signup", "joined",
    "inicio", "start", "started",
)  # fmt: skip
FUTURE = (
    "due", "vencimento", "validade", "valid", "expira", "expires", "expiration", "prazo",
    "previsao", "scheduled", "agendad", "deadline", "limite", "required", "entrega", "delivery",
    "proxim", "next", "birth", "nascimento", "planned", "planejad", "return",
)  # fmt: skip


def _created_column(table: Table) -> str | None:
    """The column saying when a row came to be: the first date-like column named so."""
    for key in CREATED:
        for c in table.columns:
            if c.kind in ("date", "timestamp", "timestamptz") and Name(c.name).has(key):
                return c.name
    return None


def _parse_date(text: str) -> dt.datetime | None:
    if not text:
        return None
    try:
        return dt.datetime.fromisoformat(text[:19])
    except ValueError:
        try:
            return dt.datetime.combine(dt.date.fromisoformat(text[:10]), dt.time())
        except ValueError:
            return None


class Rate:
    def __init__(self) -> None:
        self.bad = 0
        self.total = 0
        self.examples: list[str] = []

    def count(self, ok: bool, example: str) -> None:
        self.total += 1
        if not ok:
            self.bad += 1
            if len(self.examples) < EXAMPLES:
                self.examples.append(example)

    def to_json(self) -> dict:
        rate = self.bad / self.total if self.total else 0.0
        return {
            "rate": round(rate, 5),
            "defects": self.bad,
            "of": self.total,
            "examples": self.examples,
        }


class Run:
    """The CSVs of a run, read lazily by table."""

    def __init__(self, run_dir: Path, schema: Schema):
        self.dir = run_dir
        self.schema = schema
        self._rows: dict[tuple[str, str], list[dict]] = {}

    def rows(self, key: tuple[str, str]) -> list[dict]:
        if key not in self._rows:
            path = self.dir / f"{key[0]}.{key[1]}.csv"
            if not path.exists():
                self._rows[key] = []
            else:
                with open(path, newline="", encoding="utf-8") as f:
                    self._rows[key] = list(csv.DictReader(f))
        return self._rows[key]

    def by_key(self, key: tuple[str, str], cols: tuple[str, ...]) -> dict[tuple, dict]:
        return {tuple(r[c] for c in cols): r for r in self.rows(key)}


def score(run_dir: Path, schema: Schema, base_date: dt.date) -> dict:
    run = Run(run_dir, schema)
    rates = {k: Rate() for k in ("lorem", "number_range", "child_before_parent", "after_run_date")}
    rates.update({k: Rate() for k in ("fk_diamond", "status_date", "cut_word", "place_mismatch")})
    end_of_day = dt.datetime.combine(base_date, dt.time(23, 59, 59))
    for key, table in sorted(schema.tables.items()):
        rows = run.rows(key)
        if not rows:
            continue
        for col in table.columns:
            if col.name not in rows[0]:
                continue
            _score_column(rates, table, col, [r[col.name] for r in rows], end_of_day)
        _score_parents(rates, run, table, rows)
        _score_diamonds(rates, run, table, rows)
        _score_status(rates, table, rows)
        _score_places(rates, table, rows)
    return {k: r.to_json() for k, r in rates.items()}


def _score_column(rates: dict, table: Table, col, values: list[str], end_of_day: dt.datetime) -> None:
    where = f"{table.qualified}.{col.name}"
    nm = Name(col.name)
    present = [v for v in values if v != ""]
    if col.kind == "text" and not nm.has(*FREE_TEXT):
        for v in present:
            words = set(re.findall(r"[a-z]+", v.lower()))
            rates["lorem"].count(not (words & LOREM), f"{where}={v[:60]!r}")
    if col.kind == "text" and col.max_length and col.max_length > 3:
        # Cut values pile up at the column's length; where they do not (no more values at the
        # length than one below it), values at the length are whole. Words seen whole in
        # shorter values are not cut either.
        at = sum(len(v) == col.max_length for v in present)
        below = sum(len(v) == col.max_length - 1 for v in present)
        piled = at > 2 * below + 5
        whole = {w for v in present if len(v) < col.max_length for w in v.split()}
        for v in present:
            if not piled:
                rates["cut_word"].count(True, "")
                continue
            last = v.split()[-1] if v.split() else ""
            cut = len(v) == col.max_length and " " in v.strip() and last.isalpha() and last not in whole
            rates["cut_word"].count(not cut, f"{where}={v!r}")
    if col.kind in ("smallint", "integer", "bigint", "numeric", "real", "double") and not nm.has("id"):
        rng = next(((lo, hi) for keys, lo, hi in RANGES if nm.has(*keys)), None)
        if rng is not None:
            for v in present:
                try:
                    x = float(v)
                except ValueError:
                    continue
                rates["number_range"].count(
                    rng[0] <= x <= rng[1], f"{where}={v} (plausible {rng[0]}..{rng[1]})"
                )
    if col.kind in ("date", "timestamp", "timestamptz") and not nm.has(*FUTURE):
        for v in present:
            d = _parse_date(v)
            if d is not None:
                rates["after_run_date"].count(d <= end_of_day, f"{where}={v}")


def _score_parents(rates: dict, run: Run, table: Table, rows: list[dict]) -> None:
    mine = _created_column(table)
    if mine is None:
        return
    for fk in table.foreign_keys:
        if fk.ref == table.key:
            continue
        parent = run.schema.tables.get(fk.ref)
        theirs = _created_column(parent) if parent else None
        if theirs is None:
            continue
        index = run.by_key(fk.ref, fk.ref_columns)
        for r in rows:
            p = index.get(tuple(r[c] for c in fk.columns))
            if p is None:
                continue
            a, b = _parse_date(r[mine]), _parse_date(p[theirs])
            if a is None or b is None:
                continue
            dates = _is_date(table, mine) or _is_date(parent, theirs)
            ok = a.date() >= b.date() if dates else a >= b
            rates["child_before_parent"].count(
                ok, f"{table.qualified}.{mine}={r[mine]} < {parent.qualified}.{theirs}={p[theirs]}"
            )


def _is_date(table: Table, name: str) -> bool:
    c = table.column(name)
    return c is not None and c.kind == "date"


SHARED = (
    "address",
    "endereco",
    "city",
    "cidade",
    "country",
    "pais",
    "language",
    "idioma",
    "currency",
    "moeda",
)


def _score_diamonds(rates: dict, run: Run, table: Table, rows: list[dict]) -> None:
    """C -> A directly and C -> B -> A (or C -> B -> X -> A) through FK columns of the same
    names: the same A row both ways. Shared lookup tables (addresses, cities...) are not
    owners, so a customer's address need not be its store's."""
    fks = [fk for fk in table.foreign_keys if fk.ref != table.key]
    for direct in fks:
        if Name(direct.ref_table).has(*SHARED):
            continue
        for via in fks:
            if via is direct:
                continue
            for path in _paths(run.schema, via.ref, direct.ref, hops=2):
                if path[-1].columns == direct.columns:
                    _check_diamond(rates, run, table, rows, direct, via, path)


def _paths(schema: Schema, start: tuple, goal: tuple, hops: int) -> list[list]:
    table = schema.tables.get(start)
    if table is None or hops == 0:
        return []
    out = []
    for fk in table.foreign_keys:
        if fk.ref == start:
            continue
        if fk.ref == goal:
            out.append([fk])
        else:
            out += [[fk, *rest] for rest in _paths(schema, fk.ref, goal, hops - 1)]
    return out


def _check_diamond(rates: dict, run: Run, table: Table, rows: list[dict], direct, via, path) -> None:
    step_index = [run.by_key(via.ref, via.ref_columns)]
    for fk in path[:-1]:
        step_index.append(run.by_key(fk.ref, fk.ref_columns))
    name = f"{table.qualified}: {','.join(direct.columns)} vs {','.join(via.columns)}->" + "->".join(
        ",".join(fk.columns) for fk in path
    )
    for r in rows:
        expect = tuple(r[c] for c in direct.columns)
        if "" in expect:
            continue
        node = step_index[0].get(tuple(r[c] for c in via.columns))
        for fk, index in zip(path[:-1], step_index[1:], strict=True):
            if node is None:
                break
            node = index.get(tuple(node[c] for c in fk.columns))
        if node is None:
            continue
        got = tuple(node[c] for c in path[-1].columns)
        if "" in got:
            continue
        rates["fk_diamond"].count(got == expect, f"{name}: {expect} != {got}")


PAID = {"paid", "paga", "pago", "quitada", "quitado", "settled"}
UNPAID = {
    "pending",
    "pendente",
    "cancelada",
    "cancelado",
    "cancelled",
    "canceled",
    "open",
    "aberta",
    "unpaid",
}
WON = {"won", "ganho", "ganha", "closed_won"}
LOST = {"lost", "perdido", "perdida", "closed_lost"}
OPEN_STAGES = {
    "prospeccao",
    "qualificacao",
    "proposta",
    "negociacao",
    "prospecting",
    "qualification",
}
OPEN_STAGES |= {"proposal", "negotiation", "open", "aberta", "aberto"}
INACTIVE = {"inactive", "inativo", "inativa", "desligado", "terminated", "dismissed"}
ACTIVE = {"active", "ativo", "ativa"}


def _find(table: Table, kinds: tuple[str, ...], *keys: str) -> str | None:
    for c in table.columns:
        if c.kind in kinds and Name(c.name).has(*keys):
            return c.name
    return None


def _score_status(rates: dict, table: Table, rows: list[dict]) -> None:
    dates = ("date", "timestamp", "timestamptz")
    status = _find(table, ("text", "enum"), "status", "situacao", "estagio", "stage", "state")
    paid_at = _find(table, dates, "paga", "pago", "paid", "pagamento", "payment")
    closed_at = _find(table, dates, "fechada", "fechado", "closed", "fechamento", "close")
    prob = _find(table, ("smallint", "integer", "numeric", "real", "double"), "probabilidade", "probability")
    ended_at = _find(table, dates, "desligado", "demissao", "dismiss", "termination", "end_date", "inativ")
    active = _find(table, ("boolean",), "ativo", "ativa", "active")
    where = table.qualified
    for r in rows:
        s = r[status].lower() if status else ""
        if status and paid_at and s in PAID | UNPAID:
            ok = (r[paid_at] != "") == (s in PAID)
            rates["status_date"].count(ok, f"{where}: {status}={s} {paid_at}={r[paid_at]!r}")
        if status and closed_at and s in WON | LOST | OPEN_STAGES:
            ok = (r[closed_at] != "") == (s in WON | LOST)
            rates["status_date"].count(ok, f"{where}: {status}={s} {closed_at}={r[closed_at]!r}")
        if status and prob and s in WON | LOST and r[prob] != "":
            ok = float(r[prob]) == (100 if s in WON else 0)
            rates["status_date"].count(ok, f"{where}: {status}={s} {prob}={r[prob]}")
        if ended_at and (active or status):
            if active and r[active] in ("t", "f", "true", "false"):
                inactive = r[active] in ("f", "false")
            elif status and s in ACTIVE | INACTIVE:
                inactive = s in INACTIVE
            else:
                continue
            ok = (r[ended_at] != "") == inactive
            flag = f"{active}={r[active]}" if active else f"{status}={s}"
            rates["status_date"].count(ok, f"{where}: {flag} {ended_at}={r[ended_at]!r}")


def _score_places(rates: dict, table: Table, rows: list[dict]) -> None:
    """A Brazilian UF, its city and its CEP agree (IBGE names, Correios CEP ranges)."""
    uf = next((c.name for c in table.columns if c.max_length == 2 and Name(c.name).has("uf", "estado")), None)
    if uf is None:
        return
    city = next((c.name for c in table.columns if Name(c.name).has("cidade", "municipio", "city")), None)
    cep = next((c.name for c in table.columns if Name(c.name).has("cep")), None)
    from datalchemy_mp.generators.semantic_br import places

    where, known = table.qualified, places()
    for r in rows:
        state = r[uf]
        if state not in known.ufs:
            continue
        if city and r[city]:
            ok = r[city] in known.cities[state]
            rates["place_mismatch"].count(ok, f"{where}: {uf}={state} {city}={r[city]!r}")
        digits = re.sub(r"\D", "", r[cep]) if cep else ""
        if len(digits) == 8:
            ok = any(lo <= int(digits[:5]) <= hi for lo, hi in known.cep_ranges[state])
            rates["place_mismatch"].count(ok, f"{where}: {uf}={state} {cep}={r[cep]}")


def _base_date(run_dir: Path) -> dt.date:
    resolved = run_dir / "resolved_plan.json"
    if resolved.exists():
        data = json.loads(resolved.read_text())
        opts = data.get("options") or {}
        for key in ("base_date", "run_date"):
            if isinstance(opts.get(key), str):
                return dt.date.fromisoformat(opts[key])
        if isinstance(data.get("base_date"), str):
            return dt.date.fromisoformat(data["base_date"])
    report = json.loads((run_dir / "generation_report.json").read_text())
    return dt.date.fromisoformat(str(report.get("started_at", dt.date.today().isoformat()))[:10])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("run_dir", type=Path)
    ap.add_argument("--schema", required=True)
    ap.add_argument("--base-date", help="the run's date (default: from the run directory)")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args(argv)
    schema = load_schema(args.schema)
    base = dt.date.fromisoformat(args.base_date) if args.base_date else _base_date(args.run_dir)
    result = score(args.run_dir, schema, base)
    if args.json:
        print(
            json.dumps(
                {"run_dir": str(args.run_dir), "base_date": base.isoformat(), "rates": result},
                indent=1,
            )
        )
        return 0
    print(f"run_dir={args.run_dir} base_date={base}")
    for name, r in result.items():
        print(f"{name:<20} {100 * r['rate']:7.2f} %  {r['defects']:>7} / {r['of']:<8}")
        for ex in r["examples"]:
            print(f"{'':<22}e.g. {ex}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
