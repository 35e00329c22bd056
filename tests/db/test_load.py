"""`load`: CSVs of a run dir into Postgres (COPY, FK order, one transaction) and SQLite."""

# ruff: noqa: E501 - the CSV fixtures are kept as the literal lines of the files

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from datalchemy_mp.cli import cli
from datalchemy_mp.db import load as loader
from datalchemy_mp.errors import RunDirError

EMPRESAS = """\
id,razao_social,nome_fantasia,cnpj,email,telefone,site,ativo,data_criacao,data_atualizacao
aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa,Empresa Alpha LTDA,Alpha,12345678000100,contato@alpha.local,,,true,2024-01-01T12:00:00,2024-01-02T12:00:00
bbbbbbbb-bbbb-bbbb-bbbb-bbbbbbbbbbbb,"Beta, Gama & Cia",Beta,22345678000100,,"",https://beta.local,false,2024-01-01T12:00:00,2024-01-01T12:00:00
"""
USUARIOS = """\
id,nome,email,telefone,ativo,data_criacao,data_atualizacao
11111111-1111-1111-1111-111111111111,Ana Lima,ana@crm.local,11999990001,true,2024-01-01T12:00:00,2024-01-01T12:00:00
22222222-2222-2222-2222-222222222222,"Bruno ""B"" Souza",bruno@crm.local,,true,2024-01-01T12:00:00,2024-01-01T12:00:00
33333333-3333-3333-3333-333333333333,Carla,carla@crm.local,,false,2024-01-01T12:00:00,2024-01-03T08:30:00
"""
CONTATOS = """\
id,empresa_id,nome,sobrenome,email,telefone,cargo,data_nascimento,data_criacao
cccccccc-cccc-cccc-cccc-cccccccccccc,aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa,Carlos,,carlos@alpha.local,,"Compras
e estoque",1988-05-20,2024-01-01T12:00:00
dddddddd-dddd-dddd-dddd-dddddddddddd,bbbbbbbb-bbbb-bbbb-bbbb-bbbbbbbbbbbb,Daniela,Oliveira,daniela@beta.local,,,1990-08-15,2024-01-01T12:00:00
eeeeeeee-eeee-eeee-eeee-eeeeeeeeeeee,aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa,Eva,"",eva@alpha.local,,,,2024-01-01T12:00:00
"""
CRM_TABLES = ["crm.empresas", "crm.usuarios", "crm.contatos"]
CRM_COUNTS = {"crm.empresas": 2, "crm.usuarios": 3, "crm.contatos": 3}


def write_run(run_dir: Path, files: dict[str, str]) -> Path:
    run_dir.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (run_dir / f"{name}.csv").write_text(text, encoding="utf-8", newline="")
    (run_dir / "generation_report.json").write_text("{}")  # not a CSV: ignored
    return run_dir


@pytest.fixture
def crm_run(tmp_path) -> Path:
    return write_run(
        tmp_path / "run",
        {"crm.empresas": EMPRESAS, "crm.usuarios": USUARIOS, "crm.contatos": CONTATOS},
    )


def run_load(runner, *args: str):
    return runner.invoke(cli, ["load", *map(str, args)], catch_exceptions=False)


def counts(dsn: str) -> dict[str, int]:
    import pg

    return pg.count_rows(dsn, CRM_TABLES)


# --- Postgres ------------------------------------------------------------------------------------


def test_load_crm_in_fk_order(runner, crm_db, crm_run):
    result = run_load(runner, crm_run, "--dsn", crm_db)
    assert result.exit_code == 0, result.output
    # Parents first; ties by name: empresas, then its child contatos, then usuarios.
    assert result.stdout.splitlines() == [
        "crm.empresas: 2 rows",
        "crm.contatos: 3 rows",
        "crm.usuarios: 3 rows",
        "total: 8 rows in 3 table(s)",
    ]
    assert counts(crm_db) == CRM_COUNTS

    import psycopg

    with psycopg.connect(crm_db) as conn:
        rows = dict(conn.execute("select nome, sobrenome from crm.contatos").fetchall())
        assert rows == {"Carlos": None, "Daniela": "Oliveira", "Eva": ""}  # NULL vs ''
        cargo = conn.execute("select cargo from crm.contatos where nome = 'Carlos'").fetchone()
        assert cargo == ("Compras\ne estoque",)
        name = conn.execute("select razao_social from crm.empresas where nome_fantasia = 'Beta'")
        assert name.fetchone() == ("Beta, Gama & Cia",)


def test_load_streams_in_small_blocks(runner, crm_db, crm_run, monkeypatch):
    monkeypatch.setattr(loader, "COPY_BLOCK_SIZE", 7)  # blocks cut rows and quoted fields
    result = run_load(runner, crm_run, "--dsn", crm_db)
    assert result.exit_code == 0, result.output
    assert counts(crm_db) == CRM_COUNTS


def test_duplicate_email_rolls_everything_back(runner, crm_db, crm_run):
    lines = USUARIOS.splitlines(keepends=True)
    duplicate = lines[1].replace("11111111-", "44444444-").replace("Ana Lima", "Outra Ana")
    (crm_run / "crm.usuarios.csv").write_text("".join(lines + [duplicate]))
    result = run_load(runner, crm_run, "--dsn", crm_db)
    assert result.exit_code == 1
    error = result.stderr
    assert error.startswith("Error: loading crm.usuarios from crm.usuarios.csv, CSV line 5 failed")
    assert "constraint: usuarios_email_unique" in error
    assert "ana@crm.local" in error  # Postgres's DETAIL names the key
    assert "rolled back" in error
    # empresas and contatos were copied before usuarios failed: rolled back too.
    assert counts(crm_db) == dict.fromkeys(CRM_TABLES, 0)


def test_missing_parent_rolls_everything_back(runner, crm_db, crm_run):
    orphan = CONTATOS.replace(
        "eeeeeeee-eeee-eeee-eeee-eeeeeeeeeeee,aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa",
        "eeeeeeee-eeee-eeee-eeee-eeeeeeeeeeee,99999999-9999-9999-9999-999999999999",
    )
    (crm_run / "crm.contatos.csv").write_text(orphan)
    result = run_load(runner, crm_run, "--dsn", crm_db)
    assert result.exit_code == 1
    # Line 5: the quoted cargo of line 2 spans two lines.
    assert "loading crm.contatos from crm.contatos.csv, CSV line 5 failed" in result.stderr
    assert "constraint: contatos_empresa_id_fkey" in result.stderr
    assert "99999999-9999-9999-9999-999999999999" in result.stderr
    assert counts(crm_db) == dict.fromkeys(CRM_TABLES, 0)


def test_bad_value_names_line_and_column(runner, crm_db, crm_run):
    (crm_run / "crm.usuarios.csv").write_text(USUARIOS.replace("11999990001,true", "x,maybe"))
    result = run_load(runner, crm_run, "--dsn", crm_db)
    assert result.exit_code == 1
    assert "loading crm.usuarios from crm.usuarios.csv, CSV line 2, column ativo failed" in (result.stderr)
    assert counts(crm_db) == dict.fromkeys(CRM_TABLES, 0)


def test_truncate_twice(runner, crm_db, crm_run):
    for _ in range(2):
        result = run_load(runner, crm_run, "--dsn", crm_db, "--truncate")
        assert result.exit_code == 0, result.output
        assert counts(crm_db) == CRM_COUNTS
    # Without --truncate the same rows collide with what is there; nothing changes.
    result = run_load(runner, crm_run, "--dsn", crm_db)
    assert result.exit_code == 1
    assert "crm.empresas" in result.stderr and "empresas_pkey" in result.stderr
    assert counts(crm_db) == CRM_COUNTS


def test_truncate_refuses_to_empty_other_tables_with_rows(runner, crm_db, crm_run):
    assert run_load(runner, crm_run, "--dsn", crm_db).exit_code == 0
    import psycopg

    with psycopg.connect(crm_db) as conn:
        conn.execute("insert into crm.leads (empresa_id) values ('aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa')")
    result = run_load(runner, crm_run, "--dsn", crm_db, "--truncate")
    assert result.exit_code == 1
    assert "--truncate would have to empty table(s)" in result.stderr
    assert "crm.leads" in result.stderr
    assert counts(crm_db) == CRM_COUNTS


def test_self_reference_loads_in_any_row_order(runner, fresh_db, tmp_path):
    import psycopg

    with psycopg.connect(fresh_db, autocommit=True) as conn:
        conn.execute("create table public.node (id int primary key, parent int references node)")
    run = write_run(tmp_path / "run", {"public.node": "id,parent\n1,3\n2,\n3,2\n"})
    result = run_load(runner, run, "--dsn", fresh_db)
    assert result.exit_code == 0, result.output
    assert "public.node: 3 rows" in result.stdout


def test_cycle_of_deferrable_fks_loads(runner, fresh_db, tmp_path):
    import psycopg

    with psycopg.connect(fresh_db, autocommit=True) as conn:
        conn.execute(
            """
            create table public.a (id int primary key, b_id int not null);
            create table public.b (id int primary key, a_id int not null references a deferrable);
            alter table public.a add foreign key (b_id) references b deferrable;
            """
        )
    run = write_run(tmp_path / "run", {"public.a": "id,b_id\n1,10\n", "public.b": "id,a_id\n10,1\n"})
    result = run_load(runner, run, "--dsn", fresh_db)
    assert result.exit_code == 0, result.output
    assert "total: 2 rows in 2 table(s)" in result.stdout


def test_empty_run_dir(runner, crm_db, tmp_path):
    (tmp_path / "run").mkdir()
    result = run_load(runner, tmp_path / "run", "--dsn", crm_db)
    assert result.exit_code == 2
    assert "no <schema>.<table>.csv files in" in result.stderr


def test_unknown_table(runner, crm_db, crm_run):
    write_run(crm_run, {"crm.nao_existe": "id\n1\n"})
    result = run_load(runner, crm_run, "--dsn", crm_db)
    assert result.exit_code == 2
    assert "table(s) not found in the target database" in result.stderr
    assert "crm.nao_existe (from crm.nao_existe.csv)" in result.stderr
    assert counts(crm_db) == dict.fromkeys(CRM_TABLES, 0)


def test_load_error_hides_password(runner, crm_run):
    dsn = "postgresql://app:s3cret-pw@127.0.0.1:1/crm"
    result = run_load(runner, crm_run, "--dsn", dsn)
    assert result.exit_code == 2
    assert "app:***@127.0.0.1:1/crm" in result.stderr
    assert "s3cret" not in result.output


def test_bad_csv_names(tmp_path):
    write_run(tmp_path / "run", {"nodot": "id\n1\n"})
    with pytest.raises(RunDirError, match="must be <schema>.<table>.csv"):
        loader.find_csv_tables(tmp_path / "run")


@pytest.mark.parametrize(
    ("edges", "expected"),
    [
        (set(), (["a", "b", "c"], False)),
        ({("c", "a"), ("b", "c")}, (["b", "c", "a"], False)),
        ({("a", "a"), ("a", "b")}, (["a", "b", "c"], False)),
        ({("a", "b"), ("b", "a"), ("c", "b")}, (["c", "a", "b"], True)),
    ],
    ids=["no-fks", "chain", "self-reference", "cycle"],
)
def test_fk_order(edges, expected):
    assert loader.fk_order(["a", "b", "c"], edges) == expected


# --- SQLite --------------------------------------------------------------------------------------

SQLITE_CLIENTES = """\
id_cliente,nome,cpf,email,telefone,data_nascimento,criado_em
1,Ana,111,ana@x.local,,1990-01-01,2024-01-01T12:00:00
2,"Bruno, B",222,"",,,2024-01-01T12:00:00
"""
SQLITE_ENDERECOS = """\
id_endereco,id_cliente,rua,cidade,estado,cep
10,2,"Rua A, 1",Sao Paulo,SP,01000-000
11,1,,,,
"""


@pytest.fixture
def rental_db(shared_dir, tmp_path) -> Path:
    path = tmp_path / "rental.db"
    conn = sqlite3.connect(path)
    ddl = shared_dir / "datalchemy/fixtures/sql/sqlite/tables"
    for name in ("table_001_clientes.sql", "table_002_enderecos_clientes.sql"):
        conn.executescript((ddl / name).read_text(encoding="utf-8"))
    conn.execute("create table flags (id integer primary key, on_off boolean)")
    conn.close()
    return path


def sqlite_counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        return {
            t: conn.execute(f"select count(*) from {t}").fetchone()[0]
            for t in ("clientes", "enderecos_clientes")
        }
    finally:
        conn.close()


def test_sqlite_load(runner, rental_db, tmp_path):
    run = write_run(
        tmp_path / "run",
        {
            "main.enderecos_clientes": SQLITE_ENDERECOS,
            "main.clientes": SQLITE_CLIENTES,
            "main.flags": "id,on_off\n1,true\n2,false\n3,\n",
        },
    )
    for _ in range(2):
        result = run_load(runner, run, "--dsn", f"sqlite:///{rental_db}", "--truncate")
        assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "main.clientes: 2 rows",
        "main.enderecos_clientes: 2 rows",
        "main.flags: 3 rows",
        "total: 7 rows in 3 table(s)",
    ]
    conn = sqlite3.connect(rental_db)
    assert conn.execute("select nome, email, telefone from clientes order by 1").fetchall() == [
        ("Ana", "ana@x.local", None),
        ("Bruno, B", "", None),
    ]
    assert conn.execute("select on_off from flags order by id").fetchall() == [(1,), (0,), (None,)]
    conn.close()


def test_sqlite_unique_violation_rolls_back(runner, rental_db, tmp_path):
    run = write_run(
        tmp_path / "run",
        {
            "main.clientes": SQLITE_CLIENTES + "3,Carla,111,,,,\n",
            "main.enderecos_clientes": SQLITE_ENDERECOS,
        },
    )
    result = run_load(runner, run, "--dsn", f"sqlite:///{rental_db}")
    assert result.exit_code == 1
    assert "loading main.clientes from main.clientes.csv, CSV line 4 failed" in result.stderr
    assert "UNIQUE constraint failed: clientes.cpf" in result.stderr
    assert sqlite_counts(rental_db) == {"clientes": 0, "enderecos_clientes": 0}


def test_sqlite_missing_parent_rolls_back(runner, rental_db, tmp_path):
    run = write_run(
        tmp_path / "run",
        {
            "main.clientes": SQLITE_CLIENTES,
            "main.enderecos_clientes": SQLITE_ENDERECOS + "12,99,,,,\n",
        },
    )
    result = run_load(runner, run, "--dsn", f"sqlite:///{rental_db}")
    assert result.exit_code == 1
    assert (
        "FOREIGN KEY constraint failed: main.enderecos_clientes rowid 12 references a "
        "missing row of main.clientes" in result.stderr
    )
    assert sqlite_counts(rental_db) == {"clientes": 0, "enderecos_clientes": 0}


def test_sqlite_short_row_names_its_line(runner, rental_db, tmp_path):
    run = write_run(tmp_path / "run", {"main.clientes": SQLITE_CLIENTES + "3,Carla\n"})
    result = run_load(runner, run, "--dsn", f"sqlite:///{rental_db}")
    assert result.exit_code == 1
    assert "main.clientes.csv, CSV line 4 failed: expected 7 fields" in result.stderr
    assert sqlite_counts(rental_db) == {"clientes": 0, "enderecos_clientes": 0}


def test_not_utf8_header_is_a_clear_error(runner, rental_db, tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    (run / "main.clientes.csv").write_bytes(b"id_cliente,n\xe3o\n1,x\n")
    result = run_load(runner, run, "--dsn", f"sqlite:///{rental_db}")
    assert result.exit_code == 2
    assert "main.clientes.csv: cannot read the header" in result.stderr


def test_sqlite_unknown_column(runner, rental_db, tmp_path):
    run = write_run(tmp_path / "run", {"main.clientes": "id_cliente,nope\n1,x\n"})
    result = run_load(runner, run, "--dsn", f"sqlite:///{rental_db}")
    assert result.exit_code == 2
    assert "column(s) not in table main.clientes: nope" in result.stderr
