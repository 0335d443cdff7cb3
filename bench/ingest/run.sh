#!/usr/bin/env bash
# Ingest benchmark: wrk on loopback against POST /webhooks/meta with pre-signed Meta bodies, next to the
# bare endpoint POST /bench/bare (reads the body, answers 200) in the same process as the ceiling.
#
#   bench/ingest/run.sh                      # build, run, and update the "latest" section of bench/RESULTS.md
#   LABEL=before bench/ingest/run.sh         # write the section named "before" instead
#
# Knobs (environment): RUNS=3 DURATION=10 (seconds per run) CONNS=256 BATCH_CONNS=8 THREADS=2
# PACED_RATE=2000 PACED_CONNS=32 PORT=5391 LABEL=latest NOTE="free text for the results section"
# ENGINE=sqlite|postgres (postgres: a fresh database on the server scripts/services.sh starts, dropped after).
# INSTANCES=1 (postgres only: more starts that many app processes on PORT, PORT+1, ... against the one database, as
# README "Several instances on PostgreSQL" describes, without Redis; wrk's threads are spread over them, see post.lua).
# Runs only against 127.0.0.1. Needs: dotnet, wrk, sqlite3, python3, curl (and psql for postgres).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)

RUNS=${RUNS:-3}
DURATION=${DURATION:-10}
CONNS=${CONNS:-256}
BATCH_CONNS=${BATCH_CONNS:-8}
THREADS=${THREADS:-2}
PACED_RATE=${PACED_RATE:-2000}
PACED_CONNS=${PACED_CONNS:-32}
PORT=${PORT:-5391}
LABEL=${LABEL:-latest}
NOTE=${NOTE:-}
ENGINE=${ENGINE:-sqlite}
INSTANCES=${INSTANCES:-1}
SECRET=bench-app-secret-2c7d1e   # fixed bench secret: the bodies are signed with it and the app is given it
base="http://127.0.0.1:${PORT}"
ports=$(seq -s, "$PORT" $((PORT + INSTANCES - 1)))
if [ "$INSTANCES" -gt 1 ] && [ "$ENGINE" != postgres ]; then
  echo "run.sh: INSTANCES > 1 needs ENGINE=postgres (SQLite files belong to one process)" >&2; exit 1
fi
if [ "$INSTANCES" -gt "$THREADS" ] || [ $((THREADS % INSTANCES)) -ne 0 ]; then
  echo "run.sh: THREADS ($THREADS) must be a multiple of INSTANCES ($INSTANCES): each wrk thread drives one instance" >&2; exit 1
fi

for tool in dotnet wrk sqlite3 python3 curl; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is required" >&2; exit 1; }
done

work=$(mktemp -d /tmp/ingest-bench.XXXXXX)
app_pids=()
stop_apps() {
  for pid in "${app_pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  app_pids=()
}
cleanup() {
  stop_apps
  if [ "$ENGINE" = postgres ]; then
    PGPASSWORD=referralstudio psql -q -h 127.0.0.1 -U referralstudio -d postgres -c "DROP DATABASE IF EXISTS $pgdb WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "== build (Release)"
dotnet build -c Release -nologo -v q ReferralStudio.csproj >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
dll=""
for candidate in "$repo"/bin/Release/net*/ReferralStudio.dll "$repo"/bin/Release/net*/*/ReferralStudio.dll; do
  if [ -f "$candidate" ]; then dll=$candidate; break; fi
done
[ -n "$dll" ] || { echo "run.sh: no Release build of ReferralStudio.dll under bin/Release" >&2; exit 1; }

echo "== generate signed bodies"
python3 bench/ingest/gen_bodies.py --secret "$SECRET" --out "$work/data" --single 200000 --batches 60 --batch-size 1000

echo "== start $INSTANCES app instance(s) on 127.0.0.1 port(s) $ports (fresh $ENGINE database)"
db="$work/bench.db"
inbox="$work/bench.inbox.db"   # the inbox file the app keeps beside the main one
pgdb="ingest_bench_$$"
engine_env=(ConnectionStrings__ReferralStudio="Data Source=$db")
psql_bench() { PGPASSWORD=referralstudio psql -qtA -h 127.0.0.1 -U referralstudio -d "$pgdb" -c "$1"; }
if [ "$ENGINE" = postgres ]; then
  ./scripts/services.sh >/dev/null
  PGPASSWORD=referralstudio psql -q -h 127.0.0.1 -U referralstudio -d postgres -c "CREATE DATABASE $pgdb" >/dev/null
  engine_env=(Database__Provider=postgres
    ConnectionStrings__ReferralStudio="Host=127.0.0.1;Port=5432;Username=referralstudio;Password=referralstudio;Database=$pgdb"
    DataProtection__KeysPath="$work/keys")
fi
# Production settings; logging at Warning; the bare endpoint on; Urls as a plain key (ASPNETCORE_URLS
# works as well now that appsettings.json names no URL). wrk sends everything from one loopback
# address, and the per-client webhook rate limit would answer most of it with 429: lift it here, this
# measures ingest, not the limiter.
# One after the other: the first creates the schema (the second finds it migrated), as a rolling start would.
for port in ${ports//,/ }; do
  url="http://127.0.0.1:$port"
  ASPNETCORE_ENVIRONMENT=Production RateLimits__Webhooks__PermitsPerSecond=100000000 \
  Meta__AppSecret="$SECRET" Api__Key=bench-api-key \
  Admin__Email=bench@example.invalid Admin__Password=bench-admin-password \
  env "${engine_env[@]}" Bench__BareEndpoint=true Urls="$url" \
    dotnet "$dll" --Logging:LogLevel:Default=Warning --Logging:LogLevel:Microsoft.Hosting.Lifetime=Warning \
    >"$work/app-$port.log" 2>&1 &
  app_pids+=($!)
  for _ in $(seq 1 120); do
    if curl -s -o /dev/null -w '%{http_code}' -X POST --data-binary x "$url/bench/bare" 2>/dev/null | grep -q 200; then break; fi
    kill -0 "${app_pids[-1]}" 2>/dev/null || { echo "app on $port exited:"; cat "$work/app-$port.log"; exit 1; }
    sleep 0.5
  done
  curl -s -o /dev/null -w '%{http_code}' -X POST --data-binary x "$url/bench/bare" | grep -q 200 || { echo "app on $port did not start"; cat "$work/app-$port.log"; exit 1; }
done

results="$work/results.jsonl"
: >"$results"
offset=0
# wrk_run LABEL PATH FILE CONNS DURATION [RATE]
wrk_run() {
  local label=$1 path=$2 file=$3 conns=$4 secs=$5 rate=${6:-0}
  local load; load=$(cut -d' ' -f1 /proc/loadavg)
  local out
  out=$(BENCH_FILE="$file" BENCH_THREADS="$THREADS" BENCH_RATE="$rate" BENCH_OFFSET="$offset" BENCH_LABEL="$label" BENCH_PORTS="$ports" \
    wrk -t"$THREADS" -c"$conns" -d"${secs}s" --timeout 5s -s bench/ingest/post.lua "$base$path") || { echo "$out"; exit 1; }
  offset=$((offset + 7919))
  local line; line=$(grep '^RESULT ' <<<"$out" | sed 's/^RESULT //')
  [ -n "$line" ] || { echo "$out"; echo "no RESULT line" >&2; exit 1; }
  python3 -c 'import json,sys; r=json.loads(sys.argv[1]); r["load1"]=float(sys.argv[2]); print(json.dumps(r))' "$line" "$load" >>"$results"
  python3 -c 'import json,sys; r=json.loads(sys.argv[1]); r["load"]=sys.argv[2]; print("   {label:<16} {rps:>9.0f} req/s  p50 {p50_ms:7.2f}  p99 {p99_ms:7.2f}  p99.9 {p999_ms:7.2f}  max {max_ms:7.2f} ms  non-2xx {err_status}  timeouts {err_timeout}  load {load}".format(**r))' "$line" "$load"
}
pending() {
  if [ "$ENGINE" = postgres ]; then
    psql_bench "SELECT COUNT(*) FROM inbounddeliveries WHERE status = 0 AND id > (SELECT lastdeliveryid FROM inboxcursors)"
  else
    sqlite3 "$db" "PRAGMA busy_timeout=5000; ATTACH '$inbox' AS inbox; SELECT COUNT(*) FROM inbox.InboundDeliveries WHERE Status = 0 AND Id > (SELECT LastDeliveryId FROM InboxCursors);" | tail -1
  fi
}
# Lets the background processor catch up (bounded) so one run's backlog does not bill the next.
drain() {
  local limit=$1
  for _ in $(seq 1 "$limit"); do [ "$(pending)" -eq 0 ] && return; sleep 1; done
  echo "   (processor backlog after ${limit}s: $(pending) deliveries pending)"
}

single="$work/data/single.txt"
batch="$work/data/batch.txt"
echo "== warm-up"
wrk_run warmup-bare /bench/bare "$single" "$CONNS" 3
wrk_run warmup-single /webhooks/meta "$single" "$CONNS" 5
wrk_run warmup-batch /webhooks/meta "$batch" "$BATCH_CONNS" 3
drain 180

for run in $(seq 1 "$RUNS"); do
  echo "== run $run/$RUNS"
  wrk_run ceiling-single /bench/bare "$single" "$CONNS" "$DURATION"
  wrk_run single /webhooks/meta "$single" "$CONNS" "$DURATION"
  drain 20
  wrk_run paced-$PACED_RATE /webhooks/meta "$single" "$PACED_CONNS" "$DURATION" "$PACED_RATE"
  wrk_run ceiling-batch /bench/bare "$batch" "$BATCH_CONNS" "$DURATION"
  wrk_run batch /webhooks/meta "$batch" "$BATCH_CONNS" "$DURATION"
  # Long enough for the batch run's millions of events: a backlog still being applied would slow the
  # next ceiling run (the bare endpoint does not make processing step aside) and flatter the ratio.
  drain 180
done

echo "== durability accounting"
sleep 1   # requests wrk abandoned at its deadline may still be committing
if [ "$ENGINE" = postgres ]; then
  rows=$(psql_bench "SELECT COUNT(*) FROM inbounddeliveries")
  # Processing rate of the batch runs' backlog: events applied per second between the first and last outcome of
  # deliveries holding more than one event.
  psql_bench "SELECT 'processing: ' || SUM(eventcount) || ' events in ' || round((MAX(processedat) - MIN(processedat)) / 1000.0, 1) || ' s = ' || round(SUM(eventcount) * 1000.0 / NULLIF(MAX(processedat) - MIN(processedat), 0)) || ' events/s' FROM deliveryoutcomes WHERE eventcount > 1"
else
  rows=$(sqlite3 "$inbox" "PRAGMA busy_timeout=5000; SELECT COUNT(*) FROM InboundDeliveries;" | tail -1)
fi
pending_end=$(pending)

stop_apps
grep -E 'fail|crit|error' -i "$work"/app-*.log | head -5 || true

machine_cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
CONNS="$CONNS" python3 bench/ingest/report.py --results "$results" --rows "$rows" --pending "$pending_end" --label "$LABEL" \
  --cmd "$(printf '%q ' "$0" | sed 's/ $//')" --env "ENGINE=$ENGINE INSTANCES=$INSTANCES RUNS=$RUNS DURATION=${DURATION}s CONNS=$CONNS BATCH_CONNS=$BATCH_CONNS THREADS=$THREADS PACED_RATE=$PACED_RATE PACED_CONNS=$PACED_CONNS" \
  --nproc "$(nproc)" --cpu "$machine_cpu" --kernel "$(uname -r)" --dotnet "$(dotnet --version)" \
  --uptime "$(uptime)" --note "$NOTE" --out bench/RESULTS.md
