# LARDER_NODE_ONLY: configure only what larder-node and its unit tests need (base, storage,
# sync/protocol, sync/client, node/). The ARM builds use it: the hub and tests/support need
# libpq, whose -dev package cannot be installed for two architectures at once, and the
# boards run only the node. Included by the top-level CMakeLists.txt, which skips
# tests/, bench/ and sync/hub when it is ON.
option(LARDER_NODE_ONLY "Build only larder-node and its tests (cross builds for ARM boards)" OFF)
if(CMAKE_CROSSCOMPILING AND NOT LARDER_NODE_ONLY)
  message(WARNING "Cross-compiling without -DLARDER_NODE_ONLY=ON: the hub and the PostgreSQL test "
                  "support need the target's libpq, which multiarch cannot install beside the build "
                  "machine's. `./larder cross` sets it.")
endif()
