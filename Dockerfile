# Schuldigital-Monitor production image.
#
#   docker build -t schuldigital-monitor .
#   docker run -p 8000:8000 -e SECRET_KEY=... -e ALLOWED_HOSTS=portal.example \
#       -e DATABASE_URL=postgres://... schuldigital-monitor
#
# Run `python manage.py migrate` (and `load_bielefeld` once) with the same
# environment before or beside the first start. WEB_CONCURRENCY sets the
# number of gunicorn workers. TLS ends at the reverse proxy in front.
# TRUSTED_PROXY_COUNT=1: the image expects exactly one reverse proxy that
# appends the client's address to X-Forwarded-For (nginx: proxy_add_x_forwarded_for).
# Override it with -e TRUSTED_PROXY_COUNT=2 behind two, 0 if clients connect directly.

# --- KERN UX css and fonts from the npm package (same script as `make assets`) ---
FROM node:20-slim AS assets
WORKDIR /build
COPY package.json package-lock.json .npmrc ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY scripts/copy-kern-assets.sh scripts/copy-kern-assets.sh
RUN bash scripts/copy-kern-assets.sh node_modules/@kern-ux/native static/vendor/kern

# --- application ---------------------------------------------------------------------
FROM python:3.13-slim AS app

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=bielefeld_digital.settings \
    WEB_CONCURRENCY=2 \
    TRUSTED_PROXY_COUNT=1

RUN groupadd --system app \
    && useradd --system --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app

WORKDIR /app

# WeasyPrint (the PDF report) needs Pango and HarfBuzz at run time.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

# Runtime dependencies only, every file checked against its pinned hash.
COPY requirements/base.txt requirements/base.txt
RUN pip install --require-hashes -r requirements/base.txt

# The application (see .dockerignore) and the vendored design system.
COPY . .
COPY --from=assets /build/static/vendor/kern static/vendor/kern

# Hashed, compressed static files for whitenoise. The key only lets the
# settings load during the build; it is not in the running container's env.
RUN DJANGO_DEBUG=0 SECRET_KEY=build-only-collectstatic-key-never-used-at-runtime \
    python manage.py collectstatic --noinput --verbosity 1

# The code stays owned by root and read-only for the service user.
USER app

EXPOSE 8000

CMD ["gunicorn", "bielefeld_digital.wsgi:application", \
     "--bind", "0.0.0.0:8000", \
     "--no-control-socket", \
     "--worker-tmp-dir", "/dev/shm", \
     "--access-logfile", "-"]
