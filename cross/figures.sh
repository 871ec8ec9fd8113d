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
#     twice: online (hub up: each order is also pushed and marked sent) and offline (hub
#     stopped: orders only queue).
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
trap 'stack_stop; rm -rf "$work"' EXIT
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
place() {
  local i
  placed=$((placed + $1))
  for ((i = 0; i < $1; i++)); do
    curl -fsS -o /dev/null -X POST -H 'Content-Type: application/json' \
      -d "{\"lines\":[{\"item_id\":\"$item\",\"quantity\":1}]}" \
      "$STACK_NODE_URL/api/v1/tenants/$STACK_TENANT/orders"
  done
}
central_orders() {
  printf "BEGIN;\nSELECT set_config('larder.tenant_id', '%s', true) AS scoped \\gset\nSELECT count(*) FROM orders;\nCOMMIT;\n" \
    "$STACK_TENANT" | psql -X -q -A -t -v ON_ERROR_STOP=1 "$STACK_HUB_DB" -f - 2>/dev/null || echo 0
}

measure() {  # MODE(online|offline)
  place 20  # warm up: tables and indexes past their first pages
  stack_stop_node
  [ "$1" = offline ] && stack_stop_hub
  local du0; du0=$(du -sb "$data" | cut -f1)
  stack_start_node >/dev/null
  local pid=$STACK_NODE_PID
  # The wrapper-less node: STACK_NODE_PID is larder-node itself.
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
  local w=$w0 c=$c0 v
  while v=$(io "$pid" write_bytes 2>/dev/null) && [ -n "$v" ]; do
    w=$v; c=$(io "$pid" wchar 2>/dev/null || echo "$c"); sleep 0.02
  done
  wait "$pid" 2>/dev/null || true
  STACK_NODE_PID=
  local du2; du2=$(du -sb "$data" | cut -f1)
  printf '| %s | %d | %d | %d | %d | %d |\n' "$1" "$N" $(((w - w0) / N)) $(((c - c0) / N)) \
    $(((du1 - du0) / N)) $(((du2 - du0) / N))
  [ "$1" = offline ] && stack_start_hub >/dev/null
  stack_start_node >/dev/null
}

echo "### Storage writes per order (x86 node, $(nproc) cores, $(df -PT "$data" | awk 'NR==2 {print $2}') file system)"
echo
echo "| hub | orders | write_bytes / order | wchar / order | data dir growth / order, WAL not checkpointed | data dir growth / order, after checkpoint |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
measure online
measure offline
