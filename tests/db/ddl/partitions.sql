-- Partitioned tables: range (two levels), list, hash; FKs on the parent and on one partition only.
create schema part;
create table part.customer (id serial primary key, name text not null);

create table part.payment (
    id integer not null,
    customer_id integer not null references part.customer (id),
    amount numeric(7, 2) not null,
    paid_at timestamptz not null,
    primary key (paid_at, id)
) partition by range (paid_at);
create table part.payment_2022 partition of part.payment
    for values from ('2022-01-01 00:00:00+00') to ('2023-01-01 00:00:00+00')
    partition by range (paid_at);
create table part.payment_2022_h1 partition of part.payment_2022
    for values from ('2022-01-01 00:00:00+00') to ('2022-07-01 00:00:00+00');
create table part.payment_2022_h2 partition of part.payment_2022
    for values from ('2022-07-01 00:00:00+00') to ('2023-01-01 00:00:00+00');
create table part.payment_2023 partition of part.payment
    for values from ('2023-01-01 00:00:00+00') to ('2024-01-01 00:00:00+00');

create table part.city (
    id integer not null,
    country char(2) not null,
    name text not null,
    primary key (id, country)
) partition by list (country);
create table part.city_br partition of part.city for values in ('BR');
create table part.city_eu partition of part.city for values in ('PT', 'ES', 'FR');

create table part.event (
    id bigint not null primary key,
    customer_id integer,
    label text not null
) partition by hash (id);
create table part.event_0 partition of part.event for values with (modulus 3, remainder 0);
create table part.event_1 partition of part.event for values with (modulus 3, remainder 1);
create table part.event_2 partition of part.event for values with (modulus 3, remainder 2);
-- an FK declared on one partition only
alter table part.event_1 add constraint event_1_customer_fk foreign key (customer_id) references part.customer (id);

-- one leaf only: rows of the parent and of the leaf share it, keys must not repeat across them
create table part.daily (
    id serial,
    day date not null,
    note text,
    primary key (id, day)
) partition by range (day);
create table part.daily_jan partition of part.daily for values from ('2024-01-01') to ('2024-02-01');

-- hash partitioning on a text key: Postgres's text hash is not reproduced
create table part.tag (
    code text not null primary key
) partition by hash (code);
create table part.tag_0 partition of part.tag for values with (modulus 2, remainder 0);
create table part.tag_1 partition of part.tag for values with (modulus 2, remainder 1);
