# CMake toolchain for 64-bit ARM boards (Debian arm64): Raspberry Pi 3/4/5, most kiosk SoCs.
#   cmake -S . -B build-aarch64 -DCMAKE_TOOLCHAIN_FILE=cross/toolchain-aarch64.cmake -DLARDER_NODE_ONLY=ON
# Needs g++-aarch64-linux-gnu, qemu-user (tests), and the node's libraries for arm64 by
# multiarch or in LARDER_CROSS_SYSROOT. `./larder cross aarch64` does all of it.
set(LARDER_CROSS_TRIPLET aarch64-linux-gnu)
set(LARDER_CROSS_PROCESSOR aarch64)
set(LARDER_CROSS_QEMU qemu-aarch64)
include(${CMAKE_CURRENT_LIST_DIR}/toolchain-common.cmake)
