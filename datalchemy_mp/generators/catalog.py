"""The generator and transform catalog, for ``datalchemy-mp generators [PATTERN] [--json]``.

Each entry carries an example value, computed by running the generator once on a dummy
column with a fixed seed; an example that cannot be computed is ``None``, never an error.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import random
from typing import Any

from datalchemy_mp.contracts.kinds import Kind
from datalchemy_mp.generators import GENERATORS, TRANSFORMS
from datalchemy_mp.generators.base import (
    Batch,
    ColumnInfo,
    GeneratorSpec,
    TransformSpec,
    check_params,
)

EXAMPLE_SEED = 20240101
_KIND_ORDER = (
    Kind.TEXT,
    Kind.INTEGER,
    Kind.NUMERIC,
    Kind.BOOLEAN,
    Kind.DATE,
    Kind.TIMESTAMP,
    Kind.TIME,
    Kind.UUID,
    Kind.ENUM,
    Kind.JSON,
    Kind.INET,
    Kind.INTERVAL,
    Kind.BYTEA,
    Kind.ARRAY,
)
_TRANSFORM_EXAMPLES: dict[str, tuple[dict, Any]] = {
    "transform.null_rate": ({"rate": 0.5}, "Ana Silva"),
    "transform.truncate": ({"max_len": 3}, "Ana Silva"),
    "transform.format": ({"template": "+55{value}"}, "11987654321"),
    "transform.prefix_suffix": ({"prefix": "SKU-"}, "QWE4821"),
    "transform.casing": ({"mode": "title"}, "ana DA silva"),
    "transform.weighted_choice": ({"choices": [{"value": "email", "weight": 1}]}, "x"),
    "transform.mask": ({"mode": "format_preserving"}, "52998224725"),
    "transform.replace": ({"old": "-", "new": ""}, "529.982.247-25"),
    "transform.round": ({"digits": 1}, 12.345),
    "transform.ascii": ({}, "São João"),
}


def describe_all(pattern: str | None = None) -> list[dict]:
    """Every generator and transform matching ``pattern`` (all if None), sorted by ID: id, type,
    kinds, params, description, flags and an example value. A pattern with ``*?[`` is a glob on
    the ID; otherwise a case-insensitive substring of the ID or the description."""
    out = []
    for gid in sorted(GENERATORS):
        spec = GENERATORS[gid]
        if _matches(pattern, gid, spec.description):
            out.append(describe_generator(spec))
    for tid in sorted(TRANSFORMS):
        tspec = TRANSFORMS[tid]
        if _matches(pattern, tid, tspec.description):
            out.append(describe_transform(tspec))
    return out


def _matches(pattern: str | None, ident: str, description: str) -> bool:
    if pattern is None:
        return True
    if any(c in pattern for c in "*?["):
        return fnmatch.fnmatchcase(ident, pattern)
    needle = pattern.casefold()
    return needle in ident.casefold() or needle in (description or "").casefold()


def describe_generator(spec: GeneratorSpec) -> dict:
    return {
        "id": spec.id,
        "type": "generator",
        "kinds": sorted(spec.kinds),
        "params": [p.describe() for p in spec.params],
        "strict_params": spec.strict,
        "unique": spec.unique,
        "derive": spec.derive,
        "tags": list(spec.tags),
        "description": spec.description,
        "example_params": spec.example_params,
        "example": example(spec),
    }


def describe_transform(spec: TransformSpec) -> dict:
    params, value = _TRANSFORM_EXAMPLES.get(spec.id, ({}, "Ana Silva"))
    try:
        fn = spec.factory(_column(Kind.TEXT), check_params(spec.params, params, strict=spec.strict, path=""))
        output = _jsonable(fn(Batch(rng=random.Random(EXAMPLE_SEED), start=0, n=1), [value])[0])
        result: dict | None = {"input": _jsonable(value), "output": output}
    except Exception:  # noqa: BLE001 - an example is best effort
        result = None
    return {
        "id": spec.id,
        "type": "transform",
        "kinds": [],
        "params": [p.describe() for p in spec.params],
        "strict_params": spec.strict,
        "description": spec.description,
        "example_params": params,
        "example": result,
    }


_SAMPLE_INPUTS: dict[str, Any] = {
    "nome": "Ana Silva",
    "sobrenome": "Souza",
    "data_inicio": dt.datetime(2024, 3, 1, 9, 30),
    "preco": 149.9,
    "quantidade": 3,
}


def _column(kind: Kind, locale: str = "pt_BR") -> ColumnInfo:
    return ColumnInfo(
        schema="public",
        table="example",
        name="example",
        kind=kind,
        data_type=kind,
        enum_labels=("novo", "qualificado", "perdido") if kind == Kind.ENUM else (),
        element_kind=Kind.TEXT if kind == Kind.ARRAY else None,
        seed=EXAMPLE_SEED,
        locale=locale,
        hints={"today": dt.date(2024, 1, 1)},
    )


def example(spec: GeneratorSpec) -> Any:
    """One value of ``spec`` on a dummy column of a kind it fills (pt_BR, else en_US), with
    sample inputs for derive generators; None if that fails."""
    kinds = [k for k in _KIND_ORDER if not spec.kinds or k in spec.kinds] or sorted(
        Kind(k) for k in spec.kinds
    )
    kind = Kind.ENUM if spec.id == "primitive.enum" else kinds[0]
    if spec.derive and Kind.TIMESTAMP in spec.kinds:
        kind = Kind.TIMESTAMP
    for locale in ("pt_BR", "en_US"):
        try:
            params = check_params(spec.params, spec.example_params or {}, strict=spec.strict, path="")
            fn = spec.factory(_column(kind, locale), params)
            row = (
                {c: [_SAMPLE_INPUTS.get(c, "Ana Silva")] for c in params.get("input_columns") or []}
                if spec.derive
                else {}
            )
            batch = Batch(rng=random.Random(EXAMPLE_SEED), start=0, n=1, row=row)
            return _jsonable(fn(batch)[0])
        except Exception:  # noqa: BLE001, S112 - an example is best effort
            continue
    return None


def _jsonable(v: Any) -> Any:
    if isinstance(v, dt.date | dt.time):
        return v.isoformat()
    if isinstance(v, bytes):
        return v.hex()
    if isinstance(v, list):
        return [_jsonable(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    return v
