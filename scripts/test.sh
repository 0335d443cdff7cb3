#!/usr/bin/env bash
# Runs every test in the solution on a fresh machine: installs the browser and QR decoder the tests
# use (Debian's chromium and zbar-tools), the fontconfig library SkiaSharp loads (libfontconfig1),
# Debian's redis-server and postgresql and starts them on loopback (scripts/services.sh), installs
# the official JavaScript clients the tests run (npm ci in ReferralStudio.Tests/Node), refuses known
# vulnerable packages, restores, builds, tests, and ends with one plain "N passed, N failed" line.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v zbarimg >/dev/null 2>&1 || need+=(zbar-tools)
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
# SkiaSharp's libSkiaSharp.so (QR captions) links against libfontconfig.so.1, even though the font is embedded.
dpkg -s libfontconfig1 >/dev/null 2>&1 || need+=(libfontconfig1)
# The live hub's Redis backplane tests, and the PostgreSQL storage tests.
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
# The server itself (the client package alone also brings pg_lsclusters and /usr/lib/postgresql/<version>/bin).
compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing ${need[*]} (browser tests, QR decoding and captions, Redis and PostgreSQL tests need them)"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need[@]}" >/dev/null
fi

npm ci --prefix ReferralStudio.Tests/Node --no-audit --no-fund --loglevel=error

# Redis and PostgreSQL on loopback, left running; the tests read where from these (and default to the same values).
# A service that cannot be started stops the run here, with services.sh's reason.
settings=$(./scripts/services.sh)
while IFS='=' read -r name value; do
  case "$name" in REFERRALSTUDIO_TEST_*) export "$name=$value" ;; esac
done <<< "$settings"

log=$(mktemp)
trap 'rm -f "$log"' EXIT

# A known vulnerable package, direct or transitive, fails the run before any test (NuGet audit also turns
# its warnings into build errors; this names every package at once). It needs a package source that
# publishes vulnerability data: a source without it reports nothing here.
dotnet list ReferralStudio.sln package --vulnerable --include-transitive 2>&1 | tee "$log"
if grep -q "has the following vulnerable packages" "$log"; then
  echo "known vulnerable packages (listed above): update them before testing" >&2
  exit 1
fi
status=0
dotnet test ReferralStudio.sln "$@" 2>&1 | tee "$log" || status=$?

passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{s += $2} END {print s + 0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{s += $2} END {print s + 0}')
echo "tests: $passed passed, $failed failed"
if [ "$status" -eq 0 ] && [ "$passed" -eq 0 ]; then
  echo "no test ran" >&2
  exit 1
fi
exit "$status"
