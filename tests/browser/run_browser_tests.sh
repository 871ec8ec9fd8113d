#!/usr/bin/env bash
# Runs the kiosk UI browser tests (kiosk.test.mjs) against a real Larder stack.
#   run_browser_tests.sh BUILD_DIR
# Starts tests/e2e/stack.sh's stack in a temp dir, runs `node --test` with its URLs in
# KIOSK_* variables, and always stops the stack, even on failure or interruption (and,
# through a watchdog, even if this script is killed outright). Screenshots and, on
# failure, the node and hub logs land in BUILD_DIR/test-output/kiosk/.
set -euo pipefail
[ -n "${KIOSK_TRACE:-}" ] && set -x

[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
BUILD="$(cd "$1" && pwd)"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CHROMIUM="${KIOSK_CHROMIUM:-/usr/bin/chromium}"

fail() { echo "[browser] $*" >&2; exit 1; }

[ -x "$CHROMIUM" ] || fail "no Chromium at $CHROMIUM: apt-get install -y chromium (Debian's package; never 'npx playwright install')"
command -v node >/dev/null || fail "node (Node.js) is not installed: apt-get install -y nodejs npm"
for bin in sync/hub/larder-hub node/daemon/larder-node; do
  [ -x "$BUILD/$bin" ] || fail "missing $BUILD/$bin: build it first (cmake --build $BUILD --target larder-hub larder-node)"
done

# playwright-core from the committed lock file, once; serialized between concurrent runs.
if [ ! -f "$HERE/node_modules/playwright-core/package.json" ]; then
  command -v npm >/dev/null || fail "npm is not installed: apt-get install -y npm"
  (
    flock 9
    if [ ! -f "$HERE/node_modules/playwright-core/package.json" ]; then
      echo "[browser] installing playwright-core (npm ci) into $HERE/node_modules" >&2
      (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error) >&2 ||
        fail "npm ci failed in $HERE (is the npm registry reachable?)"
    fi
  ) 9>"/tmp/larder-browser-npm.lock"
fi

OUT="$BUILD/test-output/kiosk"
rm -rf "$OUT"
mkdir -p "$OUT"

# shellcheck source=../e2e/stack.sh
source "$HERE/../e2e/stack.sh"
WORK="$(mktemp -d /tmp/larder-browser.XXXXXX)"
mkdir -p "$WORK/tmp"

WATCHDOG=
TESTS_PID=
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  set +e  # every step of the cleanup runs, whatever an earlier one answered
  if [ -n "$TESTS_PID" ] && kill -0 "$TESTS_PID" 2>/dev/null; then
    kill -TERM "$TESTS_PID" 2>/dev/null  # playwright closes Chromium on SIGTERM
    for _ in $(seq 50); do kill -0 "$TESTS_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$TESTS_PID" 2>/dev/null || true
  fi
  if [ "$rc" -ne 0 ] && [ -d "$WORK" ]; then
    cp "$WORK"/node.log "$WORK"/hub.log "$OUT"/ 2>/dev/null || true
    echo "[browser] failed; node and hub logs copied to $OUT" >&2
  fi
  # The tests may have restarted the hub from stack_ctl.sh: that one is no child of
  # this shell, so stack_stop cannot wait for it; stop it here before the work dir goes.
  local hub_pid=
  [ -f "$WORK/hub.pid" ] && hub_pid="$(cat "$WORK/hub.pid")"
  if [ -n "$hub_pid" ] && [ "$hub_pid" != "${STACK_HUB_PID:-}" ]; then
    kill -TERM "$hub_pid" 2>/dev/null
    for _ in $(seq 100); do [ -e "/proc/$hub_pid" ] || break; sleep 0.1; done
    kill -KILL "$hub_pid" 2>/dev/null
    for _ in $(seq 20); do [ -e "/proc/$hub_pid" ] || break; sleep 0.1; done
  fi
  stack_stop 2>/dev/null
  rm -rf "$WORK" 2>/dev/null || { sleep 1; rm -rf "$WORK"; }
  [ -n "$WATCHDOG" ] && kill "$WATCHDOG" 2>/dev/null
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# If this script dies without running cleanup (SIGKILL from a timeout), stop the stack anyway.
(
  trap '' INT TERM HUP
  parent=$$
  while [ -e "/proc/$parent" ] && [ -d "$WORK" ]; do sleep 1; done
  [ -d "$WORK" ] || exit 0
  for f in "$WORK"/hub.pid "$WORK"/node.pid; do kill -KILL "$(cat "$f" 2>/dev/null)" 2>/dev/null || true; done
  stack_as_pg /usr/lib/postgresql/15/bin/pg_ctl -D "$WORK/pg/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
) >/dev/null 2>&1 &
WATCHDOG=$!

stack_start "$BUILD" "$WORK"
echo "$STACK_HUB_PID" >"$WORK/hub.pid"
echo "$STACK_NODE_PID" >"$WORK/node.pid"

export KIOSK_URL="$STACK_NODE_URL"
export KIOSK_HUB_DB="$STACK_HUB_DB"
export KIOSK_TENANT="$STACK_TENANT"
export KIOSK_HUB_BIN="$BUILD/sync/hub/larder-hub"
export KIOSK_DEMO_MENU="$STACK_ROOT/tests/e2e/demo_menu.json"
export KIOSK_SCREENSHOTS="$OUT"
export KIOSK_CHROMIUM="$CHROMIUM"
export KIOSK_CTL="$HERE/stack_ctl.sh"
export KIOSK_WORK="$WORK"
export STACK_WORK STACK_BUILD STACK_HUB_URL
export TMPDIR="$WORK/tmp"  # Chromium's profile and the tests' menu copies go with the stack

cd "$HERE"
# In the background so a TERM or INT reaches the traps at once (bash runs traps only
# between commands, and `wait` is interruptible where a foreground child is not).
node --test --test-concurrency=1 --test-reporter=spec "$HERE/kiosk.test.mjs" &
TESTS_PID=$!
wait "$TESTS_PID"
