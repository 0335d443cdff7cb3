#!/usr/bin/env bash
# Redirect benchmark: GET /go/<slug> of a Release build on loopback (fresh SQLite database), at a fixed 2,000
# requests/s from an open-loop .NET generator (Program.cs: latency measured from each request's slot on the schedule),
# then wrk at saturation for the ceiling. Run it under the shared lock:
#
#   flock /tmp/bench.lock bench/Redirect/run.sh
#
# Knobs (environment): RATE=2000 DURATION=30 WARMUP=10 WRK_CONNS=64 WRK_SECONDS=10 PORT=5392
# Runs only against 127.0.0.1. Needs: dotnet, wrk, curl.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
RATE=${RATE:-2000}
DURATION=${DURATION:-30}
WARMUP=${WARMUP:-10}
WRK_CONNS=${WRK_CONNS:-64}
WRK_SECONDS=${WRK_SECONDS:-10}
PORT=${PORT:-5392}
KEY=bench-api-key
url="http://127.0.0.1:$PORT"
work=$(mktemp -d /tmp/redirect-bench.XXXXXX)
app_pid=""
cleanup() {
  if [ -n "$app_pid" ] && kill -0 "$app_pid" 2>/dev/null; then kill "$app_pid"; wait "$app_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "== build (Release)"
dotnet build -c Release -nologo -v q ReferralStudio.csproj >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
dotnet build -c Release -nologo -v q bench/Redirect/Redirect.csproj >"$work/build-bench.log" 2>&1 || { cat "$work/build-bench.log"; exit 1; }
dll=$(ls "$repo"/bin/Release/net*/ReferralStudio.dll | head -1)
gen=$(ls "$repo"/bench/Redirect/bin/Release/net*/Redirect.dll | head -1)

echo "== start the app on $url (fresh SQLite database, Production settings)"
ASPNETCORE_ENVIRONMENT=Production Meta__AppSecret=bench-app-secret Api__Key=$KEY \
Admin__Email=bench@example.invalid Admin__Password=bench-admin-password \
ConnectionStrings__ReferralStudio="Data Source=$work/bench.db" Links__PublicBaseUrl=https://go.example.com Urls="$url" \
  dotnet "$dll" --Logging:LogLevel:Default=Warning --Logging:LogLevel:Microsoft.Hosting.Lifetime=Warning >"$work/app.log" 2>&1 &
app_pid=$!
for _ in $(seq 1 120); do
  if curl -s -o /dev/null "$url/healthz" 2>/dev/null; then break; fi
  kill -0 "$app_pid" 2>/dev/null || { echo "the app exited:"; cat "$work/app.log"; exit 1; }
  sleep 0.5
done

echo "== open loop at $RATE/s (load $(cut -d' ' -f1-3 /proc/loadavg))"
dotnet "$gen" --base "$url" --api-key "$KEY" --rate "$RATE" --seconds "$DURATION" --warmup "$WARMUP" | tee "$work/open-loop.txt" || echo "!! the generator reported errors or a count mismatch (above)"
slug=$(sed -n 's|^link /go/||p' "$work/open-loop.txt")

echo "== wrk at saturation: $WRK_CONNS connections, ${WRK_SECONDS}s (load $(cut -d' ' -f1-3 /proc/loadavg))"
wrk -t2 -c"$WRK_CONNS" -d"${WRK_SECONDS}s" --latency \
  -H "User-Agent: Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148" "$url/go/$slug"
echo "== load after: $(cut -d' ' -f1-3 /proc/loadavg)"
