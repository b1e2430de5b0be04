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

bash "$(dirname "$0")/apt-install.sh" ensure-chromium chromium
[[ -x /usr/bin/chromium ]] || { echo "ensure-chromium: install failed" >&2; exit 1; }
/usr/bin/chromium --version
