#!/usr/bin/env bash
# Make sure the libraries WeasyPrint needs for the PDF report (Pango, HarfBuzz
# subsetting) and a fallback font are installed from Debian's packages.
set -euo pipefail

PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core)
missing=()
for package in "${PACKAGES[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [[ ${#missing[@]} -eq 0 ]]; then
    exit 0
fi

run_root() {
    if [[ $(id -u) -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        echo "ensure-pango: missing ${missing[*]}; install them as root" >&2
        exit 1
    fi
}

echo "ensure-pango: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
run_root apt-get install -y -q "${missing[@]}" >/dev/null ||
    { run_root apt-get update -q >/dev/null && run_root apt-get install -y -q "${missing[@]}" >/dev/null; }
