#!/usr/bin/env bash
# Make sure pg_dump and pg_restore are installed (Debian's postgresql-client):
# the backup test (tests/measures/test_backup_restore.py) runs them, also when
# DATABASE_URL points at a server elsewhere and no local server brought them.
set -euo pipefail

if command -v pg_dump >/dev/null 2>&1 && command -v pg_restore >/dev/null 2>&1; then
    exit 0
fi

run_root() {
    if [[ $(id -u) -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        echo "ensure-pg-client: pg_dump/pg_restore missing; install postgresql-client as root" >&2
        exit 1
    fi
}

echo "ensure-pg-client: installing postgresql-client"
export DEBIAN_FRONTEND=noninteractive
run_root apt-get install -y -q postgresql-client >/dev/null ||
    { run_root apt-get update -q >/dev/null && run_root apt-get install -y -q postgresql-client >/dev/null; }
