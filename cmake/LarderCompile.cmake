# Compile settings for Larder's own code. Third-party code (the SQLCipher
# amalgamation) does not link these, so its warnings never fail our build.
add_library(larder_compile INTERFACE)
target_compile_options(larder_compile INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wimplicit-fallthrough -Werror)
target_include_directories(larder_compile INTERFACE ${PROJECT_SOURCE_DIR})
# GCC 12 at -O3 reports overlaps that cannot happen when std::string's
# operator+ and insert() are inlined (GCC bug 105329): -Wrestrict stays a
# warning, not an error, for that compiler only.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(larder_compile INTERFACE -Wno-error=restrict)
endif()

# Each function and object in a section of its own, and the linker drops the
# sections nothing references: unused code is not shipped, and does not sit
# in the pages of code around what runs (a daemon keeps them resident).
target_compile_options(larder_compile INTERFACE -ffunction-sections -fdata-sections)
target_link_options(larder_compile INTERFACE -Wl,--gc-sections)

# Release: the node's own code (node/, sync/client/) is optimized for size.
# The node runs on small ARM boards, is bound by fsync and the network rather
# than by its own CPU, and keeps resident every page of code it ran at
# start-up: -Os made larder-node's text 1.9 MB instead of 2.6 MB and its idle
# RSS about 0.7 MiB smaller, GET menu requests/s the same within noise.
# storage/ keeps the speed flags: its wrapper runs once per row of a bulk load
# and was 20 % slower at -Os in bench/storage_bench. larder-hub, base/ and
# sync/protocol/ (shared with the hub) and SQLCipher keep their flags too.
# -DLARDER_NODE_SIZE_OPTIMIZED=OFF turns it off.
option(LARDER_NODE_SIZE_OPTIMIZED "Release: build node/ and sync/client/ with -Os" ON)
if(LARDER_NODE_SIZE_OPTIMIZED)
  set(_larder_dir "$<TARGET_PROPERTY:SOURCE_DIR>")
  set(_larder_node_only "$<OR:$<PATH:IS_PREFIX,${PROJECT_SOURCE_DIR}/node,${_larder_dir}>,$<PATH:IS_PREFIX,${PROJECT_SOURCE_DIR}/sync/client,${_larder_dir}>>")
  target_compile_options(larder_compile INTERFACE "$<$<AND:$<CONFIG:Release>,${_larder_node_only}>:-Os>")
endif()

# CMAKE_BUILD_TYPE=Asan: address + undefined behaviour sanitizers, debug info, -O1.
set(CMAKE_CXX_FLAGS_ASAN "-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined")
set(CMAKE_C_FLAGS_ASAN "-O1 -g")
set(CMAKE_EXE_LINKER_FLAGS_ASAN "-fsanitize=address,undefined")
set(CMAKE_SHARED_LINKER_FLAGS_ASAN "-fsanitize=address,undefined")
