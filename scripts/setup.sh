#!/usr/bin/env bash
# Installs, with apt, the Debian packages needed to build and test messageu, and only those
# missing: fast and silent when everything is already there. Needs root (or sudo) when
# something is missing.
set -euo pipefail

packages=(
  cmake ninja-build g++ pkg-config
  libcli11-dev libcrypto++-dev libboost-dev libfmt-dev libsqlite3-dev libgtest-dev
  libpq-dev postgresql haproxy
  python3 python3-cryptography openssl time procps sqlite3
  bash-completion zsh fish groff-base
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
