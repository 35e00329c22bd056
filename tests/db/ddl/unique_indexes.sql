-- Unique indexes: single column, composite, partial (WHERE), expression (lower(email)).
create schema uix;
create table uix.store (
    id serial primary key,
    manager integer not null,
    region smallint not null,
    branch smallint not null,
    email text not null,
    active boolean not null,
    nickname varchar(12)
);
create unique index store_manager_uq on uix.store (manager);
create unique index store_region_branch_uq on uix.store (region, branch);
create unique index store_email_lower_uq on uix.store (lower(email));
create unique index store_nickname_active_uq on uix.store (nickname) where active;
