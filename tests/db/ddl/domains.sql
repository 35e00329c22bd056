-- Domains: a CHECKed integer, a boolean domain, a domain over a domain, over varchar(n), over an array.
create schema dom;
create domain dom.year as integer constraint year_check check (value >= 1901 and value <= 2155);
create domain dom.flag as boolean not null;
create domain dom.recent_year as dom.year check (value >= 2000);
create domain dom.code as varchar(6) check (value ~ '^[A-Z]{2}[0-9]{1,4}$');
create domain dom.small_ints as integer[] check (cardinality(value) <= 3);
create domain dom.positive as numeric(8, 2) not null check (value > 0);

create table dom.film (
    id serial primary key,
    release_year dom.year,
    made_in dom.recent_year not null,
    active dom.flag,
    code dom.code not null,
    scores dom.small_ints,
    price dom.positive
);

-- A domain over an enum.
create type dom.mood as enum ('sad', 'ok', 'happy');
create domain dom.good_mood as dom.mood check (value <> 'sad');
create table dom.review (
    id serial primary key,
    mood dom.good_mood not null
);
