#!/usr/bin/env bash
# `make bench`: requests/s and latency of the public page `/` under production
# settings, next to a bare Django view on the same server, so the figure says
# what the page costs beyond the framework floor on this machine.
#
# PostgreSQL database bielefeld_bench (created if missing), the Bielefeld plan
# loaded, collectstatic, gunicorn with 2 sync workers on a free 127.0.0.1 port,
# then wrk against each path. Only loopback is ever targeted.
#
# Knobs (environment): BENCH_DURATION (s, default 10), BENCH_WARMUP (s, 2),
# BENCH_THREADS (2), BENCH_CONNECTIONS (8), BENCH_WORKERS (2),
# BENCH_PATHS ("/_bare/ /"; the first one is the baseline),
# BENCH_DATABASE_URL (default: local bielefeld_bench).
# Raw wrk output and a JSON summary go to bench-results/ (gitignored).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${BENCH_DURATION:-10}"
WARMUP="${BENCH_WARMUP:-2}"
THREADS="${BENCH_THREADS:-2}"
CONNECTIONS="${BENCH_CONNECTIONS:-8}"
WORKERS="${BENCH_WORKERS:-2}"
read -r -a PATHS <<<"${BENCH_PATHS:-/_bare/ /}"
PY=.venv/bin/python

log() { echo "bench: $*"; }
die() {
    echo "bench: $*" >&2
    exit 1
}

[[ -x "$PY" ]] || die ".venv missing; run 'make bench' (it builds the venv first)"
for n in "$DURATION" "$WARMUP" "$THREADS" "$CONNECTIONS" "$WORKERS"; do
    [[ "$n" =~ ^[0-9]+$ ]] || die "BENCH_* numbers must be whole numbers, got '$n'"
done
((DURATION >= 1 && DURATION <= 120)) || die "BENCH_DURATION must be 1..120 seconds"
((WARMUP <= 30)) || die "BENCH_WARMUP must be at most 30 seconds"

# --- tools and database -------------------------------------------------------
if ! command -v wrk >/dev/null 2>&1; then
    log "installing Debian's wrk"
    [[ $(id -u) -eq 0 ]] || die "wrk missing; install it (apt-get install wrk) as root"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q wrk >/dev/null ||
        { apt-get update -q >/dev/null && apt-get install -y -q wrk >/dev/null; } ||
        die "could not install wrk"
fi

if [[ -z "${BENCH_DATABASE_URL:-}" ]]; then
    bash scripts/ensure-postgres.sh bielefeld_bench
    BENCH_DATABASE_URL=postgres://bielefeld:bielefeld@127.0.0.1:5432/bielefeld_bench
fi

# --- production settings, benchmark URLconf -------------------------------------
unset WHITENOISE_USE_FINDERS CSRF_TRUSTED_ORIGINS SECURE_HSTS_SECONDS
export DJANGO_SETTINGS_MODULE=benchmarks.settings
export DATABASE_URL="$BENCH_DATABASE_URL"
export DJANGO_DEBUG=0
export SECRET_KEY="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')"
export ALLOWED_HOSTS=127.0.0.1
export SECURE_SSL_REDIRECT=0
export LOG_LEVEL=WARNING

log "migrate, load_bielefeld, collectstatic"
"$PY" manage.py migrate --noinput --verbosity 0
"$PY" manage.py load_bielefeld >/dev/null
"$PY" manage.py collectstatic --noinput --verbosity 0

OUT=bench-results
mkdir -p "$OUT"
STAMP="$(date +%Y%m%d-%H%M%S)"

# --- server ------------------------------------------------------------------------
PORT="$("$PY" -m benchmarks.tools free-port)"
BASE="http://127.0.0.1:$PORT"
GUNICORN_PID=""
stop_server() {
    if [[ -n "$GUNICORN_PID" ]] && kill -0 "$GUNICORN_PID" 2>/dev/null; then
        kill -TERM "$GUNICORN_PID" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "$GUNICORN_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$GUNICORN_PID" 2>/dev/null || true
        wait "$GUNICORN_PID" 2>/dev/null || true
    fi
}
trap stop_server EXIT
trap 'exit 130' INT TERM

log "gunicorn: $WORKERS sync workers on $BASE"
.venv/bin/gunicorn bielefeld_digital.wsgi:application \
    --workers "$WORKERS" --worker-class sync \
    --bind "127.0.0.1:$PORT" --no-control-socket \
    --log-level warning --error-logfile "$OUT/gunicorn-$STAMP.log" &
GUNICORN_PID=$!

"$PY" -m benchmarks.tools wait "$BASE/healthz/" 30 ||
    die "server did not answer 200 on /healthz/ within 30 s (see $OUT/gunicorn-$STAMP.log)"

for path in "${PATHS[@]}"; do
    code="$("$PY" -m benchmarks.tools status "$BASE$path")"
    [[ "$code" == 200 ]] || die "GET $path answered $code, not 200; nothing to benchmark"
done

# --- load ----------------------------------------------------------------------------
runs=()
for path in "${PATHS[@]}"; do
    if ((WARMUP > 0)); then
        timeout $((WARMUP + 15)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" "$BASE$path" >/dev/null
    fi
    file="$OUT/wrk-$STAMP$(printf '%s' "$path" | tr -c 'a-zA-Z0-9_\n' '_').txt"
    log "wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency $path"
    timeout $((DURATION + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency \
        "$BASE$path" >"$file"
    runs+=("$path=$file")
done

stop_server
GUNICORN_PID=""

echo
echo "Schuldigital-Monitor benchmark: gunicorn $WORKERS sync workers, wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s, $(nproc) cores"
"$PY" -m benchmarks.tools report "$OUT/summary-$STAMP.json" "${runs[@]}"
echo "(raw output: $OUT/wrk-$STAMP*.txt, summary: $OUT/summary-$STAMP.json)"
