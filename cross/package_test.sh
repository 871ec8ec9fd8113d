#!/usr/bin/env bash
# cross/package_test.sh BUILD_DIR [ARM64_BUILD_DIR]: checks the .deb packages and systemd units.
#   1. cpack in BUILD_DIR (amd64: larder-node, larder-hub) and ARM64_BUILD_DIR (larder-node arm64)
#   2. the packages' contents, architectures and conffiles
#   3. systemd-analyze verify on the installed units (any warning fails)
#   4. installs larder-node and larder-hub into a scratch root (dpkg --root with its own
#      database, maintainer scripts run chrootless with DPKG_ROOT), runs the installed node
#      with the packaged config and kiosk UI, then remove (conffiles, master key and state stay)
#      and purge (all gone).
# Prints "N passed, 0 failed" at the end; exits non-zero on the first failure.
set -euo pipefail

BUILD="$(cd "${1:?usage: package_test.sh BUILD_DIR [ARM64_BUILD_DIR]}" && pwd)"
ARM="${2:-}"
passed=0
ok() { passed=$((passed + 1)); printf '[package] ok: %s\n' "$*"; }
fail() { printf '[package] FAILED: %s\n' "$*" >&2; printf '%d passed, 1 failed\n' "$passed"; exit 1; }

scratch="$(mktemp -d /tmp/larder-package-test.XXXXXX)"
node_pid=
cleanup() {
  [ -n "$node_pid" ] && { kill "$node_pid" 2>/dev/null || true; wait "$node_pid" 2>/dev/null || true; }
  rm -rf "$scratch"
}
trap cleanup EXIT

# --- 1. build the packages ------------------------------------------------------------
[ -f "$BUILD/CPackConfig.cmake" ] || fail "$BUILD has no CPackConfig.cmake: CMakeLists.txt must include cross/Packaging.cmake (see cross/README.md)"
out="$BUILD/packages"
mkdir -p "$out"
rm -f "$out"/*.deb
(cd "$BUILD" && cpack -G DEB -B "$out" >"$out/cpack.log" 2>&1) || { cat "$out/cpack.log" >&2; fail "cpack in $BUILD"; }
node_deb="$(ls "$out"/larder-node_*_amd64.deb 2>/dev/null | head -1)"
hub_deb="$(ls "$out"/larder-hub_*_amd64.deb 2>/dev/null | head -1)"
[ -f "$node_deb" ] && [ -f "$hub_deb" ] || fail "cpack made no amd64 larder-node/larder-hub .deb: $(ls "$out")"
ok "cpack: $(basename "$node_deb") $(basename "$hub_deb")"
if [ -n "$ARM" ]; then
  mkdir -p "$ARM/packages"
  rm -f "$ARM"/packages/*.deb
  (cd "$ARM" && cpack -G DEB -B "$ARM/packages" >"$ARM/packages/cpack.log" 2>&1) \
    || { cat "$ARM/packages/cpack.log" >&2; fail "cpack in $ARM"; }
  arm_deb="$(ls "$ARM"/packages/larder-node_*_arm64.deb 2>/dev/null | head -1)"
  [ -f "$arm_deb" ] || fail "cpack made no arm64 larder-node .deb: $(ls "$ARM/packages")"
  [ "$(dpkg-deb -f "$arm_deb" Architecture)" = arm64 ] || fail "$arm_deb is not Architecture: arm64"
  dpkg-deb -x "$arm_deb" "$scratch/arm64"
  readelf -h "$scratch/arm64/usr/bin/larder-node" | grep -q 'Machine:.*AArch64' \
    || fail "the arm64 package's larder-node is not an AArch64 ELF"
  ok "arm64: $(basename "$arm_deb") ($(stat -c %s "$arm_deb") bytes), Depends: $(dpkg-deb -f "$arm_deb" Depends)"
fi

# --- 2. contents -----------------------------------------------------------------------
contents="$(dpkg-deb -c "$node_deb")"
for f in ./usr/bin/larder-node ./etc/larder/larder-node.toml ./usr/lib/systemd/system/larder-node.service \
         ./usr/share/larder-node/kiosk-ui/; do
  grep -q " $f\$\| $f -> " <<<"$contents" || fail "larder-node .deb lacks $f"
done
[ -z "$(ls "${ROOT_SRC:-$(dirname "$0")/..}/kiosk-ui" 2>/dev/null)" ] \
  || grep -q './usr/share/larder-node/kiosk-ui/index.html' <<<"$contents" || fail "the kiosk UI's index.html is not packaged"
[ "$(dpkg-deb -I "$node_deb" conffiles)" = /etc/larder/larder-node.toml ] || fail "larder-node conffiles: $(dpkg-deb -I "$node_deb" conffiles)"
[ "$(dpkg-deb -I "$hub_deb" conffiles)" = /etc/larder/larder-hub.toml ] || fail "larder-hub conffiles: $(dpkg-deb -I "$hub_deb" conffiles)"
dpkg-deb -f "$node_deb" Depends | grep -q libssl3 || fail "larder-node Depends lacks libssl3: $(dpkg-deb -f "$node_deb" Depends)"
ok "contents and conffiles; larder-node Depends: $(dpkg-deb -f "$node_deb" Depends)"

# --- 4a. install into a scratch root ---------------------------------------------------------
R="$scratch/root"
mkdir -p "$R/var/lib/dpkg/info" "$R/var/lib/dpkg/updates" "$R/etc/larder"
touch "$R/var/lib/dpkg/status" "$R/var/lib/dpkg/available"
# Dependencies are the real system's business; scripts run here, not in a chroot, and are
# told the root by $DPKG_ROOT (they skip adduser and systemctl there).
DPKG=(dpkg --root="$R" --force-script-chrootless --force-depends --force-not-root --log=/dev/null)
"${DPKG[@]}" -i "$node_deb" "$hub_deb" >"$scratch/dpkg-install.log" 2>&1 || { cat "$scratch/dpkg-install.log" >&2; fail "dpkg -i into $R"; }
for f in usr/bin/larder-node usr/bin/larder-hub etc/larder/larder-node.toml etc/larder/larder-hub.toml \
         usr/lib/systemd/system/larder-node.service usr/lib/systemd/system/larder-hub.service; do
  [ -e "$R/$f" ] || fail "installed root lacks /$f"
done
key="$R/etc/larder/master.key"
[ -f "$key" ] && [ "$(stat -c %s "$key")" = 32 ] && [ "$(stat -c %a "$key")" = 600 ] \
  || fail "postinst did not make a 32-byte 0600 master key: $(ls -l "$key" 2>&1)"
key_sum="$(sha256sum "$key" | cut -d' ' -f1)"
ok "installed into a scratch root; postinst made /etc/larder/master.key (32 bytes, 0600)"

# --- 3. systemd-analyze verify on the installed units ---------------------------------------
# verify checks that ExecStart= exists on this machine, so the units are checked with their
# binaries' paths moved into the scratch root; any message (systemd-analyze exits 0 on
# "ignoring" parse warnings) is a failure.
if command -v systemd-analyze >/dev/null; then
  mkdir -p "$scratch/verify"
  for u in larder-node larder-hub; do
    sed "s|/usr/bin/|$R/usr/bin/|" "$R/usr/lib/systemd/system/$u.service" >"$scratch/verify/$u.service"
  done
  msgs="$(systemd-analyze verify "$scratch/verify/larder-node.service" "$scratch/verify/larder-hub.service" 2>&1)" \
    || fail "systemd-analyze verify: $msgs"
  [ -z "$msgs" ] || fail "systemd-analyze verify reported: $msgs"
  exposure="$(systemd-analyze security --offline=yes "$scratch/verify/larder-node.service" 2>/dev/null | sed -n 's/.*Overall exposure level for [^:]*: //p')"
  ok "systemd-analyze verify: both units clean (larder-node exposure: ${exposure:-n/a})"
else
  echo "[package] systemd-analyze is not installed: units not verified" >&2
fi
grep -qx 'WatchdogSec=.*' "$R/usr/lib/systemd/system/larder-node.service" || fail "larder-node.service has no WatchdogSec"
! grep -q '^WatchdogSec=' "$R/usr/lib/systemd/system/larder-hub.service" || fail "larder-hub.service has WatchdogSec but the hub sends no WATCHDOG=1"
for d in Type=notify StateDirectory=larder-node LoadCredential=master.key:/etc/larder/master.key \
         ProtectSystem=strict NoNewPrivileges=yes PrivateTmp=yes User=larder-node; do
  grep -qx "$d" "$R/usr/lib/systemd/system/larder-node.service" || fail "larder-node.service lacks $d"
done
ok "unit settings (Type=notify, WatchdogSec on the node only, StateDirectory, LoadCredential, sandbox)"

# --- 4b. the installed node runs with the packaged config and serves the packaged kiosk UI ---
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
sed -e "s|^#data_dir = .*|data_dir = \"$scratch/state\"|" -e "s|^#port = .*|port = $port|" \
    -e "s|^kiosk_ui_dir = \"|kiosk_ui_dir = \"$R|" "$R/etc/larder/larder-node.toml" >"$scratch/node.toml"
mkdir -p "$scratch/creds" && cp "$key" "$scratch/creds/master.key"
CREDENTIALS_DIRECTORY="$scratch/creds" "$R/usr/bin/larder-node" run --config "$scratch/node.toml" >"$scratch/node.log" 2>&1 &
node_pid=$!
for ((i = 0; i < 100; i++)); do curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && break; sleep 0.1; done
curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" || { cat "$scratch/node.log" >&2; fail "the installed larder-node did not answer /healthz with the packaged config"; }
if [ -f "$R/usr/share/larder-node/kiosk-ui/index.html" ]; then
  curl -fsS "http://127.0.0.1:$port/" | cmp -s - "$R/usr/share/larder-node/kiosk-ui/index.html" \
    || fail "the installed larder-node does not serve the packaged kiosk UI at /"
fi
kill "$node_pid"; wait "$node_pid" 2>/dev/null || true; node_pid=
ok "the installed larder-node runs with the packaged config and serves the kiosk UI"

# --- 4c. remove keeps configuration, key and state; purge deletes them ---------------------------
echo "# edited by the administrator" >>"$R/etc/larder/larder-node.toml"
mkdir -p "$R/var/lib/larder-node" && echo data >"$R/var/lib/larder-node/tenant.db"  # what systemd's StateDirectory= holds
"${DPKG[@]}" -r larder-node larder-hub >"$scratch/dpkg-remove.log" 2>&1 || { cat "$scratch/dpkg-remove.log" >&2; fail "dpkg -r"; }
for f in usr/bin/larder-node usr/bin/larder-hub usr/lib/systemd/system/larder-node.service usr/share/larder-node/kiosk-ui; do
  [ ! -e "$R/$f" ] || fail "dpkg -r left /$f"
done
grep -q 'edited by the administrator' "$R/etc/larder/larder-node.toml" || fail "dpkg -r lost the edited conffile"
[ -f "$R/etc/larder/larder-hub.toml" ] || fail "dpkg -r removed the hub's conffile"
[ "$(sha256sum "$key" | cut -d' ' -f1)" = "$key_sum" ] || fail "dpkg -r changed or removed the master key"
[ -f "$R/var/lib/larder-node/tenant.db" ] || fail "dpkg -r removed the state directory"
dpkg --root="$R" -s larder-node 2>/dev/null | grep -q '^Status: deinstall ok config-files' || fail "larder-node is not in config-files state after remove"
ok "remove: binaries, unit and UI gone; conffiles (with edits), master key, state dir kept"

# Reinstall over the kept files: the same key, the edited conffile untouched.
"${DPKG[@]}" --force-confold -i "$node_deb" >"$scratch/dpkg-reinstall.log" 2>&1 || { cat "$scratch/dpkg-reinstall.log" >&2; fail "dpkg -i again"; }
[ "$(sha256sum "$key" | cut -d' ' -f1)" = "$key_sum" ] || fail "a reinstall replaced the master key (the tenants' data would be lost)"
grep -q 'edited by the administrator' "$R/etc/larder/larder-node.toml" || fail "a reinstall overwrote the edited conffile"
ok "reinstall: same master key, edited conffile kept"

"${DPKG[@]}" -P larder-node larder-hub >"$scratch/dpkg-purge.log" 2>&1 || { cat "$scratch/dpkg-purge.log" >&2; fail "dpkg -P"; }
for f in etc/larder/larder-node.toml etc/larder/larder-hub.toml etc/larder/master.key var/lib/larder-node etc/larder; do
  [ ! -e "$R/$f" ] || fail "dpkg -P left /$f"
done
[ -z "$(dpkg --root="$R" -l 2>/dev/null | grep -E '^.. +larder-')" ] || fail "dpkg still lists larder packages after purge"
ok "purge: conffiles, master key, state dir and /etc/larder gone"

printf '%d passed, 0 failed\n' "$passed"
