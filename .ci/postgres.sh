# Start and stop a throwaway PostgreSQL cluster; exports HPLAB_TEST_POSTGRES_URL.
# Sourced by .ci/run; usable by hand: `source .ci/postgres.sh; start_throwaway_postgres`.
start_throwaway_postgres() {
    local bindir
    bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    PGTMP=$(mktemp -d /tmp/hplab-pg.XXXXXX)
    chown postgres "$PGTMP" 2>/dev/null || true
    local as=()
    [ "$(id -u)" = 0 ] && as=(runuser -u postgres --)
    "${as[@]}" "$bindir/initdb" -D "$PGTMP/data" -U postgres --auth=trust -E UTF8 >/dev/null
    "${as[@]}" "$bindir/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/log" -w \
        -o "-c listen_addresses=127.0.0.1 -p 54329 -k $PGTMP -c max_connections=200" start >/dev/null
    "$bindir/createdb" -h 127.0.0.1 -p 54329 -U postgres hplab_test
    export HPLAB_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:54329/hplab_test"
    export PG_BINDIR="$bindir"
    echo "PostgreSQL test cluster at 127.0.0.1:54329 ($PGTMP)"
}

stop_throwaway_postgres() {
    [ -n "${PGTMP:-}" ] || return 0
    local as=()
    [ "$(id -u)" = 0 ] && as=(runuser -u postgres --)
    "${as[@]}" "$PG_BINDIR/pg_ctl" -D "$PGTMP/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PGTMP"
}
