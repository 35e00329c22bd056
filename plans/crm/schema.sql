-- The project's own example: a Brazilian sales CRM ("vendas").
-- plans/crm/schema.json is introspected from this DDL by `datalchemy-mp introspect`.
drop schema if exists vendas cascade;
create schema vendas;

create type vendas.estagio as enum ('prospeccao', 'qualificacao', 'proposta', 'negociacao', 'ganho', 'perdido');
create type vendas.canal as enum ('email', 'telefone', 'whatsapp', 'reuniao', 'visita');

create table vendas.regioes (
  id smallserial primary key,
  uf char(2) not null,
  nome varchar(60) not null,
  constraint regioes_uf_unique unique (uf),
  constraint regioes_uf_chk check (uf ~ '^[A-Z]{2}$')
);

create table vendas.equipes (
  id serial primary key,
  nome varchar(80) not null,
  regiao_id smallint not null references vendas.regioes(id),
  lider_id integer,
  criada_em date not null default current_date,
  constraint equipes_nome_unique unique (nome)
);

create table vendas.vendedores (
  id integer generated always as identity primary key,
  equipe_id integer not null references vendas.equipes(id),
  gestor_id integer references vendas.vendedores(id),
  nome text not null,
  email varchar(120) not null,
  cpf char(11) not null,
  telefone varchar(20),
  meta_mensal numeric(12,2) not null,
  comissao_percentual numeric(5,2) not null default 5,
  admitido_em date not null,
  desligado_em date,
  ativo boolean not null default true,
  constraint vendedores_email_unique unique (email),
  constraint vendedores_cpf_unique unique (cpf),
  constraint vendedores_email_chk check (position('@' in email) > 1),
  constraint vendedores_cpf_chk check (cpf ~ '^[0-9]{11}$'),
  constraint vendedores_meta_chk check (meta_mensal > 0),
  constraint vendedores_comissao_chk check (comissao_percentual between 0 and 30),
  constraint vendedores_periodo_chk check (desligado_em is null or desligado_em >= admitido_em)
);

alter table vendas.equipes add constraint equipes_lider_fk foreign key (lider_id) references vendas.vendedores(id);

create table vendas.clientes (
  id uuid primary key default gen_random_uuid(),
  razao_social varchar(150) not null,
  nome_fantasia varchar(100),
  cnpj char(14) not null,
  email text,
  telefone varchar(20),
  cep char(8) not null,
  uf char(2) not null,
  cidade varchar(80) not null,
  site text,
  segmento text not null,
  tags text[],
  criado_em timestamptz not null default now(),
  atualizado_em timestamptz not null default now(),
  constraint clientes_cnpj_unique unique (cnpj),
  constraint clientes_cnpj_chk check (length(cnpj) = 14),
  constraint clientes_email_chk check (email is null or position('@' in email) > 1),
  constraint clientes_segmento_chk check (segmento in ('varejo', 'industria', 'servicos', 'agro', 'governo')),
  constraint clientes_datas_chk check (atualizado_em >= criado_em)
);

create table vendas.contatos (
  id uuid primary key default gen_random_uuid(),
  cliente_id uuid not null references vendas.clientes(id) on delete cascade,
  nome text not null,
  sobrenome text,
  email text not null,
  celular varchar(20),
  cargo text,
  nascimento date,
  constraint contatos_email_unique unique (email),
  constraint contatos_nascimento_chk check (nascimento is null or nascimento <= current_date)
);

create table vendas.produtos (
  id bigserial primary key,
  sku varchar(20) not null,
  nome text not null,
  preco numeric(10,2) not null,
  peso_kg real,
  atributos jsonb not null default '{}',
  constraint produtos_sku_unique unique (sku),
  constraint produtos_sku_chk check (sku ~ '^SKU-[A-Z]{3}-[0-9]{5}$'),
  constraint produtos_preco_chk check (preco > 0 and preco < 100000)
);

create table vendas.oportunidades (
  id uuid primary key default gen_random_uuid(),
  cliente_id uuid not null references vendas.clientes(id),
  contato_id uuid references vendas.contatos(id),
  vendedor_id integer not null references vendas.vendedores(id),
  titulo text not null,
  estagio vendas.estagio not null default 'prospeccao',
  valor numeric(14,2) not null,
  probabilidade smallint not null,
  aberta_em date not null,
  fechada_em date,
  constraint oportunidades_valor_chk check (valor >= 0),
  constraint oportunidades_prob_chk check (probabilidade >= 0 and probabilidade <= 100),
  constraint oportunidades_fechamento_chk check (fechada_em is null or fechada_em >= aberta_em)
);

create table vendas.itens_oportunidade (
  oportunidade_id uuid not null references vendas.oportunidades(id) on delete cascade,
  produto_id bigint not null references vendas.produtos(id),
  quantidade integer not null,
  desconto numeric(5,2) not null default 0,
  primary key (oportunidade_id, produto_id),
  constraint itens_quantidade_chk check (quantidade between 1 and 500),
  constraint itens_desconto_chk check (desconto >= 0 and desconto <= 50)
);

create table vendas.propostas (
  id uuid primary key default gen_random_uuid(),
  oportunidade_id uuid not null references vendas.oportunidades(id),
  numero varchar(20) not null,
  emitida_em date not null,
  validade date not null,
  valor_total numeric(14,2) not null,
  constraint propostas_oportunidade_unique unique (oportunidade_id),
  constraint propostas_numero_unique unique (numero),
  constraint propostas_validade_chk check (validade > emitida_em),
  constraint propostas_valor_chk check (valor_total > 0)
);

create table vendas.interacoes (
  id bigint generated by default as identity primary key,
  oportunidade_id uuid not null references vendas.oportunidades(id),
  vendedor_id integer not null references vendas.vendedores(id),
  canal vendas.canal not null,
  resumo text not null,
  inicio timestamptz not null,
  fim timestamptz,
  ip_origem inet,
  constraint interacoes_periodo_chk check (fim is null or fim > inicio),
  constraint interacoes_resumo_chk check (length(resumo) >= 5)
);

create table vendas.metas (
  vendedor_id integer not null references vendas.vendedores(id),
  ano smallint not null,
  mes smallint not null,
  valor numeric(12,2) not null,
  primary key (vendedor_id, ano, mes),
  constraint metas_mes_chk check (mes between 1 and 12),
  constraint metas_ano_chk check (ano between 2020 and 2030),
  constraint metas_valor_chk check (valor > 0)
);

create table vendas.comissoes (
  id serial primary key,
  proposta_id uuid not null references vendas.propostas(id),
  vendedor_id integer not null references vendas.vendedores(id),
  valor numeric(12,2) not null,
  paga_em timestamp,
  status text not null default 'pendente',
  constraint comissoes_valor_chk check (valor >= 0),
  constraint comissoes_status_chk check (status = any (array['pendente', 'paga', 'cancelada'])),
  constraint comissoes_unique unique (proposta_id, vendedor_id)
);
