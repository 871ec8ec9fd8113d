# Provides the target larder::sqlcipher: SQLCipher 4 (DESIGN.md decision 1).
#
# Default: the pinned amalgamation (SQLCipher 4.14.0 on SQLite 3.51.3), which
# ./larder fetches with `npm pack @journeyapps/sqlcipher@6.0.0`, verifies by
# sha256 and unpacks into LARDER_SQLCIPHER_DIR, compiled here once as a static
# library. -DLARDER_SYSTEM_SQLCIPHER=ON uses a system SQLCipher found by
# pkg-config instead, and refuses one older than 4.
option(LARDER_SYSTEM_SQLCIPHER "Use the system SQLCipher (must be >= 4) instead of the pinned amalgamation" OFF)
set(LARDER_SQLCIPHER_DIR "$ENV{HOME}/.cache/larder/sqlcipher-4.14.0" CACHE PATH
    "Folder holding the pinned SQLCipher amalgamation (sqlite3.c, sqlite3.h)")

if(LARDER_SYSTEM_SQLCIPHER)
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(SYSTEM_SQLCIPHER sqlcipher)
  if(NOT SYSTEM_SQLCIPHER_FOUND)
    message(FATAL_ERROR "LARDER_SYSTEM_SQLCIPHER=ON but pkg-config finds no 'sqlcipher'. "
                        "Install SQLCipher >= 4, or build without the option to use the pinned amalgamation.")
  endif()
  if(SYSTEM_SQLCIPHER_VERSION VERSION_LESS 4)
    message(FATAL_ERROR "The system SQLCipher is ${SYSTEM_SQLCIPHER_VERSION}; Larder needs SQLCipher 4 or newer "
                        "(3.x lacks UPSERT, RETURNING and the v4 key derivation; Debian 12's libsqlcipher-dev is 3.4.1). "
                        "Build without -DLARDER_SYSTEM_SQLCIPHER=ON to use the pinned SQLCipher 4.14.0.")
  endif()
  add_library(larder_sqlcipher INTERFACE)
  target_include_directories(larder_sqlcipher SYSTEM INTERFACE ${SYSTEM_SQLCIPHER_INCLUDE_DIRS})
  target_link_libraries(larder_sqlcipher INTERFACE ${SYSTEM_SQLCIPHER_LINK_LIBRARIES})
  # The system header is <sqlcipher/sqlite3.h>; storage includes "sqlite3.h".
  foreach(dir ${SYSTEM_SQLCIPHER_INCLUDE_DIRS})
    target_include_directories(larder_sqlcipher SYSTEM INTERFACE ${dir}/sqlcipher)
  endforeach()
  target_compile_definitions(larder_sqlcipher INTERFACE SQLITE_HAS_CODEC)
else()
  if(NOT EXISTS "${LARDER_SQLCIPHER_DIR}/sqlite3.c")
    message(FATAL_ERROR "The SQLCipher amalgamation is not at ${LARDER_SQLCIPHER_DIR}. "
                        "Run ./larder deps (or ./larder test), which fetches and verifies it.")
  endif()
  add_library(larder_sqlcipher STATIC ${LARDER_SQLCIPHER_DIR}/sqlite3.c)
  target_include_directories(larder_sqlcipher SYSTEM PUBLIC ${LARDER_SQLCIPHER_DIR})
  # LARDER_PINNED_SQLCIPHER: storage/page_crypto.cc may install its provider,
  # written against this version's provider interface.
  target_compile_definitions(larder_sqlcipher
    PUBLIC SQLITE_HAS_CODEC LARDER_PINNED_SQLCIPHER
    PRIVATE
      SQLCIPHER_CRYPTO_OPENSSL
      SQLITE_TEMP_STORE=2
      HAVE_STDINT_H=1
      SQLITE_EXTRA_INIT=sqlcipher_extra_init
      SQLITE_EXTRA_SHUTDOWN=sqlcipher_extra_shutdown
      SQLITE_THREADSAFE=1
      SQLITE_DEFAULT_FOREIGN_KEYS=1
      SQLITE_DQS=0
      # Wrong keys are reported by storage/ as errors; SQLCipher's own stderr log stays
      # off unless asked for with PRAGMA cipher_log_level.
      SQLCIPHER_LOG_LEVEL_DEFAULT=SQLCIPHER_LOG_NONE)
  # Always optimized, whatever the build type: it is third-party code and the
  # slowest file to compile; sanitizers stay on our own code.
  set_source_files_properties(${LARDER_SQLCIPHER_DIR}/sqlite3.c PROPERTIES COMPILE_OPTIONS "-O2;-w")
  target_link_libraries(larder_sqlcipher PUBLIC OpenSSL::Crypto Threads::Threads ${CMAKE_DL_LIBS} m)
endif()
add_library(larder::sqlcipher ALIAS larder_sqlcipher)
