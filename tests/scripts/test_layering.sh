#!/usr/bin/env bash
# Checks the dependency rule of ARCHITECTURE.md on the sources themselves: which layer may
# include which other layer, and which single layer wraps each third-party library.
set -uo pipefail
root=${MESSAGEU_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$root/lib/messageu" || exit 1
failures=0

# allowed_layers LAYER: the messageu layers LAYER may include (besides itself).
allowed_layers() {
  case $1 in
    util) echo "" ;;
    protocol) echo "util" ;;
    crypto) echo "util" ;;
    sqlite) echo "util" ;;
    postgres) echo "util" ;;
    store) echo "util sqlite postgres protocol" ;;
    client_state) echo "util sqlite" ;;
    transport) echo "util protocol" ;;
    client) echo "util protocol crypto client_state transport" ;;
  esac
}

fail() { echo "layering: $*" >&2; failures=$((failures + 1)); }

for layer in util protocol crypto sqlite postgres store client_state transport client; do
  [ -d "$layer" ] || continue
  allowed="$layer $(allowed_layers "$layer")"
  while IFS= read -r line; do
    file=${line%%:*}
    included=$(sed -E 's|.*<messageu/([a-z_]+)/.*|\1|' <<<"$line")
    [[ " $allowed " == *" $included "* ]] || fail "$file includes the $included layer"
  done < <(grep -HE '#include <messageu/' "$layer"/*.hpp "$layer"/*.cpp 2>/dev/null)
done

# Third-party headers: each wrapped by exactly one layer.
check_only() {
  local pattern=$1 owner=$2
  while IFS= read -r file; do
    [[ $file == "$owner"/* ]] || fail "$file includes $pattern outside the $owner layer"
  done < <(grep -lE "#include <$pattern" -- */*.hpp */*.cpp 2>/dev/null)
}
check_only 'cryptopp/' crypto
check_only 'sqlite3\.h' sqlite
check_only 'libpq-fe\.h' postgres
check_only 'boost/asio' transport

# Public headers of wrapping layers must not leak the wrapped library.
for pattern in 'cryptopp/' 'sqlite3\.h' 'libpq-fe\.h' 'boost/'; do
  while IFS= read -r file; do
    fail "header $file exposes $pattern"
  done < <(grep -lE "#include <$pattern" -- */*.hpp 2>/dev/null)
done

# The programs reach Crypto++, SQLite and libpq only through the library.
while IFS= read -r file; do
  fail "$file includes Crypto++, SQLite or libpq directly"
done < <(grep -rlE '#include <(cryptopp/|sqlite3\.h|libpq-fe\.h)' "$root/cli" "$root/server" "$root/bench" 2>/dev/null)

# The server keeps to the server's store, the CLI to the client's state.db.
while IFS= read -r file; do
  fail "$file includes a client layer"
done < <(grep -rlE '#include <messageu/(client|client_state)/' "$root/server" 2>/dev/null)
while IFS= read -r file; do
  fail "$file includes the server's store or a database wrapper"
done < <(grep -rlE '#include <messageu/(store|sqlite|postgres)/' "$root/cli" 2>/dev/null)

if [ "$failures" -ne 0 ]; then
  echo "1 failed: $failures layering violations" >&2
  exit 1
fi
echo "layering: the dependency rule holds"
