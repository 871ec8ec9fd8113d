# cross/larder-cross.sh: the ARM builds, their tests under qemu-user, and the .deb packages.
# Sourced by ./larder (which defines ROOT, CACHE, BUILD, JOBS, SQLCIPHER_DIR, log, die,
# as_root, deps_sqlcipher, build_dir); `./larder cross help` lists the commands.
#
# Where the target's libraries come from:
#   aarch64: Debian multiarch (dpkg --add-architecture arm64; apt-get install libssl-dev:arm64 ...),
#            installed once; if apt cannot (the arm64 index lagging amd64's makes the Multi-Arch:
#            same versions differ), the private sysroot below instead.
#   armhf:   a private sysroot, $CACHE/cross/sysroot-armhf: the .debs fetched with apt-get download
#            through a private apt state (the system's dpkg is not told about armhf, so a stale
#            armhf index on the mirror cannot break anyone's apt-get update) and unpacked with
#            dpkg-deb -x. Built once; rebuilt when the package list below changes.
# Build dirs: $BUILD-aarch64 and $BUILD-armhf (Release), configured once, then incremental.

# The node's libraries (the -dev packages; their runtime packages come as dependencies).
CROSS_DEV_PACKAGES=(libssl-dev libcpp-httplib-dev libspdlog-dev libfmt-dev libtomlplusplus-dev
  libhowardhinnant-date-dev libsystemd-dev)
# Dependencies a sysroot does not need: the C library's -dev side comes with the cross
# compiler (and its libc.so linker script names absolute paths that would point at the build
# machine), and the rest are tools, not libraries.
CROSS_SYSROOT_SKIP='^(libc6-dev|libc-dev-bin|linux-libc-dev|libcrypt-dev|libnsl-dev|libtirpc-dev|libtirpc-common|rpcsvc-proto|catch2|cdebconf|debconf|dpkg|install-info|tar|tzdata|readline-common|libreadline8|libtinfo6|libnewt0.52|libslang2|libtextwrap1|libdebian-installer4|libselinux1|libpcre2-8-0)$'

# The node's unit tests that run under qemu (all of them but none of the hub's).
CROSS_TESTS='^(base_test|storage_test|storage_power_loss_test|pricing_test|menu_test|node_core_test|sync_protocol_test|sync_client_test|node_api_test|node_api_server_test|node_daemon_test)$'
CROSS_TEST_TARGETS=(base_test storage_test storage_power_loss_test pricing_test menu_test node_core_test
  sync_protocol_test sync_client_test node_api_test node_api_server_test node_daemon_test)

cross_arch() {  # ARCH: sets CROSS_ARCH CROSS_TRIPLET CROSS_DEB_ARCH CROSS_QEMU
  case "$1" in
    aarch64|arm64) CROSS_ARCH=aarch64 CROSS_TRIPLET=aarch64-linux-gnu CROSS_DEB_ARCH=arm64 CROSS_QEMU=qemu-aarch64 ;;
    armhf|arm|armv7) CROSS_ARCH=armhf CROSS_TRIPLET=arm-linux-gnueabihf CROSS_DEB_ARCH=armhf CROSS_QEMU=qemu-arm ;;
    *) die "unknown target '$1' (aarch64 or armhf)" ;;
  esac
}

cross_installed() {  # PKG...: true when every package is installed
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || return 1
  done
}

cross_apt_install() {  # PKG...
  cross_installed "$@" && return 0
  log "installing Debian packages: $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
    --no-install-recommends "$@" >/dev/null
}

cross_sysroot_dir() { echo "$CACHE/cross/sysroot-$CROSS_DEB_ARCH"; }

# cross_sysroot: the target's libraries unpacked into a private folder (see the top).
cross_sysroot() {
  local sysroot; sysroot="$(cross_sysroot_dir)"
  local stamp="$sysroot/.larder-sysroot"
  local want="${CROSS_DEV_PACKAGES[*]}"
  if [ -f "$stamp" ] && [ "$(head -1 "$stamp")" = "$want" ]; then return 0; fi
  log "building a private $CROSS_DEB_ARCH sysroot in $sysroot (once)"
  local apt="$CACHE/cross/apt-$CROSS_DEB_ARCH"
  mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/debs"
  touch "$apt/status"
  local opts=(-o "APT::Architecture=$CROSS_DEB_ARCH" -o "APT::Architectures::=$CROSS_DEB_ARCH"
    -o "Dir::State::Lists=$apt/lists" -o "Dir::State::status=$apt/status" -o "Dir::Cache=$apt/cache"
    -o "APT::Sandbox::User=root")
  # A stale index (the security suite for armhf was) fails `update` while the main suite's
  # index is fine: go on with what was fetched, as long as something was.
  apt-get "${opts[@]}" update -qq >"$apt/update.log" 2>&1 || log "apt-get update for $CROSS_DEB_ARCH reported errors (see $apt/update.log); using the indexes it got"
  ls "$apt"/lists/*_Packages* >/dev/null 2>&1 || die "no $CROSS_DEB_ARCH package index could be fetched (see $apt/update.log)"
  local pkgs
  pkgs=$(apt-cache "${opts[@]}" depends --recurse --no-recommends --no-suggests --no-conflicts \
    --no-breaks --no-replaces --no-enhances "${CROSS_DEV_PACKAGES[@]}" 2>/dev/null \
    | grep -E '^[a-z0-9]' | sort -u | grep -vE "$CROSS_SYSROOT_SKIP") \
    || die "could not resolve the $CROSS_DEB_ARCH dependencies of ${CROSS_DEV_PACKAGES[*]}"
  # shellcheck disable=SC2086
  (cd "$apt/debs" && rm -f ./*.deb && apt-get "${opts[@]}" download -qq $pkgs >/dev/null) \
    || die "apt-get download of the $CROSS_DEB_ARCH packages failed: $pkgs"
  rm -rf "$sysroot.new"
  mkdir -p "$sysroot.new"
  local deb
  for deb in "$apt"/debs/*.deb; do dpkg-deb -x "$deb" "$sysroot.new"; done
  # Absolute symlinks (e.g. a -dev package's lib.so -> /lib/...) must point inside the sysroot.
  local link target
  while IFS= read -r link; do
    target="$(readlink "$link")"
    case "$target" in /*) ln -sfn "$sysroot$target" "$link" ;; esac
  done < <(find "$sysroot.new" -type l)
  { echo "$want"; echo "$pkgs" | tr '\n' ' '; echo; } >"$sysroot.new/.larder-sysroot"
  rm -rf "$sysroot"
  mv "$sysroot.new" "$sysroot"
}

# cross_deps ARCH: compilers, qemu, and the target's libraries (multiarch or sysroot).
# Sets CROSS_SYSROOT (empty for multiarch).
cross_deps() {
  cross_arch "$1"
  deps_sqlcipher
  cross_apt_install "g++-$CROSS_TRIPLET" qemu-user cmake ninja-build pkg-config \
    nlohmann-json3-dev libboost-dev doctest-dev libcli11-dev
  CROSS_SYSROOT=""
  if [ "$CROSS_ARCH" = aarch64 ] && [ -z "${LARDER_CROSS_SYSROOT_ONLY:-}" ]; then
    local multi=()
    local p
    for p in "${CROSS_DEV_PACKAGES[@]}"; do multi+=("$p:$CROSS_DEB_ARCH"); done
    if cross_installed "${multi[@]}"; then return 0; fi
    if ! dpkg --print-foreign-architectures | grep -qx "$CROSS_DEB_ARCH"; then
      as_root dpkg --add-architecture "$CROSS_DEB_ARCH"
      as_root apt-get -o DPkg::Lock::Timeout=600 update -qq || true
    fi
    if cross_apt_install "${multi[@]}"; then return 0; fi
    log "multiarch apt could not install the $CROSS_DEB_ARCH libraries; using a private sysroot"
  fi
  cross_sysroot
  CROSS_SYSROOT="$(cross_sysroot_dir)"
}

cross_cached_sysroot() {  # BUILD_DIR: the sysroot it was configured with ("" for multiarch)
  sed -n 's/^LARDER_CROSS_SYSROOT:[A-Z]*=//p' "$1/CMakeCache.txt" 2>/dev/null | head -1
}

cross_build_dir() { echo "${BUILD}-$CROSS_ARCH"; }

# cross_build ARCH [TARGET...]: configure once (Release at -O2, node only), then build the
# targets (default: larder-node). -O2, not CMake's -O3: a smaller binary for the boards' flash,
# and g++ 12 at -O3 reports a false -Wrestrict inside libstdc++'s std::string for aarch64
# (GCC bug 105329), which -Werror turns into a failed build.
cross_build() {
  cross_deps "$1"; shift
  local dir; dir="$(cross_build_dir)"
  # Reconfigure when the library source changed (multiarch <-> sysroot).
  if [ -f "$dir/CMakeCache.txt" ] && [ "$(cross_cached_sysroot "$dir")" != "$CROSS_SYSROOT" ]; then
    log "the $CROSS_ARCH libraries moved (multiarch <-> sysroot): reconfiguring $dir"
    rm -rf "$dir"
  fi
  grep -q 'cross/NodeOnly.cmake' "$ROOT/CMakeLists.txt" \
    || die "CMakeLists.txt does not include cross/NodeOnly.cmake: the cross build needs LARDER_NODE_ONLY (see cross/README.md)"
  if [ ! -f "$dir/build.ninja" ]; then
    log "configuring the $CROSS_ARCH build in $dir"
    cmake -S "$ROOT" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release "${CMAKE_LAUNCHER[@]}" \
      -DCMAKE_TOOLCHAIN_FILE="$ROOT/cross/toolchain-$CROSS_ARCH.cmake" \
      -DLARDER_CROSS_SYSROOT:PATH="$CROSS_SYSROOT" -DLARDER_NODE_ONLY=ON \
      -DCMAKE_C_FLAGS_RELEASE="-O2 -DNDEBUG" -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" \
      -DLARDER_SQLCIPHER_DIR="$SQLCIPHER_DIR" >/dev/null
  fi
  log "building $CROSS_ARCH: ${*:-larder-node}"
  cmake --build "$dir" -j "$JOBS" --target "${@:-larder-node}"
}

# cross_unit_tests ARCH: the node's unit tests, cross-built, run by ctest under qemu.
cross_unit_tests() {
  [ "$1" = armhf ] && { cross_arm_tests; return; }  # all but pricing_test (see cross_arm_tests)
  cross_build "$1" larder-node "${CROSS_TEST_TARGETS[@]}"
  local dir; dir="$(cross_build_dir)"
  log "running the node's unit tests for $CROSS_ARCH under $CROSS_QEMU"
  (cd "$dir" && ctest --output-on-failure -j "$JOBS" -R "$CROSS_TESTS")
}

# cross_smoke X86_BUILD ARCH: the cross-built larder-node, run by qemu, against the x86 hub
# and PostgreSQL of tests/e2e/stack.sh: enroll, pull the menu, place an order, see it in
# PostgreSQL. stack.sh runs $BUILD/node/daemon/larder-node, so it gets a build folder whose
# hub is the x86 one and whose node is a qemu wrapper around the ARM binary.
cross_smoke() {
  local x86="$1"; cross_arch "$2"
  local arm; arm="$(cross_build_dir)/node/daemon/larder-node"
  [ -x "$x86/sync/hub/larder-hub" ] || die "no x86 larder-hub in $x86"
  [ -x "$arm" ] || die "no $CROSS_ARCH larder-node at $arm (./larder cross $CROSS_ARCH)"
  local qemu_l; qemu_l="$(cross_cached_sysroot "$(cross_build_dir)")"
  (
    set -euo pipefail
    local work; work="$(mktemp -d /tmp/larder-cross-smoke.XXXXXX)"
    chmod 755 "$work"  # PostgreSQL runs as postgres under it
    local fake="$work/build"
    mkdir -p "$fake/sync/hub" "$fake/node/daemon"
    ln -s "$x86/sync/hub/larder-hub" "$fake/sync/hub/larder-hub"
    printf '#!/bin/sh\nexec %s -L %s %s "$@"\n' "$CROSS_QEMU" "${qemu_l:-/}" "$arm" >"$fake/node/daemon/larder-node"
    chmod +x "$fake/node/daemon/larder-node"
    # shellcheck source=../tests/e2e/stack.sh
    source "$ROOT/tests/e2e/stack.sh"
    trap 'rc=$?; [ $rc -ne 0 ] && { tail -n 20 "$STACK_WORK/node.log" "$STACK_WORK/hub.log" >&2 || true; }; stack_stop; rm -rf "$work"; exit $rc' EXIT
    log "smoke: $CROSS_ARCH larder-node under $CROSS_QEMU against the x86 hub"
    stack_start "$fake" "$work/stack"
    # stack_start enrolled the node and waited for /readyz (menu pulled); check the menu.
    local menu item
    menu="$(curl -fsS "$STACK_NODE_URL/api/v1/tenants/$STACK_TENANT/menu")"
    item="$(printf '%s' "$menu" | python3 -c '
import json, sys
m = json.load(sys.stdin)
def items(x):
    if isinstance(x, dict):
        if "price_minor" in x and "id" in x and x.get("available", True):
            yield x["id"]
        for v in x.values(): yield from items(v)
    elif isinstance(x, list):
        for v in x: yield from items(v)
print(next(items(m)))')" || die "smoke: the $CROSS_ARCH node served no menu item: $menu"
    local order oid
    order="$(curl -fsS -X POST -H 'Content-Type: application/json' \
      -d "{\"lines\":[{\"item_id\":\"$item\",\"quantity\":2}]}" \
      "$STACK_NODE_URL/api/v1/tenants/$STACK_TENANT/orders")" || die "smoke: placing an order on the $CROSS_ARCH node failed"
    oid="$(printf '%s' "$order" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
    local i n=0
    for ((i = 0; i < 300; i++)); do
      n="$(cross_central_sql "SELECT count(*) FROM orders WHERE id = '$oid'" || true)"
      [ "$n" = 1 ] && break
      sleep 0.2
    done
    [ "$n" = 1 ] || die "smoke: order $oid from the $CROSS_ARCH node did not reach PostgreSQL in 60 s"
    log "smoke: $CROSS_ARCH node enrolled, served the menu (item $item), order $oid pushed to PostgreSQL"
  )
}

# cross_arm_tests: the same unit tests for armhf under qemu-arm, from the private sysroot,
# but pricing_test: its reference model (price_order_property_test.cc) uses __int128, which
# 32-bit ARM does not have (the pricing code itself builds and is exercised by the others).
CROSS_ARMHF_TEST_TARGETS=(base_test storage_test storage_power_loss_test menu_test node_core_test
  sync_protocol_test sync_client_test node_api_test node_api_server_test node_daemon_test)
cross_arm_tests() {
  cross_build armhf larder-node "${CROSS_ARMHF_TEST_TARGETS[@]}"
  local dir; dir="$(cross_build_dir)"
  log "running the node's unit tests for armhf under qemu-arm (all but pricing_test)"
  (cd "$dir" && ctest --output-on-failure -j "$JOBS" -R "$CROSS_TESTS" -E '^pricing_test$')
}

# cross_package: the .debs (amd64 node and hub from the x86 build, arm64 node).
cross_package() {
  cmd_build
  local x86; x86="$(build_dir RelWithDebInfo)"
  cross_build aarch64
  local arm; arm="$(cross_build_dir)"
  (cd "$x86" && cpack -G DEB -B "$x86/packages" >/dev/null) || die "cpack failed in $x86"
  (cd "$arm" && cpack -G DEB -B "$arm/packages" >/dev/null) || die "cpack failed in $arm"
  log "packages: $(ls "$x86"/packages/*.deb "$arm"/packages/*.deb | tr '\n' ' ')"
}

# cross_package_test X86_BUILD: packages built, units verified, install/remove/purge in a
# scratch root (cross/package_test.sh), with the arm64 package when its build exists.
cross_package_test() {
  cross_apt_install systemd
  cross_arch aarch64
  local arm; arm="$(cross_build_dir)"
  [ -f "$arm/build.ninja" ] || arm=""
  bash "$ROOT/cross/package_test.sh" "$1" $arm
}

# cross_figures: cross/FIGURES.md's numbers (cross/figures.sh).
cross_figures() {
  cmd_build Release
  cross_build aarch64
  bash "$ROOT/cross/figures.sh" "$(build_dir Release)" "$(cross_build_dir)" "${LARDER_FIGURES_ORDERS:-300}"
}

# cross_central_sql SQL: one value from PostgreSQL as the hub's role, scoped to the stack's
# tenant (Row Level Security).
cross_central_sql() {
  printf "BEGIN;\nSELECT set_config('larder.tenant_id', '%s', true) AS scoped \\gset\n%s;\nCOMMIT;\n" \
    "$STACK_TENANT" "$1" | psql -X -q -A -t -v ON_ERROR_STOP=1 "$STACK_HUB_DB" -f - 2>/dev/null
}

# cross_test_hook X86_BUILD: called by `./larder test` after the x86 suite. LARDER_CROSS=0
# skips it (e.g. on a machine without the cross packages and no network); LARDER_CROSS_ARMHF=0
# skips only the armhf build, its tests and its smoke.
cross_test_hook() {
  [ "${LARDER_CROSS:-1}" = 0 ] && { log "LARDER_CROSS=0: skipping the ARM builds"; return 0; }
  local start=$SECONDS
  cross_unit_tests aarch64
  cross_smoke "$1" aarch64
  if [ "${LARDER_CROSS_ARMHF:-1}" = 0 ]; then
    log "LARDER_CROSS_ARMHF=0: skipping the armhf build"
  else
    cross_arm_tests
    cross_smoke "$1" armhf
  fi
  cross_package_test "$1"
  log "ARM builds, qemu tests and packages done in $((SECONDS - start)) s"
}

cross_help() {
  cat <<USAGE
usage: ./larder cross COMMAND

  aarch64 | armhf   install the cross compiler and the target's libraries, build larder-node
                    (Release) into $BUILD-<arch>; prints where the stripped binary is
  test ARCH         build the node's unit tests for ARCH and run them under qemu-user
  smoke ARCH        the ARCH larder-node under qemu against an x86 hub (needs ./larder build)
  package           .debs: larder-node and larder-hub for amd64, larder-node for arm64
  package-test      build the amd64 .debs, verify the systemd units, install and purge in a scratch root
  figures           binary size and libraries, bytes written per order (cross/FIGURES.md)
USAGE
}

cross_main() {
  local cmd="${1:-help}"; shift || true
  case "$cmd" in
    aarch64|armhf|arm64)
      cross_build "$cmd" larder-node
      local bin; bin="$(cross_build_dir)/node/daemon/larder-node"
      "$CROSS_TRIPLET-strip" -o "$bin.stripped" "$bin"
      log "built $bin (stripped: $bin.stripped, $(stat -c %s "$bin.stripped") bytes)" ;;
    test) cross_unit_tests "${1:?which target: aarch64 or armhf}" ;;
    smoke) cross_build "${1:?which target}" larder-node; cmd_build; cross_smoke "$(build_dir RelWithDebInfo)" "$1" ;;
    package) cross_package ;;
    package-test) cmd_build; cross_package_test "$(build_dir RelWithDebInfo)" ;;
    figures) cross_figures ;;
    help|-h|--help) cross_help ;;
    *) cross_help; die "unknown cross command: $cmd" ;;
  esac
}
