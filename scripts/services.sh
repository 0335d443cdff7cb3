#!/usr/bin/env bash
# Starts the services the tests use, on loopback, and leaves them running: Debian's redis-server on
# 127.0.0.1:6379 (no persistence) and the PostgreSQL cluster on 127.0.0.1:5432 with the role `referralstudio`
# (password `referralstudio`, may create databases: tests make their own) and its database
# `referralstudio_test`. Idempotent: what already runs is left alone. Run as root (or with sudo) on a fresh
# machine; scripts/test.sh runs it. Fails loudly when a service cannot be started.
# Prints (on stdout; progress goes to stderr) the settings the tests read (they default to these same values when the variables are absent):
#   REFERRALSTUDIO_TEST_REDIS=127.0.0.1:6379
#   REFERRALSTUDIO_TEST_POSTGRES=Host=127.0.0.1;Port=5432;Username=referralstudio;Password=referralstudio;Database=referralstudio_test
set -euo pipefail

fail() { echo "services: $*" >&2; exit 1; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }

# Waits for a check to pass (a service answers some time after its start command returns).
wait_for() {
  local what=$1; shift
  for _ in $(seq 1 100); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  fail "$what did not answer within 10 s"
}

# Redis: the backplane tests publish and subscribe on it.
redis_port=6379
if ! redis-cli -h 127.0.0.1 -p "$redis_port" ping >/dev/null 2>&1; then
  command -v redis-server >/dev/null 2>&1 || fail "redis-server is not installed (apt-get install redis-server)"
  echo "Starting redis-server on 127.0.0.1:$redis_port" >&2
  # Debian's package may have started its own service on install; this one is ours, for tests, without files.
  as_root redis-server --port "$redis_port" --bind 127.0.0.1 --daemonize yes --save '' --appendonly no \
    || fail "redis-server did not start"
  wait_for "redis-server on 127.0.0.1:$redis_port" redis-cli -h 127.0.0.1 -p "$redis_port" ping
fi
[ "$(redis-cli -h 127.0.0.1 -p "$redis_port" ping)" = "PONG" ] || fail "Redis on 127.0.0.1:$redis_port does not answer PING"

# PostgreSQL: Debian's cluster (the package creates "main" for its version; a machine without one gets it).
# The newest installed server version (the client package alone has no bin/postgres).
pg_version=$(for server in /usr/lib/postgresql/*/bin/postgres; do if [ -x "$server" ]; then basename "$(dirname "$(dirname "$server")")"; fi; done | sort -n | tail -1)
[ -n "$pg_version" ] && command -v pg_lsclusters >/dev/null 2>&1 || fail "the PostgreSQL server is not installed (apt-get install postgresql)"
if ! pg_lsclusters -h | awk -v v="$pg_version" '$1 == v && $2 == "main"' | grep -q .; then
  echo "Creating PostgreSQL $pg_version cluster main" >&2
  as_root pg_createcluster "$pg_version" main >/dev/null || fail "pg_createcluster $pg_version main failed"
fi
pg_port=$(pg_lsclusters -h | awk -v v="$pg_version" '$1 == v && $2 == "main" {print $3}')
[ "$pg_port" = "5432" ] || fail "PostgreSQL $pg_version main listens on port $pg_port; the tests expect 5432"
if ! pg_lsclusters -h | awk -v v="$pg_version" '$1 == v && $2 == "main" {print $4}' | grep -q online; then
  echo "Starting PostgreSQL $pg_version cluster main" >&2
  # pg_ctlcluster waits until the server accepts connections; it needs root (or the postgres user) to start it.
  as_root pg_ctlcluster "$pg_version" main start || fail "pg_ctlcluster $pg_version main start failed (see /var/log/postgresql/postgresql-$pg_version-main.log)"
fi
wait_for "PostgreSQL on 127.0.0.1:5432" pg_isready -q -h 127.0.0.1 -p 5432

# The tests' role and database; the role may create databases (one per test).
as_postgres psql -q -v ON_ERROR_STOP=1 -d postgres <<'SQL' >/dev/null || fail "could not create the role referralstudio"
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'referralstudio') THEN
    CREATE ROLE referralstudio LOGIN CREATEDB PASSWORD 'referralstudio';
  ELSE
    ALTER ROLE referralstudio LOGIN CREATEDB PASSWORD 'referralstudio';
  END IF;
END
$$;
-- A test drops its database WITH (FORCE): that ends the sessions on it, an autovacuum worker's among them.
GRANT pg_signal_backend TO referralstudio;
-- The attribution writer skips foreign key checks on its own rows, as on SQLite (README, "Sizing").
GRANT SET ON PARAMETER session_replication_role TO referralstudio;
SQL
if [ "$(as_postgres psql -tAq -d postgres -c "SELECT 1 FROM pg_database WHERE datname = 'referralstudio_test'")" != "1" ]; then
  as_postgres createdb -O referralstudio referralstudio_test || fail "could not create the database referralstudio_test"
fi
# Over TCP with the password, exactly as the tests connect.
PGPASSWORD=referralstudio psql -q -h 127.0.0.1 -p 5432 -U referralstudio -d referralstudio_test -c 'SELECT 1' >/dev/null \
  || fail "cannot sign in to PostgreSQL on 127.0.0.1:5432 as referralstudio"

echo "REFERRALSTUDIO_TEST_REDIS=127.0.0.1:$redis_port"
echo "REFERRALSTUDIO_TEST_POSTGRES=Host=127.0.0.1;Port=5432;Username=referralstudio;Password=referralstudio;Database=referralstudio_test"
