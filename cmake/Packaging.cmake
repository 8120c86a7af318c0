# cpack -G DEB builds two packages from the install components (README: Install):
#   aicore-proxy      component "proxy": /usr/bin/aicore-proxy, /usr/lib/aicore-proxy/plugins,
#                     /etc/aicore-proxy (example config, conffiles), the systemd unit, the
#                     maintainer scripts that add and remove the service user (packaging/debian/)
#   aicore-proxy-dev  component "dev": the SDK headers and its CMake package (find_package)
# scripts/package-test.sh installs, runs and purges them (ctest -L package).

set(AICORE_DEBIAN_DIR ${PROJECT_SOURCE_DIR}/packaging/debian)

# Files with an absolute destination only the .deb needs. EXCLUDE_FROM_ALL: a plain
# `cmake --install build --prefix /tmp/x` (README: Writing a plugin) must not write /etc.
# The shipped config is the example with the usage ledger moved to the unit's StateDirectory:
# beside the config (the default) it would be in /etc, read-only under ProtectSystem=strict.
file(READ ${PROJECT_SOURCE_DIR}/etc/config.example.json example_config)
set(ledger_marker "  \"log\": {")
string(FIND "${example_config}" "${ledger_marker}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "etc/config.example.json has no '${ledger_marker}' line to put usage.file before")
endif()
string(REPLACE "${ledger_marker}"
  "  \"usage\": {\"file\": \"/var/lib/aicore-proxy/usage.db\"},\n${ledger_marker}"
  packaged_config "${example_config}")
file(WRITE ${CMAKE_BINARY_DIR}/packaging/config.json "${packaged_config}")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/etc/config.example.json)

install(FILES ${CMAKE_BINARY_DIR}/packaging/config.json
  DESTINATION /etc/aicore-proxy COMPONENT proxy EXCLUDE_FROM_ALL)
file(GLOB key_templates ${PROJECT_SOURCE_DIR}/etc/keys/*.json)
install(FILES ${key_templates} DESTINATION /etc/aicore-proxy/keys COMPONENT proxy EXCLUDE_FROM_ALL)
# /lib, not /usr/lib: where Debian 12's own packages (dh_installsystemd) put units.
install(FILES ${AICORE_DEBIAN_DIR}/aicore-proxy.service
  DESTINATION /lib/systemd/system COMPONENT proxy EXCLUDE_FROM_ALL)

# Every file under /etc is a conffile: dpkg keeps an admin's edits on upgrade, removes them on purge.
set(conffiles "/etc/aicore-proxy/config.json\n")
foreach(key ${key_templates})
  get_filename_component(key ${key} NAME)
  string(APPEND conffiles "/etc/aicore-proxy/keys/${key}\n")
endforeach()
file(WRITE ${CMAKE_BINARY_DIR}/packaging/conffiles "${conffiles}")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME aicore-proxy)
set(CPACK_PACKAGE_VENDOR aicore-proxy)
set(CPACK_PACKAGE_CONTACT "aicore-proxy maintainers <maintainers@users.noreply.b-seed-031f236c.example>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL proxy dev)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Maintainer scripts must be 0755 and the rest 0644 in control.tar, as dpkg expects.
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_DEBIAN_PROXY_PACKAGE_NAME aicore-proxy)
# dpkg-shlibdeps derives the library packages (Poco, Boost, spdlog, SQLite, OpenSSL) from the
# binary and plugins, so they match whatever Debian release built them. adduser: the postinst.
set(CPACK_DEBIAN_PROXY_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PROXY_PACKAGE_DEPENDS "adduser")
# Per component: the first line is the synopsis; cpack indents the rest for the control file.
set(CPACK_DEBIAN_PROXY_DESCRIPTION "OpenAI-, Anthropic- and Gemini-compatible gateway to SAP AI Core
One OpenAI-, Anthropic- and Gemini-compatible endpoint for the models deployed on SAP AI Core,
load-balanced over several subaccounts, with provider plugins behind a stable C ABI.
Ships a systemd unit (not enabled) and an example config in /etc/aicore-proxy.")
set(CPACK_DEBIAN_PROXY_PACKAGE_CONTROL_EXTRA
  ${CMAKE_BINARY_DIR}/packaging/conffiles
  ${AICORE_DEBIAN_DIR}/postinst ${AICORE_DEBIAN_DIR}/prerm ${AICORE_DEBIAN_DIR}/postrm)

set(CPACK_DEBIAN_DEV_PACKAGE_NAME aicore-proxy-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION devel)
# Header-only: building a plugin needs no host, but a plugin is only useful with one of this ABI.
set(CPACK_DEBIAN_DEV_PACKAGE_RECOMMENDS "aicore-proxy (>= ${PROJECT_VERSION})")
set(CPACK_DEBIAN_DEV_DESCRIPTION "aicore-proxy plugin SDK
The C ABI and C++ headers (aicore/abi.h, aicore/plugin.hpp, ...) and the CMake package
find_package(aicore-sdk) with aicore_add_plugin(), to build provider plugins outside the
aicore-proxy source tree.")

include(CPack)
