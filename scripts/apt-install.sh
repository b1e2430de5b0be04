#!/usr/bin/env bash
# Install Debian packages as root (or through sudo), for the ensure-*.sh scripts.
#
#   scripts/apt-install.sh WHO PACKAGE...
#
# WHO names the calling script in messages. Tries without `apt-get update`
# first (fast when the package lists are fresh), then with it.
set -euo pipefail

who="$1"
shift

run_root() {
    if [[ $(id -u) -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        echo "$who: missing $*; install it as root" >&2
        exit 1
    fi
}

echo "$who: installing $*"
export DEBIAN_FRONTEND=noninteractive
run_root apt-get install -y -q "$@" >/dev/null ||
    { run_root apt-get update -q >/dev/null && run_root apt-get install -y -q "$@" >/dev/null; }
