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

bash "$(dirname "$0")/apt-install.sh" ensure-pango "${missing[@]}"
