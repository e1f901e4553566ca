# CPack configuration: `cpack -G DEB` in the build directory makes a Debian package holding
# everything `cmake --install` installs, under /usr. Included at the end of the root
# CMakeLists.txt, after the install rules.
#
# The package installs the server's systemd unit but neither enables nor starts it: an
# administrator does, after reading messageu-server(1) (`systemctl enable --now
# messageu-server`).

set(MESSAGEU_PACKAGE_MAINTAINER "messageu maintainers <maintainers@messageu.invalid>"
    CACHE STRING "The Maintainer field of the Debian package")

set(CPACK_PACKAGE_NAME messageu)
set(CPACK_PACKAGE_VENDOR messageu)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "End-to-end encrypted messaging: MessageU command-line client and server")
set(CPACK_PACKAGE_DESCRIPTION
    "messageu is a scriptable client (messageu) and a server (messageu-server) for the \
MessageU store-and-forward messaging protocol. Messages are encrypted by the clients; the \
server stores them for offline users and cannot read them. Both work with every other \
MessageU client and server.")
set(CPACK_PACKAGE_CONTACT "${MESSAGEU_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)

set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${MESSAGEU_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
# The shared libraries the programs link (Crypto++, SQLite, the C++ runtime) become the
# package's dependencies, read from the binaries by dpkg-shlibdeps when it is there.
find_program(MESSAGEU_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(MESSAGEU_DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
else()
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "libcrypto++8, libsqlite3-0, libstdc++6, libc6")
endif()
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "bash-completion")
# Reload systemd's unit files after installing, upgrading and removing; stop the server
# before its program is removed.
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/debian/postinst ${PROJECT_SOURCE_DIR}/packaging/debian/prerm
    ${PROJECT_SOURCE_DIR}/packaging/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_GENERATOR DEB)
set(CPACK_SOURCE_GENERATOR TGZ)
set(CPACK_SOURCE_IGNORE_FILES "/\\\\.git/" "/build[^/]*/")

include(CPack)
