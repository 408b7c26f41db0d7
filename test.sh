#!/usr/bin/env bash
# Runs every test of the repository, installing what a fresh machine lacks.
# Each block below is one suite: it installs its prerequisites, runs, and adds its
# counts to the totals. A failing block does not stop the others; the exit status
# is non-zero if any test or any step failed. The last line of output is always
#   N passed, N failed[, N skipped]
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"

export DEBIAN_FRONTEND=noninteractive
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false NPM_CONFIG_UPDATE_NOTIFIER=false
CI=${CI:-false}
if [[ $CI == true ]]; then
  export NPM_CONFIG_PROGRESS=false
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

passed=0 failed=0 skipped=0
failed_steps=()

section() { printf '\n==> %s\n' "$*"; }

# Records a failed step without aborting, so every suite still runs and is counted.
step_failed() {
  failed_steps+=("$1")
  printf '!! step failed: %s\n' "$1" >&2
}

# Runs "$@" with output shown live and also saved to the file named by $1.
run_logged() {
  local log=$1
  shift
  "$@" 2>&1 | tee "$log"
}

# --- system packages ---------------------------------------------------------

SUDO=()
if [[ $EUID -ne 0 ]]; then
  SUDO=(sudo --non-interactive)
fi

apt_updated=false
apt_install() {
  if ! $apt_updated; then
    "${SUDO[@]}" apt-get update -q
    apt_updated=true
  fi
  "${SUDO[@]}" apt-get install -y -q --no-install-recommends "$@"
}

# Throwaway servers for the .NET integration tests (tests/Bpm.Testing/PostgresServer.cs).
# 15 is what we target; a newer distro's default major version found there is fine too.
have_postgres() { compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; }
if [[ -z ${BPM_TEST_POSTGRES:-} ]] && ! have_postgres; then
  section "installing postgresql"
  # The tests start their own clusters; stop the package from creating and starting a system one.
  if [[ ! -e /etc/postgresql-common/createcluster.conf ]]; then
    "${SUDO[@]}" mkdir -p /etc/postgresql-common
    echo 'create_main_cluster = false' | "${SUDO[@]}" tee /etc/postgresql-common/createcluster.conf >/dev/null
  fi
  apt_install postgresql || step_failed "apt-get install postgresql"
fi

# The designer's browser tests drive Debian's Chromium (designer/e2e); Chinese must render in their screenshots.
have_cjk_fonts() { compgen -G '/usr/share/fonts/opentype/noto/NotoSansCJK*' >/dev/null; }
if [[ -f designer/e2e/package.json ]] && { [[ ! -x /usr/bin/chromium ]] || ! have_cjk_fonts; }; then
  section "installing chromium and fonts-noto-cjk"
  apt_install chromium fonts-noto-cjk || step_failed "apt-get install chromium fonts-noto-cjk"
fi

# --- JSON schema tests (node) ------------------------------------------------

# node's TAP output ends with "# pass N", "# fail N", "# cancelled N", "# skipped N".
add_node_counts() {
  local tap=$1 n
  n=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$tap" | tail -n1); passed=$((passed + ${n:-0}))
  n=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$tap" | tail -n1); failed=$((failed + ${n:-0}))
  n=$(sed -n 's/^# cancelled \([0-9]*\)$/\1/p' "$tap" | tail -n1); failed=$((failed + ${n:-0}))
  n=$(sed -n 's/^# skipped \([0-9]*\)$/\1/p' "$tap" | tail -n1); skipped=$((skipped + ${n:-0}))
}

# npm (re)installs when node_modules is missing or older than the manifests.
npm_install_if_stale() {
  local stamp=node_modules/.package-lock.json
  if [[ -f $stamp && ! package.json -nt $stamp && ! ( -f package-lock.json && package-lock.json -nt $stamp ) ]]; then
    return 0
  fi
  if [[ -f package-lock.json ]]; then
    npm ci
  else
    npm install
  fi
}

if [[ -f tests/schema/package.json ]]; then
  section "schema tests (node --test)"
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    apt_install nodejs npm || step_failed "apt-get install nodejs npm"
  fi
  if (cd tests/schema && npm_install_if_stale); then
    # spec for people reading the log, TAP to a file for counting.
    (cd tests/schema && node --test --test-reporter=spec --test-reporter-destination=stdout \
                                    --test-reporter=tap --test-reporter-destination="$WORK/node.tap") \
      || step_failed "node --test (tests/schema)"
    if [[ -f $WORK/node.tap ]]; then
      add_node_counts "$WORK/node.tap"
    fi
  else
    step_failed "npm install (tests/schema)"
  fi
fi

# --- designer unit tests (vitest) -------------------------------------------------

# vitest's JSON report holds the counts; a file that fails to load counts as one failure.
add_vitest_counts() {
  local report=$1 counts p f s
  counts=$(node -e '
    const r = require(process.argv[1]);
    const loadFailures = (r.testResults ?? []).filter((t) => t.status === "failed" && (t.assertionResults ?? []).length === 0).length;
    console.log(r.numPassedTests, r.numFailedTests + loadFailures, r.numPendingTests + r.numTodoTests);' "$report") || return 1
  read -r p f s <<<"$counts"
  passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
}

if [[ -f designer/package.json ]]; then
  section "designer unit tests (vitest)"
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    apt_install nodejs npm || step_failed "apt-get install nodejs npm"
  fi
  if (cd designer && npm_install_if_stale); then
    (cd designer && npx vitest run --reporter=default --reporter=json --outputFile.json="$WORK/vitest.json") \
      || step_failed "vitest (designer)"
    if [[ -f $WORK/vitest.json ]]; then
      add_vitest_counts "$WORK/vitest.json" || step_failed "reading vitest's report"
    fi
  else
    step_failed "npm ci (designer)"
  fi
fi

# --- .NET tests ----------------------------------------------------------------

# dotnet test prints one line per test assembly:
#   Passed!  - Failed:     0, Passed:    12, Skipped:     1, Total:    13, Duration: ... - X.Tests.dll (net10.0)
add_dotnet_counts() {
  local log=$1 f p s
  while read -r f p s; do
    failed=$((failed + f)) passed=$((passed + p)) skipped=$((skipped + s))
  done < <(sed -nE 's/^(Passed|Failed)! +- Failed: +([0-9]+), Passed: +([0-9]+), Skipped: +([0-9]+),.*/\2 \3 \4/p' "$log")
}

section "dotnet test"
if command -v dotnet >/dev/null; then
  run_logged "$WORK/dotnet.log" dotnet test BpmServer.sln --nologo || step_failed "dotnet test"
  add_dotnet_counts "$WORK/dotnet.log"
else
  step_failed "dotnet SDK missing (install the .NET 10 SDK)"
fi

# --- the sample tour against the one-command server -----------------------------

# Starts the server as README's first command does (SQLite in a fresh data folder, catalog published) on a free
# port, runs samples/tour.sh against it, and counts the tour as one test.
section "sample tour (samples/tour.sh against a started server)"
if ! command -v jq >/dev/null; then
  apt_install jq || step_failed "apt-get install jq"
fi
if command -v dotnet >/dev/null && command -v jq >/dev/null; then
  tour_ok=false
  if dotnet build engine/Bpm.Server --nologo -v q >"$WORK/tour-build.log" 2>&1; then
    # The built program itself (not `dotnet run`), so stopping it stops the server.
    dotnet engine/Bpm.Server/bin/Debug/net10.0/bpm.dll --urls http://127.0.0.1:0 --Bpm:DataDirectory "$WORK/tour-data" \
      >"$WORK/tour-server.log" 2>&1 &
    tour_pid=$!
    address=""
    for _ in $(seq 1 120); do
      address=$(sed -nE 's/^BpmServer is running: API (http[^ ]*)\/api .*/\1/p' "$WORK/tour-server.log" | head -n1)
      [[ -n $address ]] && break
      kill -0 "$tour_pid" 2>/dev/null || break
      sleep 1
    done
    if [[ -n $address ]] && samples/tour.sh "$address"; then
      tour_ok=true
    else
      tail -n 40 "$WORK/tour-server.log" >&2 || true
    fi
    kill "$tour_pid" 2>/dev/null || true
    wait "$tour_pid" 2>/dev/null || true
  else
    cat "$WORK/tour-build.log" >&2
  fi
  if $tour_ok; then passed=$((passed + 1)); else failed=$((failed + 1)); step_failed "sample tour"; fi
fi

# --- designer browser tests (playwright-core + Chromium) --------------------------

# Builds the server and the designer, starts the server as the tour does (free port, fresh SQLite folder), seeds it
# with generated cases for the timing overlay, and runs designer/e2e with node --test (TAP counted like the schema
# tests). Screenshots go to designer/e2e/screenshots/ and their paths are listed at the end of the block.
if [[ -f designer/e2e/package.json ]]; then
  section "designer browser tests (designer/e2e against a started server)"
  e2e_ready=true
  if ! dotnet build engine/Bpm.Server --nologo -v q >"$WORK/e2e-build.log" 2>&1; then
    cat "$WORK/e2e-build.log" >&2; step_failed "dotnet build (browser tests)"; e2e_ready=false
  fi
  if $e2e_ready && ! (cd designer && npm_install_if_stale && npm run build); then
    step_failed "npm run build (designer)"; e2e_ready=false
  fi
  if $e2e_ready && ! (cd designer/e2e && npm_install_if_stale); then
    step_failed "npm ci (designer/e2e)"; e2e_ready=false
  fi
  if $e2e_ready; then
    e2e_data="$WORK/e2e-data"
    dotnet engine/Bpm.Server/bin/Debug/net10.0/bpm.dll --urls http://127.0.0.1:0 --Bpm:DataDirectory "$e2e_data" \
      >"$WORK/e2e-server.log" 2>&1 &
    e2e_pid=$!
    e2e_address=""
    for _ in $(seq 1 120); do
      e2e_address=$(sed -nE 's/^BpmServer is running: API (http[^ ]*)\/api .*/\1/p' "$WORK/e2e-server.log" | head -n1)
      [[ -n $e2e_address ]] && break
      kill -0 "$e2e_pid" 2>/dev/null || break
      sleep 1
    done
    if [[ -n $e2e_address ]]; then
      # Seed cases for the timing overlay. `bpm generate` comes with the supervision work; without it the overlay
      # test fails and says so (BPM_E2E_SEEDED=0 and the log), the other tests still run.
      seeded=0
      if BPM_DATABASE="Data Source=$e2e_data/bpm.db" Bpm__DataDirectory="$e2e_data" \
           dotnet engine/Bpm.Server/bin/Debug/net10.0/bpm.dll generate --cases 3000 --seed 1 >"$WORK/e2e-seed.log" 2>&1; then
        seeded=1
      else
        tail -n 20 "$WORK/e2e-seed.log" >&2
        step_failed "seed: bpm generate --cases 3000 --seed 1"
      fi
      rm -rf designer/e2e/screenshots
      (cd designer/e2e && BPM_E2E_SERVER="$e2e_address" BPM_E2E_SEEDED=$seeded BPM_E2E_SEED_LOG="$WORK/e2e-seed.log" \
         node --test --test-concurrency=1 \
              --test-reporter=spec --test-reporter-destination=stdout \
              --test-reporter=tap --test-reporter-destination="$WORK/e2e.tap" tests/) \
        || step_failed "node --test (designer/e2e)"
      if [[ -f $WORK/e2e.tap ]]; then
        add_node_counts "$WORK/e2e.tap"
      fi
      if compgen -G 'designer/e2e/screenshots/*.png' >/dev/null; then
        echo "screenshots:"
        for f in designer/e2e/screenshots/*.png; do echo "  $PWD/$f"; done
      fi
    else
      tail -n 40 "$WORK/e2e-server.log" >&2 || true
      step_failed "server for the browser tests did not start"
    fi
    kill "$e2e_pid" 2>/dev/null || true
    wait "$e2e_pid" 2>/dev/null || true
  fi
fi

# --- summary -------------------------------------------------------------------

echo
if ((${#failed_steps[@]})); then
  printf 'FAILED steps: %s\n' "$(IFS=';'; echo "${failed_steps[*]}")"
fi
summary="$passed passed, $failed failed"
if ((skipped)); then
  summary+=", $skipped skipped"
fi
echo "$summary"

if ((failed > 0 || ${#failed_steps[@]} > 0)); then
  exit 1
fi
