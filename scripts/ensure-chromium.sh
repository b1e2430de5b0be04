#!/usr/bin/env bash
# Make sure Debian's Chromium is installed for the browser tests (Playwright
# drives /usr/bin/chromium; its own browser download is not used).
set -euo pipefail

CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if [[ -x "$CHROMIUM" ]]; then
    exit 0
fi
if [[ "$CHROMIUM" != /usr/bin/chromium ]]; then
    echo "ensure-chromium: $CHROMIUM not found" >&2
    exit 1
fi

run_root() {
    if [[ $(id -u) -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        echo "ensure-chromium: /usr/bin/chromium missing; install Debian's chromium as root" >&2
        exit 1
    fi
}

echo "ensure-chromium: installing Debian's chromium"
export DEBIAN_FRONTEND=noninteractive
run_root apt-get install -y -q chromium >/dev/null ||
    { run_root apt-get update -q >/dev/null && run_root apt-get install -y -q chromium >/dev/null; }
[[ -x /usr/bin/chromium ]] || { echo "ensure-chromium: install failed" >&2; exit 1; }
/usr/bin/chromium --version
