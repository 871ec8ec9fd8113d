# tests/e2e/stack.sh: a whole Larder on this machine, for `./larder demo` and the
# end-to-end tests: a throwaway PostgreSQL, the schema and roles, a demo tenant,
# location and menu, larder-hub, and an enrolled larder-node. Source it, then:
#   stack_start BUILD_DIR WORK_DIR   (sets STACK_* variables; see the end of stack_start)
#   stack_stop                       (stops everything it started, removes WORK_DIR)
# Everything listens on 127.0.0.1 only, on free ports; nothing outlives stack_stop.

STACK_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STACK_TENANT=0190b3c4-0000-7000-8000-000000000001
STACK_LOCATION=0190b3c4-0000-7000-8000-000000000002

stack_log() { printf '[stack] %s\n' "$*" >&2; }

stack_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

stack_wait_http() {  # URL SECONDS
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  stack_log "timed out waiting for $1"
  return 1
}

stack_as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

stack_pg_start() {
  local bin=/usr/lib/postgresql/15/bin
  mkdir -p "$STACK_WORK/pg"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$STACK_WORK/pg" && chmod 755 "$STACK_WORK"
  STACK_PG_PORT=$(stack_free_port)
  stack_as_pg "$bin/initdb" -D "$STACK_WORK/pg/data" -A trust --no-sync -U postgres >/dev/null
  stack_as_pg "$bin/pg_ctl" -D "$STACK_WORK/pg/data" -l "$STACK_WORK/pg/log" -w -o \
    "-c listen_addresses=127.0.0.1 -p $STACK_PG_PORT -k $STACK_WORK/pg -c fsync=off" start >/dev/null
  STACK_PG="host=$STACK_WORK/pg port=$STACK_PG_PORT"
}

stack_pg_stop() {
  [ -n "${STACK_WORK:-}" ] && [ -d "$STACK_WORK/pg/data" ] || return 0
  stack_as_pg /usr/lib/postgresql/15/bin/pg_ctl -D "$STACK_WORK/pg/data" -m immediate stop >/dev/null 2>&1 || true
}

stack_start_hub() {
  "$STACK_BUILD/sync/hub/larder-hub" serve --config "$STACK_WORK/hub.toml" >>"$STACK_WORK/hub.log" 2>&1 &
  STACK_HUB_PID=$!
  stack_wait_http "$STACK_HUB_URL/healthz" 20
}

stack_stop_hub() {
  [ -n "${STACK_HUB_PID:-}" ] || return 0
  kill -TERM "$STACK_HUB_PID" 2>/dev/null || true
  wait "$STACK_HUB_PID" 2>/dev/null || true
  STACK_HUB_PID=
}

stack_start_node() {
  "$STACK_BUILD/node/daemon/larder-node" run --config "$STACK_WORK/node.toml" >>"$STACK_WORK/node.log" 2>&1 &
  STACK_NODE_PID=$!
  stack_wait_http "$STACK_NODE_URL/healthz" 20
}

stack_stop_node() {
  [ -n "${STACK_NODE_PID:-}" ] || return 0
  kill -TERM "$STACK_NODE_PID" 2>/dev/null || true
  wait "$STACK_NODE_PID" 2>/dev/null || true
  STACK_NODE_PID=
}

# Kills the node with SIGKILL (a crash: no shutdown path runs) and reaps it.
stack_kill_node() {
  [ -n "${STACK_NODE_PID:-}" ] || return 0
  kill -KILL "$STACK_NODE_PID" 2>/dev/null || true
  wait "$STACK_NODE_PID" 2>/dev/null || true
  STACK_NODE_PID=
}

stack_start() {  # BUILD_DIR WORK_DIR
  STACK_BUILD="$1"
  STACK_WORK="$2"
  mkdir -p "$STACK_WORK"
  local hub="$STACK_BUILD/sync/hub/larder-hub"
  stack_log "starting PostgreSQL"
  stack_pg_start
  "$hub" init-roles --db "$STACK_PG user=postgres dbname=postgres" >/dev/null
  psql -q "$STACK_PG user=postgres dbname=postgres" -c "CREATE DATABASE larder OWNER larder_owner" >/dev/null
  "$hub" migrate --db "$STACK_PG user=larder_owner dbname=larder" >/dev/null
  STACK_HUB_DB="$STACK_PG user=larder_hub dbname=larder"
  STACK_OWNER_DB="$STACK_PG user=larder_owner dbname=larder"
  stack_log "seeding the demo tenant, location and menu"
  "$hub" tenant add --db "$STACK_HUB_DB" --id "$STACK_TENANT" --name "Larder Burgers" \
    --currency USD --brand-color "#c0392b" >/dev/null
  "$hub" location add --db "$STACK_HUB_DB" --tenant "$STACK_TENANT" --id "$STACK_LOCATION" \
    --name "Main Street" --timezone "${STACK_TZ:-UTC}" --tax-rate-bp 800 >/dev/null
  "$hub" menu import --db "$STACK_HUB_DB" --tenant "$STACK_TENANT" "${STACK_MENU:-$STACK_ROOT/tests/e2e/demo_menu.json}" >/dev/null
  local code
  code=$("$hub" device add --db "$STACK_HUB_DB" --tenant "$STACK_TENANT" --location "$STACK_LOCATION" \
    --name "Kiosk 1" --short-code K1 2>/dev/null)

  STACK_HUB_PORT=$(stack_free_port)
  STACK_HUB_URL="http://127.0.0.1:$STACK_HUB_PORT"
  cat >"$STACK_WORK/hub.toml" <<TOML
[server]
listen_address = "127.0.0.1"
port = $STACK_HUB_PORT
[database]
conninfo = "$STACK_HUB_DB"
[long_poll]
max_wait_ms = 30000
TOML
  stack_log "starting larder-hub on $STACK_HUB_URL"
  stack_start_hub

  STACK_NODE_PORT=${STACK_NODE_PORT:-$(stack_free_port)}
  STACK_NODE_URL="http://127.0.0.1:$STACK_NODE_PORT"
  cat >"$STACK_WORK/node.toml" <<TOML
data_dir = "$STACK_WORK/node-data"
[api]
port = $STACK_NODE_PORT
kiosk_ui_dir = "$STACK_ROOT/kiosk-ui"
[sync]
pull_wait_seconds = 20
backoff_max_ms = ${STACK_BACKOFF_MAX_MS:-2000}
heartbeat_interval_ms = 5000
TOML
  [ -d "$STACK_ROOT/kiosk-ui" ] || sed -i '/kiosk_ui_dir/d' "$STACK_WORK/node.toml"
  "$STACK_BUILD/node/daemon/larder-node" enroll --config "$STACK_WORK/node.toml" \
    --hub "$STACK_HUB_URL" --code "$code" --name "Kiosk 1" >/dev/null
  stack_log "starting larder-node on $STACK_NODE_URL"
  stack_start_node
  local i
  for ((i = 0; i < 100; i++)); do
    curl -fsS -o /dev/null "$STACK_NODE_URL/readyz" 2>/dev/null && return 0
    sleep 0.1
  done
  stack_log "larder-node did not become ready; see $STACK_WORK/node.log"
  return 1
}

stack_stop() {
  stack_stop_node
  stack_stop_hub
  stack_pg_stop
  if [ -n "${STACK_WORK:-}" ] && [ -z "${STACK_KEEP:-}" ]; then rm -rf "$STACK_WORK"; fi
}
