#!/usr/bin/env bash
# stack_ctl.sh stop_hub|start_hub: lets kiosk.test.mjs stop and restart the stack's
# larder-hub (tests/e2e/stack.sh) from outside the shell that started it. The hub's
# pid is kept in $STACK_WORK/hub.pid, where run_browser_tests.sh finds it to stop it.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../e2e/stack.sh
source "$HERE/../e2e/stack.sh"
: "${STACK_WORK:?}" "${STACK_BUILD:?}" "${STACK_HUB_URL:?}"
PIDFILE="$STACK_WORK/hub.pid"

# A killed child of another shell stays a zombie until that shell reaps it.
alive() { [ -e "/proc/$1" ] && ! grep -q '^[0-9]* (.*) Z' "/proc/$1/stat" 2>/dev/null; }

case "${1:-}" in
  stop_hub)
    STACK_HUB_PID="$(cat "$PIDFILE" 2>/dev/null || true)"
    pid="$STACK_HUB_PID"
    stack_stop_hub 2>/dev/null
    if [ -n "$pid" ]; then
      for _ in $(seq 100); do alive "$pid" || break; sleep 0.1; done
      if alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
    fi
    : >"$PIDFILE"
    ;;
  start_hub)
    stack_start_hub
    echo "$STACK_HUB_PID" >"$PIDFILE"
    ;;
  *)
    echo "usage: $0 stop_hub|start_hub" >&2
    exit 2
    ;;
esac
