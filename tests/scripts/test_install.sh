#!/usr/bin/env bash
# Checks what `cmake --install` and `cpack -G DEB` produce from the build directory:
#   - every file in its place under the prefix: the two programs (which run), the manual pages,
#     the completions where bash, zsh and fish look for them, the systemd units, the
#     documentation; the installed copies identical to the sources;
#   - the units name the programs at their installed path, for a plain prefix and for a staged
#     one (DESTDIR, as packaging does), and the server's unit is hardened;
#   - systemd-analyze accepts the units (when systemd-analyze is installed);
#   - the .deb holds the same files under /usr, with its dependencies and maintainer scripts.
# Needs MESSAGEU_BUILD_DIR (set by ctest) naming a build directory whose programs are built.
set -uo pipefail
root=${MESSAGEU_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${MESSAGEU_BUILD_DIR:?MESSAGEU_BUILD_DIR must name the build directory}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# shellcheck source=checks.sh
source "$root/tests/scripts/checks.sh"

# The installed files, relative to the prefix, and the source each one is a copy of ("" for
# the programs and the units, which are built or configured).
declare -A expected=(
  [bin/messageu]=""
  [bin/messageu-server]=""
  [share/man/man1/messageu.1]=man/messageu.1
  [share/man/man1/messageu-server.1]=man/messageu-server.1
  [share/bash-completion/completions/messageu]=completions/messageu.bash
  [share/zsh/site-functions/_messageu]=completions/_messageu
  [share/fish/vendor_completions.d/messageu.fish]=completions/messageu.fish
  [share/doc/messageu/README.md]=README.md
  [share/doc/messageu/examples/messageu-server.default]=packaging/messageu-server.default
  [lib/systemd/system/messageu-server.service]=""
  [lib/systemd/system/messageu-server@.service]=""
  [lib/systemd/user/messageu-pull.service]=""
  [lib/systemd/user/messageu-follow.service]=""
  [lib/systemd/user/messageu-pull.timer]=packaging/messageu-pull.timer
)

# check_tree PREFIX_DIR BIN_PATH: every expected file is under PREFIX_DIR, sources copied
# unchanged, and the units run the programs from BIN_PATH.
check_tree() {
  local tree=$1 bindir=$2 file source
  for file in "${!expected[@]}"; do
    source=${expected[$file]}
    if [ ! -f "$tree/$file" ]; then
      fail "$file is not installed under $tree"
    elif [ -n "$source" ] && ! cmp -s "$root/$source" "$tree/$file"; then
      fail "$tree/$file differs from $source"
    else
      pass
    fi
  done
  grep -qE "^ExecStart=$bindir/messageu-server " "$tree/lib/systemd/system/messageu-server.service" &&
    pass || fail "messageu-server.service does not run $bindir/messageu-server"
  grep -qE "^ExecStart=$bindir/messageu-server --port=%i " \
    "$tree/lib/systemd/system/messageu-server@.service" &&
    pass || fail "messageu-server@.service does not run $bindir/messageu-server on its port"
  grep -qF "exec \"$bindir/messageu\" " "$tree/lib/systemd/user/messageu-pull.service" &&
    pass || fail "messageu-pull.service does not run $bindir/messageu"
  grep -qF "exec \"$bindir/messageu\" " "$tree/lib/systemd/user/messageu-follow.service" &&
    pass || fail "messageu-follow.service does not run $bindir/messageu"
  if grep -q '@[A-Z_]*@' "$tree"/lib/systemd/*/*; then
    fail "a unit under $tree still holds a @VARIABLE@"
  else
    pass
  fi
}

# --- cmake --install --prefix ----------------------------------------------------------------

prefix=$work/prefix
if cmake --install "$build" --prefix "$prefix" >"$work/install.log" 2>&1; then
  pass
else
  fail "cmake --install $build --prefix $prefix:"$'\n'"$(cat "$work/install.log")"
fi
check_tree "$prefix" "$prefix/bin"
for program in messageu messageu-server; do
  "$prefix/bin/$program" --version >/dev/null 2>&1 && pass ||
    fail "the installed $program does not run"
done
"$prefix/bin/messageu" completion bash | cmp -s - "$root/completions/messageu.bash" && pass ||
  fail "the installed messageu does not print the installed bash completion"

# The server's unit is hardened as the documentation says.
unit=$prefix/lib/systemd/system/messageu-server.service
for setting in DynamicUser=yes StateDirectory=messageu "WorkingDirectory=%S/messageu" \
  NoNewPrivileges=yes ProtectSystem=strict ProtectHome=yes PrivateTmp=yes PrivateDevices=yes \
  "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX" SystemCallFilter=@system-service \
  CapabilityBoundingSet= MemoryDenyWriteExecute=yes UMask=0077; do
  grep -qxF "$setting" "$unit" && pass || fail "messageu-server.service lacks $setting"
done
grep -qE '^ExecStart=.* --db=%S/messageu/defensive\.db ' "$unit" && pass ||
  fail "messageu-server.service does not keep its database in the state directory"
grep -qE '^OnUnitActiveSec=' "$prefix/lib/systemd/user/messageu-pull.timer" && pass ||
  fail "messageu-pull.timer does not repeat"

if command -v systemd-analyze >/dev/null; then
  if systemd-analyze verify --man=no "$unit" >"$work/verify.log" 2>&1; then
    pass
  else
    fail "systemd-analyze verify messageu-server.service:"$'\n'"$(cat "$work/verify.log")"
  fi
  mkdir -m 0700 "$work/runtime"
  if XDG_RUNTIME_DIR=$work/runtime systemd-analyze verify --man=no --user \
    "$prefix/lib/systemd/user/messageu-pull.timer" \
    "$prefix/lib/systemd/user/messageu-pull.service" >"$work/verify.log" 2>&1; then
    pass
  else
    fail "systemd-analyze verify --user messageu-pull:"$'\n'"$(cat "$work/verify.log")"
  fi
  if XDG_RUNTIME_DIR=$work/runtime systemd-analyze verify --man=no --user \
    "$prefix/lib/systemd/user/messageu-follow.service" >"$work/verify.log" 2>&1; then
    pass
  else
    fail "systemd-analyze verify --user messageu-follow:"$'\n'"$(cat "$work/verify.log")"
  fi
else
  echo "test_install: systemd-analyze is not installed: the units are not verified" >&2
fi

# --- A staged install, as a package is made ---------------------------------------------------

stage=$work/stage
if DESTDIR=$stage cmake --install "$build" --prefix /usr >"$work/install.log" 2>&1; then
  pass
else
  fail "DESTDIR=$stage cmake --install --prefix /usr:"$'\n'"$(cat "$work/install.log")"
fi
check_tree "$stage/usr" /usr/bin

# --- cpack -G DEB ----------------------------------------------------------------------------

if cpack --config "$build/CPackConfig.cmake" -G DEB -B "$work/package" >"$work/cpack.log" 2>&1
then
  pass
else
  fail "cpack -G DEB:"$'\n'"$(cat "$work/cpack.log")"
fi
package=$(find "$work/package" -maxdepth 1 -name 'messageu_*.deb' | head -1)
if [ -z "$package" ]; then
  fail "cpack made no messageu_*.deb"
else
  pass
  contents=$(dpkg-deb -c "$package" | awk '{print $NF}')
  for file in "${!expected[@]}"; do
    grep -qx "./usr/$file" <<<"$contents" && pass || fail "the .deb lacks /usr/$file"
  done
  [ "$(dpkg-deb -f "$package" Package)" == messageu ] && pass || fail "the .deb is not named messageu"
  version=$("$prefix/bin/messageu" --version | awk '{print $2}')
  [[ $(dpkg-deb -f "$package" Version) == "$version"-* ]] && pass ||
    fail "the .deb's version is not $version"
  depends=$(dpkg-deb -f "$package" Depends)
  for library in libcrypto++ libsqlite3; do
    [[ $depends == *"$library"* ]] && pass || fail "the .deb does not depend on $library"
  done
  dpkg-deb -e "$package" "$work/control"
  for script in postinst prerm postrm; do
    [ -x "$work/control/$script" ] && pass || fail "the .deb has no $script script"
  done
  # Read whole before matching: with pipefail, grep -q quitting at the first match could
  # leave tar writing to a closed pipe and fail the pipeline.
  unit=$(dpkg-deb --fsys-tarfile "$package" |
    tar -xO ./usr/lib/systemd/system/messageu-server.service 2>/dev/null)
  grep -qE '^ExecStart=/usr/bin/messageu-server ' <<<"$unit" && pass ||
    fail "the packaged messageu-server.service does not run /usr/bin/messageu-server"
fi

report test_install
