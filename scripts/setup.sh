#!/usr/bin/env bash
# Installs what MILPKit needs on Debian when it is missing: the CBC, CLP and GLPK development
# packages, zlib and SQLite, plus the cbc and glpsol executables the tests use as independent readers.
# Safe to run repeatedly; does nothing when everything is present.
set -euo pipefail

packages=(coinor-libcbc-dev coinor-libclp-dev libglpk-dev zlib1g-dev libsqlite3-dev pkg-config coinor-cbc glpk-utils liblapack-dev)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    echo "Installing ${missing[*]} ..."
    sudo_cmd=()
    [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v swift >/dev/null || { echo "swift is not on PATH: install Swift 6 first (swift.org)" >&2; exit 1; }
