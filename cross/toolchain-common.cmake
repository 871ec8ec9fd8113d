# Shared part of cross/toolchain-<arch>.cmake: cross-compiling Larder with Debian's
# cross compilers (g++-aarch64-linux-gnu, g++-arm-linux-gnueabihf) against the
# target's libraries, found either
#   - through Debian multiarch (`dpkg --add-architecture arm64` and
#     `apt-get install libssl-dev:arm64 ...`): the default; the libraries sit in
#     /usr/lib/<triplet> and /usr/include/<triplet>, the cross compiler finds them, or
#   - in a private sysroot (LARDER_CROSS_SYSROOT, a folder where .debs of the target were
#     unpacked with `dpkg-deb -x`), for when multiarch apt cannot install them (a mirror whose
#     index for one architecture lags the other's makes the Multi-Arch: same versions differ).
#     cross/larder-cross.sh builds one (cross_sysroot).
# The toolchain file sets LARDER_CROSS_TRIPLET, LARDER_CROSS_PROCESSOR and LARDER_CROSS_QEMU
# and includes this file. Tests run under qemu-user through CMAKE_CROSSCOMPILING_EMULATOR.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR ${LARDER_CROSS_PROCESSOR})
set(CMAKE_C_COMPILER ${LARDER_CROSS_TRIPLET}-gcc)
set(CMAKE_CXX_COMPILER ${LARDER_CROSS_TRIPLET}-g++)
set(CMAKE_LIBRARY_ARCHITECTURE ${LARDER_CROSS_TRIPLET})

# try_compile() projects re-read this file without the main project's cache.
if(NOT DEFINED LARDER_CROSS_SYSROOT AND DEFINED ENV{LARDER_CROSS_SYSROOT})
  set(LARDER_CROSS_SYSROOT "$ENV{LARDER_CROSS_SYSROOT}")
endif()
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES LARDER_CROSS_SYSROOT)

if(LARDER_CROSS_SYSROOT)
  if(NOT EXISTS "${LARDER_CROSS_SYSROOT}/usr/lib/${LARDER_CROSS_TRIPLET}")
    message(FATAL_ERROR "LARDER_CROSS_SYSROOT=${LARDER_CROSS_SYSROOT} holds no usr/lib/${LARDER_CROSS_TRIPLET}; "
                        "build it with `./larder cross ${LARDER_CROSS_PROCESSOR}` (cross_sysroot in cross/larder-cross.sh).")
  endif()
  set(_s "${LARDER_CROSS_SYSROOT}")
  # No --sysroot: the C library and libstdc++ stay the cross toolchain's own; the sysroot
  # only adds the libraries, searched before the build machine's /usr/include (whose
  # architecture-independent headers may be another version).
  set(CMAKE_C_FLAGS_INIT "-isystem ${_s}/usr/include/${LARDER_CROSS_TRIPLET} -isystem ${_s}/usr/include")
  set(CMAKE_CXX_FLAGS_INIT "${CMAKE_C_FLAGS_INIT}")
  foreach(kind EXE SHARED MODULE)
    set(CMAKE_${kind}_LINKER_FLAGS_INIT
        "-L${_s}/usr/lib/${LARDER_CROSS_TRIPLET} -L${_s}/lib/${LARDER_CROSS_TRIPLET} -Wl,-rpath-link,${_s}/usr/lib/${LARDER_CROSS_TRIPLET} -Wl,-rpath-link,${_s}/lib/${LARDER_CROSS_TRIPLET}")
  endforeach()
  # Libraries and CMake package files from the sysroot first, then header-only packages
  # (nlohmann-json, doctest, CLI11, Boost headers) from the build machine.
  set(CMAKE_FIND_ROOT_PATH "${_s};/")
  set(ENV{PKG_CONFIG_SYSROOT_DIR} "${_s}")
  set(ENV{PKG_CONFIG_LIBDIR} "${_s}/usr/lib/${LARDER_CROSS_TRIPLET}/pkgconfig:${_s}/usr/share/pkgconfig")
  set(CMAKE_CROSSCOMPILING_EMULATOR ${LARDER_CROSS_QEMU} -L ${_s})
else()
  set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/${LARDER_CROSS_TRIPLET}/pkgconfig:/usr/share/pkgconfig")
  # -L / and not -L /usr/<triplet>: with the target's libraries installed by multiarch the
  # latter mixes two copies of libc and hangs on the first thread.
  set(CMAKE_CROSSCOMPILING_EMULATOR ${LARDER_CROSS_QEMU} -L /)
endif()
set(ENV{PKG_CONFIG_PATH} "")

# Programs (code generators, cmake itself) are the build machine's; libraries, headers and
# packages are the target's.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)
