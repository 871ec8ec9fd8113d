#!/usr/bin/env bash
# cross/figures.sh X86_BUILD_DIR [AARCH64_BUILD_DIR] [ORDERS]: the figures of cross/FIGURES.md.
#   - the stripped aarch64 larder-node: size and shared libraries (readelf -d)
#   - storage writes per order on an x86 node (tests/e2e/stack.sh: PostgreSQL, hub, node):
#     ORDERS orders (default 300) placed one at a time through the node's API, each
#     acknowledged only once durable; measured from a checkpointed start (node restarted)
#     to a checkpointed end (node stopped with SIGTERM: SQLite checkpoints the WAL on close):
#       write_bytes  /proc/<pid>/io: bytes the node sent towards the disk (WAL, database,
#                    checkpoints, credentials), for the orders and their push to the hub
#       wchar        bytes passed to write(2) (includes the log)
#       data dir     growth of the data folder (database + WAL) after the checkpoint
#     three times: online (hub up: each order is also pushed and marked sent), offline
#     (hub stopped: orders only queue), and offline with an Idempotency-Key on every order
#     (a random UUIDv4, as the kiosk UI sends: one more index leaf, anywhere in the index).
# Reproduce: ./larder cross figures   (or: cross/figures.sh build build-aarch64 300)
set -euo pipefail
X86="$(cd "${1:?usage: figures.sh X86_BUILD_DIR [AARCH64_BUILD_DIR] [ORDERS]}" && pwd)"
ARM="${2:-}"
N="${3:-300}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if [ -n "$ARM" ] && [ -x "$ARM/node/daemon/larder-node" ]; then
  bin="$ARM/node/daemon/larder-node"
  aarch64-linux-gnu-strip -o "$bin.stripped" "$bin"
  size=$(stat -c %s "$bin.stripped")
  echo "### aarch64 larder-node"
  echo
  echo "| binary | bytes | MiB |"
  echo "| --- | ---: | ---: |"
  printf '| larder-node (aarch64, Release -O2, stripped) | %d | %.2f |\n' "$size" "$(echo "$size / 1048576" | bc -l)"
  printf '| larder-node (aarch64, unstripped) | %d | %.2f |\n' "$(stat -c %s "$bin")" "$(echo "$(stat -c %s "$bin") / 1048576" | bc -l)"
  echo
  echo "Shared libraries (readelf -d, NEEDED): $(readelf -d "$bin.stripped" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p' | tr '\n' ' ')"
  echo
fi

# shellcheck source=../tests/e2e/stack.sh
source "$ROOT/tests/e2e/stack.sh"
work="$(mktemp -d /tmp/larder-figures.XXXXXX)"
chmod 755 "$work"  # PostgreSQL runs as postgres under it
MEASURED_REAPER=
trap '[ -n "$MEASURED_REAPER" ] && kill -TERM "$(cat "$work/io.pid" 2>/dev/null)" 2>/dev/null; stack_stop; rm -rf "$work"' EXIT
stack_start "$X86" "$work/stack" >/dev/null || { cat "$work/stack/node.log" >&2; exit 1; }
data="$STACK_WORK/node-data"
item="$(curl -fsS "$STACK_NODE_URL/api/v1/tenants/$STACK_TENANT/menu" | python3 -c '
import json, sys
def items(x):
    if isinstance(x, dict):
        if "price_minor" in x and "id" in x and x.get("available", True): yield x["id"]
        for v in x.values(): yield from items(v)
    elif isinstance(x, list):
        for v in x: yield from items(v)
print(next(items(json.load(sys.stdin))))')"

io() { awk -v k="$2" '$1 == k":" {print $2}' "/proc/$1/io"; }
placed=0
keyed=  # set: every order carries an Idempotency-Key
place() {
  local i key=()
  placed=$((placed + $1))
  for ((i = 0; i < $1; i++)); do
    [ -n "$keyed" ] && key=(-H "Idempotency-Key: $(cat /proc/sys/kernel/random/uuid)")
    curl -fsS -o /dev/null -X POST -H 'Content-Type: application/json' "${key[@]}" \
      -d "{\"lines\":[{\"item_id\":\"$item\",\"quantity\":1}]}" \
      "$STACK_NODE_URL/api/v1/tenants/$STACK_TENANT/orders"
  done
}
central_orders() {
  printf "BEGIN;\nSELECT set_config('larder.tenant_id', '%s', true) AS scoped \\gset\nSELECT count(*) FROM orders;\nCOMMIT;\n" \
    "$STACK_TENANT" | psql -X -q -A -t -v ON_ERROR_STOP=1 "$STACK_HUB_DB" -f - 2>/dev/null || echo 0
}

# Starts larder-node under a reaper that, once the node has exited, reads its
# /proc/PID/io before reaping it: a node reaped by the shell the moment it
# exits takes its final counters (the checkpoint at close) with it.
start_measured_node() {  # IO_FILE
  rm -f "$1" "$1.pid"
  python3 - "$1" "$STACK_BUILD/node/daemon/larder-node" run --config "$STACK_WORK/node.toml" \
    >>"$STACK_WORK/node.log" 2>&1 <<'PY' &
import os, subprocess, sys
out = sys.argv[1]
node = subprocess.Popen(sys.argv[2:], stdin=subprocess.DEVNULL)
with open(out + ".pid.tmp", "w") as f:
    f.write(str(node.pid))
os.rename(out + ".pid.tmp", out + ".pid")
os.waitid(os.P_PID, node.pid, os.WEXITED | os.WNOWAIT)  # exited, not yet reaped
with open(f"/proc/{node.pid}/io") as f:
    counters = f.read()
with open(out + ".tmp", "w") as f:
    f.write(counters)
os.rename(out + ".tmp", out)
node.wait()
PY
  MEASURED_REAPER=$!
  local i
  for ((i = 0; i < 100; i++)); do [ -f "$1.pid" ] && break; sleep 0.1; done
  MEASURED_PID=$(cat "$1.pid")
  stack_wait_http "$STACK_NODE_URL/healthz" 20
}

measure() {  # MODE(online|offline|offline-keyed)
  [ "$1" = offline-keyed ] && keyed=1
  place 20  # warm up: tables and indexes past their first pages
  stack_stop_node
  [ "$1" != online ] && stack_stop_hub
  local du0; du0=$(du -sb "$data" | cut -f1)
  start_measured_node "$work/io"
  local pid=$MEASURED_PID
  sleep 1
  local w0 c0; w0=$(io "$pid" write_bytes); c0=$(io "$pid" wchar)
  place "$N"
  if [ "$1" = online ]; then
    local i
    for ((i = 0; i < 600; i++)); do [ "$(central_orders)" -ge "$placed" ] && break; sleep 0.1; done
    sleep 1  # the push's acknowledgement is written after the hub's answer
  fi
  local du1; du1=$(du -sb "$data" | cut -f1)
  kill -TERM "$pid"
  wait "$MEASURED_REAPER" || true
  MEASURED_REAPER=
  local w c
  w=$(awk '$1 == "write_bytes:" {print $2}' "$work/io")
  c=$(awk '$1 == "wchar:" {print $2}' "$work/io")
  local du2; du2=$(du -sb "$data" | cut -f1)
  printf '| %s | %d | %d | %d | %d | %d |\n' "$1" "$N" $(((w - w0) / N)) $(((c - c0) / N)) \
    $(((du1 - du0) / N)) $(((du2 - du0) / N))
  [ "$1" != online ] && stack_start_hub >/dev/null
  keyed=
  stack_start_node >/dev/null
}

echo "### Storage writes per order (x86 node, $(nproc) cores, $(df -PT "$data" | awk 'NR==2 {print $2}') file system)"
echo
echo "| hub | orders | write_bytes / order | wchar / order | data dir growth / order, WAL not checkpointed | data dir growth / order, after checkpoint |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
measure online
measure offline
measure offline-keyed
