#!/usr/bin/env bash
# A throwaway PostgreSQL server for the service's tests: listening on 127.0.0.1 only, its
# data and socket in DIR, run as a non-root user (the server refuses root), fsync off.
#
#   .ci/postgres.sh start DIR [--install]   prints the URL of a fresh database matcher_test
#   .ci/postgres.sh stop DIR
#
# --install: as root, install Debian's postgresql package if no server is found (CI).
# Exits 3 when no server can be had; the PostgreSQL tests then skip.
set -euo pipefail
cmd=${1:?start or stop}
dir=${2:?a directory}

find_bin() {
    local d
    for d in /usr/lib/postgresql/*/bin; do
        if [ -x "$d/initdb" ]; then echo "$d"; return 0; fi
    done
    if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return 0; fi
    return 1
}

as_user() {
    if [ "$(id -u)" = 0 ]; then runuser -u "$user" -- "$@"; else "$@"; fi
}

user=$(id -un)
if [ "$(id -u)" = 0 ]; then
    user=postgres
    id -u postgres >/dev/null 2>&1 || user=nobody
fi

case $cmd in
start)
    bin=$(find_bin || true)
    if [ -z "$bin" ] && [ "${3:-}" = "--install" ] && [ "$(id -u)" = 0 ]; then
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -qq postgresql >/dev/null 2>&1 \
            || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq postgresql >/dev/null 2>&1; } \
            || true
        bin=$(find_bin || true)
        id -u postgres >/dev/null 2>&1 && user=postgres
    fi
    if [ -z "$bin" ]; then echo "no PostgreSQL server (initdb) found" >&2; exit 3; fi
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown "$user" "$dir"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_user "$bin/initdb" -D "$dir/data" -A trust -U matcher -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 \
        || { echo "initdb failed: $(tail -3 "$dir/initdb.log")" >&2; exit 3; }
    as_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c full_page_writes=off" start >/dev/null \
        || { echo "the server did not start: $(tail -3 "$dir/server.log")" >&2; exit 3; }
    as_user "$bin/createdb" -h 127.0.0.1 -p "$port" -U matcher matcher_test
    echo "postgresql://matcher@127.0.0.1:$port/matcher_test"
    ;;
stop)
    bin=$(find_bin || true)
    if [ -n "$bin" ] && [ -d "$dir/data" ]; then
        as_user "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    # If pg_ctl could not stop it, end the server this script started, by its pid.
    if [ -f "$dir/data/postmaster.pid" ]; then
        pid=$(head -1 "$dir/data/postmaster.pid")
        if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" || true; fi
    fi
    rm -rf "$dir"
    ;;
*)
    echo "usage: $0 start|stop DIR [--install]" >&2
    exit 2
    ;;
esac
