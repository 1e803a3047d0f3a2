#!/usr/bin/env bash
# Installs what tconv needs on Debian/Ubuntu (if missing) and builds a release binary.
# Usage: ./setup.sh && .build/release/tconv
set -euo pipefail
cd "$(dirname "$0")"
packages=(libncursesw5-dev libreadline-dev)
missing=()
for p in "${packages[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}" >&2
    sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}"
fi
command -v swift >/dev/null 2>&1 || { echo "setup: Swift 6 is needed (https://swift.org/install)" >&2; exit 1; }
swift build -c release --product tconv >&2
echo "setup: built .build/release/tconv" >&2
