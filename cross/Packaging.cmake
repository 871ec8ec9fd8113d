# install() rules and CPack: Debian packages larder-node (amd64, arm64, armhf) and larder-hub
# (amd64). Included at the end of the top-level CMakeLists.txt, after every target exists;
# a component is packaged only when its target was configured (a LARDER_NODE_ONLY build has
# no hub). `./larder cross package` builds them; cross/package_test.sh checks them.
#
# larder-node:
#   /usr/bin/larder-node
#   /usr/share/larder-node/kiosk-ui/          the kiosk UI (whatever kiosk-ui/ holds)
#   /etc/larder/larder-node.toml              conffile: the commented example, with kiosk_ui_dir set
#   /usr/lib/systemd/system/larder-node.service
#   /usr/share/doc/larder-node/               DEPLOY.md, the untouched example config
#   postinst: system user larder-node, /etc/larder/master.key (32 random bytes, 0600)
# larder-hub:
#   /usr/bin/larder-hub, /etc/larder/larder-hub.toml (conffile),
#   /usr/lib/systemd/system/larder-hub.service, /usr/share/doc/larder-hub/, user larder-hub
set(LARDER_PKG_SRC ${PROJECT_SOURCE_DIR}/cross)
set(LARDER_PKG_GEN ${PROJECT_BINARY_DIR}/cross-packaging)
set(LARDER_KIOSK_UI_INSTALL_DIR /usr/share/larder-node/kiosk-ui)
set(LARDER_PKG_COMPONENTS)

# Maintainer scripts and conffiles lists for one component (PKG: package name, ROLE: words).
function(larder_package_control component pkg role)
  set(PKG ${pkg})
  set(ROLE ${role})
  set(out ${LARDER_PKG_GEN}/${pkg})
  foreach(script postinst prerm postrm)
    configure_file(${LARDER_PKG_SRC}/debian/${script}.in ${out}/${script} @ONLY
                   FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
                                    WORLD_READ WORLD_EXECUTE)
  endforeach()
  file(WRITE ${out}/conffiles "/etc/larder/${pkg}.toml\n")
  string(TOUPPER ${component} C)
  set(CPACK_DEBIAN_${C}_PACKAGE_CONTROL_EXTRA
      "${out}/postinst;${out}/prerm;${out}/postrm;${out}/conffiles" PARENT_SCOPE)
endfunction()

if(TARGET larder-node)
  list(APPEND LARDER_PKG_COMPONENTS node)
  install(TARGETS larder-node RUNTIME DESTINATION bin COMPONENT node)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/kiosk-ui/ DESTINATION ${LARDER_KIOSK_UI_INSTALL_DIR}
          COMPONENT node
          PATTERN "node_modules" EXCLUDE PATTERN "*_test.*" EXCLUDE PATTERN "*.test.*" EXCLUDE)
  # The shipped config is the example (every option, commented) with the packaged kiosk UI
  # switched on; the untouched example goes to the docs.
  set(example ${PROJECT_SOURCE_DIR}/node/daemon/larder-node.example.toml)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${example})
  file(READ ${example} cfg)
  string(FIND "${cfg}" "#kiosk_ui_dir = \"\"" at)
  if(at EQUAL -1)
    message(WARNING "cross/Packaging.cmake: '#kiosk_ui_dir = \"\"' is no longer in ${example}; "
                    "the packaged larder-node.toml does not point at the kiosk UI")
  endif()
  string(REPLACE "#kiosk_ui_dir = \"\"" "kiosk_ui_dir = \"${LARDER_KIOSK_UI_INSTALL_DIR}\"" cfg "${cfg}")
  file(WRITE ${LARDER_PKG_GEN}/larder-node.toml
       "# Installed by the larder-node package (a conffile: your edits survive upgrades).\n"
       "# Set here: api.kiosk_ui_dir, the packaged kiosk UI. Everything else is the default.\n"
       "# The master key comes from systemd (LoadCredential=, see larder-node.service).\n\n"
       "${cfg}")
  install(FILES ${LARDER_PKG_GEN}/larder-node.toml DESTINATION /etc/larder COMPONENT node)
  install(FILES ${LARDER_PKG_SRC}/systemd/larder-node.service DESTINATION lib/systemd/system
          COMPONENT node)
  install(FILES ${example} ${PROJECT_SOURCE_DIR}/docs/DEPLOY.md
          DESTINATION share/doc/larder-node COMPONENT node OPTIONAL)
  larder_package_control(node larder-node "edge node")
endif()

if(TARGET larder-hub)
  list(APPEND LARDER_PKG_COMPONENTS hub)
  install(TARGETS larder-hub RUNTIME DESTINATION bin COMPONENT hub)
  set(example ${PROJECT_SOURCE_DIR}/sync/hub/http/larder-hub.example.toml)
  install(FILES ${example} DESTINATION /etc/larder RENAME larder-hub.toml COMPONENT hub)
  install(FILES ${LARDER_PKG_SRC}/systemd/larder-hub.service DESTINATION lib/systemd/system
          COMPONENT hub)
  install(FILES ${example} ${PROJECT_SOURCE_DIR}/docs/PROTOCOL.md
          DESTINATION share/doc/larder-hub COMPONENT hub OPTIONAL)
  larder_package_control(hub larder-hub "sync hub")
endif()

# Debian's name for the target architecture.
if(CMAKE_CROSSCOMPILING)
  if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64)$")
    set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE arm64)
  elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "^arm")
    set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE armhf)
  endif()
endif()

# `cpack` and `install` package what is built (./larder builds the binaries first) instead of
# building every test and benchmark of the tree on the way.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

set(CPACK_GENERATOR DEB)
set(CPACK_COMPONENTS_ALL ${LARDER_PKG_COMPONENTS})
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_NAME larder)
set(CPACK_PACKAGE_VENDOR "Larder")
set(CPACK_PACKAGE_CONTACT "Larder maintainers <larder@localhost>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# Library dependencies from the binaries (dpkg-shlibdeps); it needs the target's libraries
# installed by dpkg (multiarch), so a build against a private sysroot lists them by hand.
if(LARDER_CROSS_SYSROOT)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS OFF)
  set(larder_node_libs "libc6 (>= 2.34), libstdc++6 (>= 12), libgcc-s1, libssl3 (>= 3.0.0), libcpp-httplib0.11, libspdlog1.10-fmt9 | libspdlog1.10, libfmt9, libtomlplusplus3, libdate-tz3")
  set(CPACK_DEBIAN_NODE_PACKAGE_DEPENDS "adduser, ${larder_node_libs}")
else()
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
  set(CPACK_DEBIAN_NODE_PACKAGE_DEPENDS "adduser")
endif()
set(CPACK_DEBIAN_HUB_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_NODE_PACKAGE_NAME larder-node)
set(CPACK_DEBIAN_HUB_PACKAGE_NAME larder-hub)
set(CPACK_DEBIAN_NODE_PACKAGE_SUGGESTS "chromium")
set(CPACK_DEBIAN_HUB_PACKAGE_SUGGESTS "postgresql-15")
set(CPACK_COMPONENT_NODE_DESCRIPTION
    "Larder edge node: offline-first order daemon for restaurant kiosks\n Keeps an encrypted replica of the menu and a durable queue of orders, serves the kiosk\n touchscreen (the kiosk UI is included) over a local HTTP API, and syncs with larder-hub.")
set(CPACK_COMPONENT_HUB_DESCRIPTION
    "Larder sync hub: serves menus to and takes orders from Larder nodes\n Stateless HTTP front of the central multi-tenant PostgreSQL database.")
include(CPack)
