# What `cmake --install` puts in place besides the two programs (whose rules live with their
# targets): the manual pages, the shell completions where each shell looks for them, the
# systemd units and the documentation. Included at the end of the root CMakeLists.txt.
#
# Layout under the prefix:
#   share/man/man1/messageu.1, messageu-server.1
#   share/bash-completion/completions/messageu
#   share/zsh/site-functions/_messageu
#   share/fish/vendor_completions.d/messageu.fish
#   lib/systemd/system/messageu-server.service
#   lib/systemd/user/messageu-pull.service, messageu-pull.timer, messageu-follow.service
#   share/doc/messageu/README.md, examples/messageu-server.default

install(FILES ${PROJECT_SOURCE_DIR}/man/messageu.1 ${PROJECT_SOURCE_DIR}/man/messageu-server.1
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

install(FILES ${PROJECT_SOURCE_DIR}/completions/messageu.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME messageu)
install(FILES ${PROJECT_SOURCE_DIR}/completions/_messageu
        DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/site-functions)
install(FILES ${PROJECT_SOURCE_DIR}/completions/messageu.fish
        DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)

install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${PROJECT_SOURCE_DIR}/packaging/messageu-server.default
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)

# The units name the programs by their full path, which is known only at install time: a
# package is staged with another prefix (CPack uses /usr) than a plain build (/usr/local). So
# they are configured when installing, from the prefix in effect then. systemd looks in
# PREFIX/lib/systemd (not the multiarch libdir) for both /usr and /usr/local.
set(messageu_units_build_dir ${PROJECT_BINARY_DIR}/packaging)
install(CODE "
  set(messageu_bindir \"${CMAKE_INSTALL_BINDIR}\")
  if(NOT IS_ABSOLUTE \"\${messageu_bindir}\")
    set(messageu_bindir \"\${CMAKE_INSTALL_PREFIX}/\${messageu_bindir}\")
  endif()
  set(MESSAGEU_BINDIR \"\${messageu_bindir}\")
  configure_file(\"${PROJECT_SOURCE_DIR}/packaging/messageu-server.service.in\"
                 \"${messageu_units_build_dir}/messageu-server.service\" @ONLY)
  configure_file(\"${PROJECT_SOURCE_DIR}/packaging/messageu-server@.service.in\"
                 \"${messageu_units_build_dir}/messageu-server@.service\" @ONLY)
  configure_file(\"${PROJECT_SOURCE_DIR}/packaging/messageu-pull.service.in\"
                 \"${messageu_units_build_dir}/messageu-pull.service\" @ONLY)
  configure_file(\"${PROJECT_SOURCE_DIR}/packaging/messageu-follow.service.in\"
                 \"${messageu_units_build_dir}/messageu-follow.service\" @ONLY)
  file(INSTALL DESTINATION \"\${CMAKE_INSTALL_PREFIX}/lib/systemd/system\" TYPE FILE
       FILES \"${messageu_units_build_dir}/messageu-server.service\"
             \"${messageu_units_build_dir}/messageu-server@.service\")
  file(INSTALL DESTINATION \"\${CMAKE_INSTALL_PREFIX}/lib/systemd/user\" TYPE FILE
       FILES \"${messageu_units_build_dir}/messageu-pull.service\"
             \"${messageu_units_build_dir}/messageu-follow.service\"
             \"${PROJECT_SOURCE_DIR}/packaging/messageu-pull.timer\")
")
