# Compile settings for Larder's own code. Third-party code (the SQLCipher
# amalgamation) does not link these, so its warnings never fail our build.
add_library(larder_compile INTERFACE)
target_compile_options(larder_compile INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wimplicit-fallthrough -Werror)
target_include_directories(larder_compile INTERFACE ${PROJECT_SOURCE_DIR})

# CMAKE_BUILD_TYPE=Asan: address + undefined behaviour sanitizers, debug info, -O1.
set(CMAKE_CXX_FLAGS_ASAN "-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined")
set(CMAKE_C_FLAGS_ASAN "-O1 -g")
set(CMAKE_EXE_LINKER_FLAGS_ASAN "-fsanitize=address,undefined")
set(CMAKE_SHARED_LINKER_FLAGS_ASAN "-fsanitize=address,undefined")
