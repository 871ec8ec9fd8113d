# CMake toolchain for 32-bit ARM boards (Debian armhf: ARMv7, hard float): older Raspberry
# Pi 2, i.MX6 and Allwinner panels.
#   cmake -S . -B build-armhf -DCMAKE_TOOLCHAIN_FILE=cross/toolchain-armhf.cmake -DLARDER_NODE_ONLY=ON
#         [-DLARDER_CROSS_SYSROOT=DIR]
# Needs g++-arm-linux-gnueabihf, qemu-user (tests), and the node's libraries for armhf by
# multiarch or in LARDER_CROSS_SYSROOT. `./larder cross armhf` does all of it.
set(LARDER_CROSS_TRIPLET arm-linux-gnueabihf)
set(LARDER_CROSS_PROCESSOR armv7l)
set(LARDER_CROSS_QEMU qemu-arm)
include(${CMAKE_CURRENT_LIST_DIR}/toolchain-common.cmake)
# g++ notes on every std::map<std::string, json> that its parameter passing changed in GCC 7.1
# (-Wpsabi): true, and irrelevant here (everything is built by one compiler), and hundreds of
# lines long in the build log.
string(APPEND CMAKE_CXX_FLAGS_INIT " -Wno-psabi")
