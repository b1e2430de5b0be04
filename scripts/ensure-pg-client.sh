#!/usr/bin/env bash
# Make sure pg_dump and pg_restore are installed (Debian's postgresql-client):
# the backup test (tests/measures/test_backup_restore.py) runs them, also when
# DATABASE_URL points at a server elsewhere and no local server brought them.
set -euo pipefail

if command -v pg_dump >/dev/null 2>&1 && command -v pg_restore >/dev/null 2>&1; then
    exit 0
fi

bash "$(dirname "$0")/apt-install.sh" ensure-pg-client postgresql-client
