# Start and stop a throwaway PostgreSQL cluster; exports HPLAB_TEST_POSTGRES_URL.
# Sourced by .ci/run; usable by hand: `source .ci/postgres.sh; start_throwaway_postgres`,
# then `stop_throwaway_postgres` in the same shell (in another: give it the folder start
# printed, `stop_throwaway_postgres /tmp/hplab-pg.XXXXXX`).
start_throwaway_postgres() {
    local bindir port
    bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    # a free port, not a fixed one: a second cluster on 54329 (another checkout's run) failed
    # to start, and the URL exported then named the first one's database
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0));
print(s.getsockname()[1])')
    PGTMP=$(mktemp -d /tmp/hplab-pg.XXXXXX)
    chown postgres "$PGTMP" 2>/dev/null || true
    local as=()
    [ "$(id -u)" = 0 ] && as=(runuser -u postgres --)
    if ! { "${as[@]}" "$bindir/initdb" -D "$PGTMP/data" -U postgres --auth=trust -E UTF8 \
               >/dev/null &&
           "${as[@]}" "$bindir/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/log" -w \
               -o "-c listen_addresses=127.0.0.1 -p $port -k $PGTMP -c max_connections=200" \
               start >/dev/null &&
           "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres hplab_test; }; then
        echo "could not start a throwaway PostgreSQL cluster on port $port (its log:" \
             "$(tail -n 3 "$PGTMP/log" 2>/dev/null | tr '\n' ' '))" >&2
        "${as[@]}" "$bindir/pg_ctl" -D "$PGTMP/data" -m immediate stop >/dev/null 2>&1
        rm -rf "$PGTMP"
        unset PGTMP
        return 1
    fi
    export HPLAB_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$port/hplab_test"
    export PG_BINDIR="$bindir"
    echo "PostgreSQL test cluster at 127.0.0.1:$port ($PGTMP)"
}

stop_throwaway_postgres() {
    local folder="${1:-${PGTMP:-}}"
    if [ -z "$folder" ] || [ ! -d "$folder/data" ]; then
        echo "no throwaway PostgreSQL cluster to stop${folder:+ in $folder} (give the folder" \
             "start_throwaway_postgres printed)" >&2
        return 1
    fi
    local bindir="${PG_BINDIR:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)}"
    local as=()
    [ "$(id -u)" = 0 ] && as=(runuser -u postgres --)
    "${as[@]}" "$bindir/pg_ctl" -D "$folder/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$folder"
    [ "$folder" = "${PGTMP:-}" ] && unset PGTMP
    return 0
}
