#!/usr/bin/env bash
# Make sure the local PostgreSQL serves the project's role and databases.
#
#   scripts/ensure-postgres.sh [DBNAME ...]      (default: bielefeld_digital)
#
# Idempotent, and it changes nothing that is already as needed: installs
# Debian's postgresql if no server is installed, starts the local cluster if it
# is down, creates the role `bielefeld` (password `bielefeld`, CREATEDB so
# pytest-django can create its test database) and each named database owned by
# it when missing, and repairs only what it finds missing. Needs root (or sudo) for the
# install, the start and the postgres superuser. Matches the URL
#   postgres://bielefeld:bielefeld@127.0.0.1:5432/DBNAME
#
# Also the app role `bielefeld_app` (password `bielefeld_app`), which owns
# nothing: it may read and write the rows of every table `bielefeld` creates in
# these databases, but not change the schema, truncate or disable triggers
# (README, "Database roles"). `bielefeld` is a member, so tests can SET ROLE to
# it. Both passwords are for this local machine only.
set -euo pipefail

ROLE=bielefeld
PASSWORD=bielefeld
APP_ROLE=bielefeld_app
APP_PASSWORD=bielefeld_app
HOST=127.0.0.1
PORT=5432
if [[ $# -eq 0 ]]; then
    set -- bielefeld_digital
fi

log() { echo "ensure-postgres: $*"; }
die() {
    echo "ensure-postgres: $*" >&2
    exit 1
}

as_root() {
    if [[ $(id -u) -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "need root for: $* (or set DATABASE_URL to a PostgreSQL you run yourself)"
    fi
}

as_postgres() {
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        sudo -u postgres "$@"
    fi
}

psql_super() {
    # Superuser over the local socket (peer/trust auth as the postgres user).
    psql_super_in postgres "$@"
}

psql_super_in() {
    local db="$1"
    shift
    (cd / && as_postgres psql -X -q -v ON_ERROR_STOP=1 -p "$PORT" -d "$db" "$@")
}

# 1. Server installed?
if ! command -v pg_ctlcluster >/dev/null 2>&1 || [[ -z "$(ls /etc/postgresql 2>/dev/null || true)" ]]; then
    log "PostgreSQL server not installed; installing Debian's postgresql"
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get install -y -q postgresql >/dev/null ||
        { as_root apt-get update -q >/dev/null && as_root apt-get install -y -q postgresql >/dev/null; } ||
        die "could not install postgresql"
fi

# 2. Cluster running and accepting TCP connections?
ready() { pg_isready -q -h "$HOST" -p "$PORT" >/dev/null 2>&1; }
if ! ready; then
    version="$(ls /etc/postgresql | sort -V | tail -n 1)"
    log "starting cluster $version/main"
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start ||
        log "pg_ctlcluster start returned non-zero; waiting anyway"
    for _ in $(seq 1 30); do
        ready && break
        sleep 1
    done
    ready || die "PostgreSQL on $HOST:$PORT did not come up within 30 s"
fi

# 3. Role and databases (names are fixed identifiers above, safe to inline).
# Each is checked first and changed only where it is not as needed, so a run on
# a machine that is ready changes nothing (and says so).
changed=()
can_log_in() { # ROLE PASSWORD: over TCP with the password, as the project's URL does
    PGPASSWORD="$2" psql -X -q -h "$HOST" -p "$PORT" -U "$1" -d postgres -Atc 'SELECT 1' >/dev/null 2>&1
}
role_is() { # ROLE CONDITION: the role exists and pg_roles says CONDITION of it
    [[ "$(psql_super -Atc "SELECT 1 FROM pg_roles WHERE rolname = '$1' AND $2")" == "1" ]]
}
if ! role_is "$ROLE" "true"; then
    log "creating role $ROLE"
    psql_super -c "CREATE ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD'"
    changed+=("role $ROLE created")
elif ! role_is "$ROLE" "rolcanlogin AND rolcreatedb" || ! can_log_in "$ROLE" "$PASSWORD"; then
    # Keep an existing role usable (login, CREATEDB for the test database).
    log "role $ROLE cannot log in with its password or create databases; setting both"
    psql_super -c "ALTER ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD'"
    changed+=("role $ROLE reset")
fi
if ! role_is "$APP_ROLE" "true"; then
    log "creating role $APP_ROLE (owns nothing)"
    psql_super -c "CREATE ROLE $APP_ROLE LOGIN PASSWORD '$APP_PASSWORD'"
    changed+=("role $APP_ROLE created")
elif ! role_is "$APP_ROLE" "rolcanlogin AND NOT rolsuper AND NOT rolcreatedb AND NOT rolcreaterole" ||
    ! can_log_in "$APP_ROLE" "$APP_PASSWORD"; then
    log "role $APP_ROLE is not as needed (login with its password, no further rights); resetting it"
    psql_super -c "ALTER ROLE $APP_ROLE LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '$APP_PASSWORD'"
    changed+=("role $APP_ROLE reset")
fi
is_member="$(psql_super -Atc "SELECT 1 FROM pg_auth_members WHERE roleid = '$APP_ROLE'::regrole AND member = '$ROLE'::regrole")"
if [[ "$is_member" != "1" ]]; then
    log "making $ROLE a member of $APP_ROLE"
    psql_super -c "GRANT $APP_ROLE TO $ROLE"
    changed+=("$ROLE member of $APP_ROLE")
fi
# Whether the app role has every right the grants below give (has_*_privilege
# with a list is true if any one is held, hence one call per right).
APP_RIGHTS_SQL="SELECT has_database_privilege('$APP_ROLE', current_database(), 'CONNECT')
    AND has_schema_privilege('$APP_ROLE', 'public', 'USAGE')
    AND NOT EXISTS (
        SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        CROSS JOIN unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE']) AS p(privilege)
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
          AND NOT has_table_privilege('$APP_ROLE', c.oid, p.privilege))
    AND NOT EXISTS (
        SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        CROSS JOIN unnest(ARRAY['USAGE', 'SELECT']) AS p(privilege)
        WHERE n.nspname = 'public' AND c.relkind = 'S'
          AND NOT has_sequence_privilege('$APP_ROLE', c.oid, p.privilege))
    AND (SELECT count(DISTINCT (d.defaclobjtype, a.privilege_type))
         FROM pg_default_acl d CROSS JOIN aclexplode(d.defaclacl) a
         WHERE d.defaclrole = '$ROLE'::regrole AND d.defaclnamespace = 'public'::regnamespace
           AND a.grantee = '$APP_ROLE'::regrole
           AND (d.defaclobjtype, a.privilege_type) IN (('r', 'SELECT'), ('r', 'INSERT'),
               ('r', 'UPDATE'), ('r', 'DELETE'), ('S', 'USAGE'), ('S', 'SELECT'))) = 6"
for db in "$@"; do
    [[ "$db" =~ ^[a-z_][a-z0-9_]*$ ]] || die "unsafe database name: $db"
    has_db="$(psql_super -Atc "SELECT 1 FROM pg_database WHERE datname = '$db'")"
    if [[ "$has_db" != "1" ]]; then
        log "creating database $db owned by $ROLE"
        psql_super -c "CREATE DATABASE $db OWNER $ROLE"
        changed+=("database $db created")
    fi
    if [[ "$(psql_super_in "$db" -Atc "$APP_RIGHTS_SQL")" == "t" ]]; then
        continue
    fi
    # The app role's rights, as the README's "Database roles" grants them: on
    # the tables there are, and on those the owner's migrations create later.
    log "granting $APP_ROLE its rights in $db"
    psql_super_in "$db" \
        -c "GRANT CONNECT ON DATABASE $db TO $APP_ROLE" \
        -c "GRANT USAGE ON SCHEMA public TO $APP_ROLE" \
        -c "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO $APP_ROLE" \
        -c "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO $APP_ROLE" \
        -c "ALTER DEFAULT PRIVILEGES FOR ROLE $ROLE IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO $APP_ROLE" \
        -c "ALTER DEFAULT PRIVILEGES FOR ROLE $ROLE IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO $APP_ROLE"
    changed+=("rights of $APP_ROLE in $db")
done

# 4. The URL the project uses must work over TCP with the password.
for db in "$@"; do
    PGPASSWORD="$PASSWORD" psql -X -q -h "$HOST" -p "$PORT" -U "$ROLE" -d "$db" -Atc 'SELECT 1' >/dev/null ||
        die "cannot connect as $ROLE to $db on $HOST:$PORT"
    PGPASSWORD="$APP_PASSWORD" psql -X -q -h "$HOST" -p "$PORT" -U "$APP_ROLE" -d "$db" -Atc 'SELECT 1' >/dev/null ||
        die "cannot connect as $APP_ROLE to $db on $HOST:$PORT"
done
if [[ ${#changed[@]} -eq 0 ]]; then
    summary="nothing changed"
else
    summary="$(printf '%s, ' "${changed[@]}")"
    summary="changed: ${summary%, }"
fi
log "ok: postgres://$ROLE:***@$HOST:$PORT/{$(
    IFS=,
    echo "$*"
)} ($summary)"
