#!/usr/bin/env bash
# Start (or stop) a throwaway Postgres cluster for the test suite.
#
#   eval "$(bash scripts/pg_start.sh)"            # start; exports DATALCHEMY_MP_TEST_DSN
#   bash scripts/pg_start.sh --stop "$DATALCHEMY_MP_PG_DIR"   # stop it and delete its files
#
# The cluster lives in a new temp dir (data, unix socket, log), listens on 127.0.0.1 only, on the
# first free port from $DATALCHEMY_MP_PG_PORT (default 55432). Auth: trust for the superuser
# `postgres` (and for everyone over the unix socket); other roles on 127.0.0.1 need their password,
# so the tests can check what a wrong password does. Run as root, the server runs as `postgres`.
# Messages go to stderr; stdout carries only the `export` lines meant for eval.
set -euo pipefail

log() { printf 'pg_start: %s\n' "$*" >&2; }

find_bindir() {
    if [ -n "${PG_BINDIR:-}" ]; then
        printf '%s\n' "$PG_BINDIR"
        return
    fi
    local initdb
    initdb=$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -z "$initdb" ]; then
        initdb=$(command -v initdb || true)
    fi
    if [ -z "$initdb" ]; then
        log "no Postgres server binaries found (install the 'postgresql' package or set PG_BINDIR)"
        exit 1
    fi
    dirname "$initdb"
}

# Run a server command as the cluster's owner: Postgres refuses to run as root.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

port_in_use() {
    # A successful connect means something listens there.
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

stop_cluster() {
    local dir=$1
    [ -n "$dir" ] && [ -d "$dir" ] || { log "nothing to stop at '${dir}'"; return 0; }
    [ -f "$dir/PG_TMP_CLUSTER" ] || { log "$dir is not a cluster made by this script"; return 1; }
    local bindir
    bindir=$(find_bindir)
    if [ -f "$dir/data/postmaster.pid" ]; then
        as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || log "pg_ctl stop failed"
    fi
    rm -rf -- "$dir"
    log "stopped and removed $dir"
}

start_cluster() {
    local bindir port dir
    bindir=$(find_bindir)
    if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
        log "running as root needs a 'postgres' user (the Debian package creates it)"
        exit 1
    fi

    port=${DATALCHEMY_MP_PG_PORT:-55432}
    local last=$((port + 100))
    while port_in_use "$port"; do
        port=$((port + 1))
        if [ "$port" -ge "$last" ]; then
            log "no free port found below $last"
            exit 1
        fi
    done

    dir=$(mktemp -d "${TMPDIR:-/tmp}/datalchemy-pg.XXXXXX")
    touch "$dir/PG_TMP_CLUSTER"
    if [ "$(id -u)" -eq 0 ]; then
        chown -R postgres: "$dir"
    fi

    as_owner "$bindir/initdb" -D "$dir/data" -U postgres -E UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=scram-sha-256 --no-sync >"$dir/initdb.log" 2>&1 || {
        cat "$dir/initdb.log" >&2
        log "initdb failed"
        exit 1
    }
    # Rules are read top-down: the superuser is trusted on loopback, other roles need a password.
    {
        echo "local all all trust"
        echo "host all postgres 127.0.0.1/32 trust"
        echo "host all all 127.0.0.1/32 scram-sha-256"
    } >"$dir/data/pg_hba.conf"

    # Throwaway data: durability settings off for speed.
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start -o \
        "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir \
         -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
         -c max_connections=50" >/dev/null || {
        cat "$dir/server.log" >&2
        log "server did not start"
        exit 1
    }

    local i
    for i in $(seq 1 60); do
        if "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres; then
            break
        fi
        if [ "$i" -eq 60 ]; then
            cat "$dir/server.log" >&2
            log "server not ready after 30 s"
            exit 1
        fi
        sleep 0.5
    done

    local dsn="postgresql://postgres@127.0.0.1:$port/postgres"
    log "Postgres ready on port $port (data in $dir)"
    log "DSN: $dsn"
    log "stop with: bash scripts/pg_start.sh --stop $dir"
    printf 'export DATALCHEMY_MP_PG_DIR=%q\n' "$dir"
    printf 'export DATALCHEMY_MP_TEST_DSN=%q\n' "$dsn"
}

case "${1:-}" in
    --stop) stop_cluster "${2:-${DATALCHEMY_MP_PG_DIR:-}}" ;;
    "" | --start) start_cluster ;;
    -h | --help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' ;;
    *) log "unknown argument: $1 (use --start, --stop DIR or --help)"; exit 2 ;;
esac
