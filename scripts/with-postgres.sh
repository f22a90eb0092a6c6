#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL: initdb's a private cluster under /tmp on a free
# loopback port, creates a database, exports GDPR_FANOUT_PG_URL, runs the command, then stops the
# cluster and deletes it. With GDPR_FANOUT_PG_URL already set, just runs the command against it.
#
#   scripts/with-postgres.sh                 # the Postgres tests (npm run test:postgres)
#   scripts/with-postgres.sh npm run bench   # anything else that reads GDPR_FANOUT_PG_URL
#
# Needs the PostgreSQL server binaries (initdb, pg_ctl); on Debian/Ubuntu, as root, it installs the
# `postgresql` package when they are missing. As root the cluster runs as the `postgres` user
# (initdb refuses root).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$#" -eq 0 ]; then
  set -- sh -c 'npx vitest run test/store/postgres && npx vitest run --config vitest.slow.config.ts test/slow/postgres'
fi

if [ -n "${GDPR_FANOUT_PG_URL:-}" ]; then
  exec "$@"
fi

find_bindir() {
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
    pg_config --bindir
    return
  fi
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/initdb" ]; then
      echo "$dir"
      return
    fi
  done
  if command -v initdb >/dev/null 2>&1; then
    dirname "$(command -v initdb)"
  fi
}

BINDIR="$(find_bindir)"
if [ -z "$BINDIR" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "with-postgres: installing the postgresql package" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    BINDIR="$(find_bindir)"
  fi
  if [ -z "$BINDIR" ]; then
    echo "with-postgres: no PostgreSQL server binaries (initdb) found; install PostgreSQL >= 13" >&2
    exit 1
  fi
fi

# As root, run the server as `postgres`; otherwise as ourselves.
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

DIR="$(mktemp -d /tmp/gf-pg.XXXXXX)"
if [ "$(id -u)" = 0 ]; then chown postgres: "$DIR"; fi
PORT="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"

cleanup() {
  as_owner "$BINDIR/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$DIR"
}
trap cleanup EXIT INT TERM

as_owner "$BINDIR/initdb" -D "$DIR/data" -U postgres --auth=trust --encoding=UTF8 --no-instructions >/dev/null
as_owner "$BINDIR/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 \
  -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
as_owner "$BINDIR/createdb" -h 127.0.0.1 -p "$PORT" -U postgres gdpr_fanout_test

export GDPR_FANOUT_PG_URL="postgres://postgres@127.0.0.1:$PORT/gdpr_fanout_test"
echo "with-postgres: PostgreSQL $("$BINDIR/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT (GDPR_FANOUT_PG_URL exported)" >&2
set +e
"$@"
status=$?
set -e
exit "$status"
