-- One NOT NULL column of every built-in type of issue 9 item 6, and a NOT NULL array of each.
create schema typ;
create table typ.every (
    id serial primary key,
    c_point point not null, a_point point[] not null,
    c_line line not null, a_line line[] not null,
    c_lseg lseg not null, a_lseg lseg[] not null,
    c_box box not null, a_box box[] not null,
    c_path path not null, a_path path[] not null,
    c_polygon polygon not null, a_polygon polygon[] not null,
    c_circle circle not null, a_circle circle[] not null,
    c_inet inet not null, a_inet inet[] not null,
    c_cidr cidr not null, a_cidr cidr[] not null,
    c_macaddr macaddr not null, a_macaddr macaddr[] not null,
    c_macaddr8 macaddr8 not null, a_macaddr8 macaddr8[] not null,
    c_tsvector tsvector not null, a_tsvector tsvector[] not null,
    c_tsquery tsquery not null, a_tsquery tsquery[] not null,
    c_int4range int4range not null, a_int4range int4range[] not null,
    c_int8range int8range not null, a_int8range int8range[] not null,
    c_numrange numrange not null, a_numrange numrange[] not null,
    c_daterange daterange not null, a_daterange daterange[] not null,
    c_tsrange tsrange not null, a_tsrange tsrange[] not null,
    c_tstzrange tstzrange not null, a_tstzrange tstzrange[] not null,
    c_int4multirange int4multirange not null, a_int4multirange int4multirange[] not null,
    c_int8multirange int8multirange not null, a_int8multirange int8multirange[] not null,
    c_nummultirange nummultirange not null, a_nummultirange nummultirange[] not null,
    c_datemultirange datemultirange not null, a_datemultirange datemultirange[] not null,
    c_tsmultirange tsmultirange not null, a_tsmultirange tsmultirange[] not null,
    c_tstzmultirange tstzmultirange not null, a_tstzmultirange tstzmultirange[] not null,
    c_interval interval not null, a_interval interval[] not null,
    c_money money not null, a_money money[] not null,
    c_bit bit(8) not null, a_bit bit(8)[] not null,
    c_bit1 bit not null,
    c_varbit bit varying(12) not null, a_varbit varbit(12)[] not null,
    c_xml xml not null, a_xml xml[] not null,
    c_bytea bytea not null, a_bytea bytea[] not null,
    c_oid oid not null, a_oid oid[] not null,
    c_pg_lsn pg_lsn not null, a_pg_lsn pg_lsn[] not null,
    c_jsonpath jsonpath not null,
    c_timetz time with time zone not null,
    c_uuid uuid not null, a_uuid uuid[] not null,
    m_int integer[][] not null,
    m_point point[][] not null
);

-- Extension types, when the server has the extensions.
create extension if not exists citext;
create extension if not exists hstore;
create extension if not exists ltree;
create table typ.ext (
    id serial primary key,
    c_citext citext not null, a_citext citext[] not null,
    c_hstore hstore not null, a_hstore hstore[] not null,
    c_ltree ltree not null, a_ltree ltree[] not null
);

-- A type no generator knows (cube, an extension's): NULL with a warning where nullable.
create extension if not exists cube;
create table typ.odd (
    id serial primary key,
    c_cube cube
);
create table typ.odd_required (
    id serial primary key,
    c_cube cube not null
);

-- An array of an enum.
create type typ.mood as enum ('sad', 'ok', 'happy');
create table typ.moods (
    id serial primary key,
    moods typ.mood[] not null
);
