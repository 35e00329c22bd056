-- One table per CHECK form real schemas use (issue 9 item 4). Postgres stores each CHECK in its
-- own deparsed form; the tests introspect them, generate, and load into this same database.
create schema cf;

create table cf.upper_any (id serial primary key,
  uf char(2) not null constraint uf_valida check (upper(uf) = any (array['SP', 'RJ', 'MG'])));
create table cf.upper_in_or_null (id serial primary key,
  uf varchar(2) constraint uf_ou_nulo check (upper(uf) in ('SP', 'RJ') or uf is null));
create table cf.in_or_null (id serial primary key,
  sexo char(1) constraint sexo_valido check (sexo in ('M', 'F') or sexo is null));
create table cf.lower_in (id serial primary key,
  status text not null constraint status_valido check (lower(status) in ('ativo', 'inativo')));
create table cf.btrim_nonempty (id serial primary key,
  nome varchar(40) not null constraint nome_nao_vazio check (btrim(nome) <> ''));
create table cf.length_between (id serial primary key,
  codigo text not null constraint codigo_tamanho check (length(codigo) between 3 and 10));
create table cf.char_length_eq (id serial primary key,
  cpf varchar(11) not null constraint cpf_tamanho check (char_length(cpf) = 11));
create table cf.substr_prefix (id serial primary key,
  codigo text not null constraint codigo_prefixo check (substr(codigo, 1, 2) = 'AB'));
create table cf.left_prefix (id serial primary key,
  tag text not null constraint tag_prefixo check (left(tag, 3) = 'TG-'));
create table cf.cast_text_regex (id serial primary key,
  cpf varchar(11) not null constraint cpf_digitos check (cpf::text ~ '^[0-9]{11}$'),
  ano integer not null constraint ano_digitos check (ano::text ~ '^(19|20)[0-9]{2}$'));
create table cf.cast_integer (id serial primary key,
  x numeric(8, 2) not null constraint x_inteiro_positivo check ((x)::integer >= 0));
create table cf.date_part_bounds (id serial primary key,
  nasc date not null constraint nasc_ano check (date_part('year', nasc) >= 1950),
  criado timestamp not null constraint criado_mes check (extract(month from criado) between 3 and 5),
  dia date not null constraint dia_util check (extract(isodow from dia) < 6));
create table cf.abs_bound (id serial primary key,
  n integer not null constraint n_abs check (abs(n) <= 100),
  d numeric(10, 2) constraint d_abs check (abs(d) < 5.5));
create table cf.coalesce_bound (id serial primary key,
  prio integer constraint prio_positiva check (coalesce(prio, 0) >= 0),
  inicio date not null,
  fim date constraint fim_depois check (coalesce(fim, inicio) >= inicio));
create table cf.like_forms (id serial primary key,
  email text not null constraint email_like check (email like '%@%.%'),
  site text not null constraint site_ilike check (site ilike 'HTTPS://%'),
  sku text not null constraint sku_similar check (sku similar to '[A-Z]{3}-[0-9]{4}'),
  slug text not null constraint slug_regex_i check (slug ~* '^[a-z]+(-[a-z]+)*$'),
  nome text not null constraint nome_sem_digitos check (nome !~ '[0-9]'));
create table cf.not_forms (id serial primary key,
  n integer not null constraint n_nao_negativo check (not (n < 0)),
  status text not null constraint status_nao_proibido check (not (status in ('x', 'y'))));
create table cf.ne_all (id serial primary key,
  status text not null constraint status_fora check (status <> all (array['cancelado', 'erro'])));
create table cf.between_symmetric (id serial primary key,
  mes integer not null constraint mes_valido check (mes between symmetric 12 and 1));
create table cf.interval_now (id serial primary key,
  nasc date not null constraint maior_de_idade check (nasc <= now() - '18 years'::interval),
  criado timestamp not null constraint criado_recente check (criado > current_date - interval '1 day'),
  prazo timestamptz constraint prazo_ate_um_ano check (prazo <= now() + interval '1 year'),
  emissao date not null,
  vencimento date not null constraint vence_em_30 check (vencimento >= emissao + interval '30 days'));
create table cf.time_order (id serial primary key,
  inicio time not null,
  fim time not null constraint fim_depois_inicio check (fim > inicio));
