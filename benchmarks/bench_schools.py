"""How the school pages, the report and the staff matrix cope with all of NRW.

    make bench-schools
    BENCH_DATABASE_URL=postgres://.../bielefeld_bench_schools \
        python benchmarks/bench_schools.py [--runs 20] [--warmup 1]

Issue 5: with the full NRW directory (about 5,600 schools) in scope of a plan
with 50 measures tracked per school, the pages must stay fast and their query
counts constant. This script creates the PostgreSQL database named in
BENCH_DATABASE_URL afresh (its name must contain "bench"; default: the local
bielefeld_bench_schools), migrates it, imports tests/data/schuldaten.csv with
`import_schools` (twice: the second run must change nothing), generates a demo
plan of 500 measures over every school in operation, each with 3 indicators of
10 readings (`generate_demo --existing-schools --tracked 50`), and renders each
page in-process with Django's test Client under production settings
(benchmarks.settings, DEBUG off): warm-up requests, then timed ones. It prints
min/median/p95 in ms, the SQL queries per request, the status and the size, and
the process's peak memory. A page that does not exist yet answers 404 and is
reported as "nicht vorhanden (404)".

The database is dropped at the end, also after an error. The developer's
database (DATABASE_URL, db.sqlite3) and the test database are never used.
collectstatic writes to STATIC_ROOT, as `make bench` does.
"""

import argparse
import io
import logging
import os
import resource
import secrets
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgres://bielefeld:bielefeld@127.0.0.1:5432/bielefeld_bench_schools"
DIRECTORY = ROOT / "tests" / "data" / "schuldaten.csv"

# The demo plan: 50 measures tracked at every school, 450 with entered counts or
# none; every one with 3 indicators of 10 readings (issue 12's size).
MEASURES = 500
TRACKED = 50
FIELDS = 8
SEED = 1

# The pages and their query parameters.
SCHOOL_LIST_PAGES = [
    "/schulen/",
    "/schulen/?suche=gymnasium",
    "/schulen/?schulform=02&seite=3",
]
SCHOOL_PAGE = "/schulen/{number}/"
# The school page shows the first Gymnasium of the Stadt Bielefeld (Trägernummer).
SCHOOL_PAGE_AUTHORITY, SCHOOL_PAGE_FORM = "10261", "20"
MEASURE_PAGE = "/massnahmen/{slug}/"
REPORT_PAGE = "/"
STAFF_MATRIX = "/verwaltung/schulen/"
REPORT_PDF = "/bericht.pdf"

# Production settings with the benchmark's database; set before Django reads them.
BENCH_DATABASE_URL = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE_URL
os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
os.environ["DATABASE_URL"] = BENCH_DATABASE_URL
os.environ["DJANGO_DEBUG"] = "0"
os.environ["ALLOWED_HOSTS"] = "testserver"
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("LOG_LEVEL", "WARNING")
for name in ("WHITENOISE_USE_FINDERS", "CSRF_TRUSTED_ORIGINS", "SECURE_HSTS_SECONDS"):
    os.environ.pop(name, None)

import dj_database_url  # noqa: E402
import django  # noqa: E402
import psycopg  # noqa: E402
from psycopg import sql  # noqa: E402

django.setup()
# Pages that do not exist yet would log "Not Found" per request; errors still show.
logging.getLogger("django.request").setLevel(logging.ERROR)

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from measures.models import Measure, Plan, Status  # noqa: E402
from measures.rollout import SchoolRollout  # noqa: E402
from schools.models import School  # noqa: E402
from tests.two_factor import verified_login  # noqa: E402


def _peak_mib() -> float:
    """The process's peak resident memory so far (ru_maxrss: KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)


def _step(label: str, seconds: float, note: str = "") -> None:
    print(f"  {label:<34} {seconds:>7.2f} s   {_peak_mib():>5.0f} MiB peak   {note}", flush=True)


# --- the database ----------------------------------------------------------------


def _server(url: str) -> tuple[str, psycopg.Connection]:
    """The benchmark database's name, and a connection to its server's `postgres` database."""
    config = dj_database_url.parse(url)
    name = config["NAME"]
    if "postgresql" not in config["ENGINE"]:
        raise SystemExit(f"bench-schools: needs PostgreSQL, not {config['ENGINE']}")
    if "bench" not in name:
        # It is dropped afterwards: never a developer's or the test suite's database.
        raise SystemExit(f"bench-schools: refusing database {name!r}: its name lacks 'bench'")
    server = psycopg.connect(
        dbname="postgres",
        user=config["USER"],
        password=config["PASSWORD"],
        host=config["HOST"],
        port=config["PORT"] or 5432,
        autocommit=True,
    )
    return name, server


def _create_database(url: str) -> None:
    name, server = _server(url)
    with server:
        server.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _drop_database(url: str) -> None:
    connections.close_all()
    name, server = _server(url)
    with server:
        server.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
    print(f"dropped database {name}")


# --- setup -----------------------------------------------------------------------


def _directory_state() -> dict[int, tuple]:
    """Every school's values, to see whether an import changed any."""
    names = [f.attname for f in School._meta.concrete_fields]
    return {row[0]: row for row in School.objects.order_by("pk").values_list(*names)}


def _import_directory(label: str) -> None:
    out = io.StringIO()
    start = time.perf_counter()
    call_command("import_schools", str(DIRECTORY), stdout=out)
    summary = out.getvalue().splitlines()[0] if out.getvalue() else ""
    _step(label, time.perf_counter() - start, summary)


def setup() -> tuple[Plan, User]:
    quiet = io.StringIO()
    start = time.perf_counter()
    call_command("migrate", verbosity=0, stdout=quiet)
    _step("migrate", time.perf_counter() - start)

    _import_directory("import_schools schuldaten.csv")
    before = _directory_state()
    _import_directory("import_schools again")
    after = _directory_state()
    changed = sum(before[pk] != after.get(pk) for pk in before) + len(after.keys() - before)
    print(
        f"  {'':<34} second import changed "
        + ("nothing" if not changed else f"{changed} schools (it should change nothing!)")
    )

    out = io.StringIO()
    start = time.perf_counter()
    call_command(
        "generate_demo",
        "--existing-schools",
        f"--measures={MEASURES}",
        f"--tracked={TRACKED}",
        f"--fields={FIELDS}",
        f"--seed={SEED}",
        stdout=out,
    )
    _step("generate_demo (bulk, with history)", time.perf_counter() - start)
    print(f"  {'':<34} {out.getvalue().strip()}")

    start = time.perf_counter()
    with connection.cursor() as cursor:
        # Fresh bulk-loaded tables have no planner statistics yet; production's have.
        cursor.execute("VACUUM ANALYZE")
    _step("VACUUM ANALYZE", time.perf_counter() - start)

    start = time.perf_counter()
    call_command("collectstatic", interactive=False, verbosity=0)
    _step("collectstatic", time.perf_counter() - start)

    user = User.objects.create_superuser("bench", password=secrets.token_urlsafe(20))
    return Plan.objects.current(), user


# --- pages -----------------------------------------------------------------------


@dataclass
class Result:
    label: str
    path: str
    status: int = 0
    times_ms: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    size: int = 0

    @property
    def missing(self) -> bool:
        return self.status == 404

    def row(self) -> str:
        if self.missing:
            return f"{self.label:<28} {'nicht vorhanden (404)':>40}   {self.path}"
        times = sorted(self.times_ms)
        p95 = (
            statistics.quantiles(times, n=20, method="inclusive")[-1]
            if len(times) > 1
            else times[-1]
        )
        low, high = min(self.queries), max(self.queries)
        queries = str(low) if low == high else f"{low}-{high}"
        return (
            f"{self.label:<28} {self.status:>4} {times[0]:>8.1f} "
            f"{statistics.median(times):>8.1f} {p95:>8.1f} {queries:>7} "
            f"{self.size / 1024:>7.0f}   {self.path}"
        )


HEADER = (
    f"{'page':<28} {'HTTP':>4} {'min ms':>8} {'med ms':>8} {'p95 ms':>8} {'queries':>7} "
    f"{'KiB':>7}   path"
)


def measure(client: Client, label: str, path: str, runs: int, warmup: int) -> Result:
    """Time `runs` GETs of `path` after `warmup` untimed ones; stop at a 404."""
    result = Result(label, path)
    start = time.perf_counter()
    for _ in range(warmup):
        result.status = client.get(path).status_code
        if result.missing:
            break
    for _ in range(0 if result.missing else runs):
        with CaptureQueriesContext(connection) as captured:
            request_start = time.perf_counter()
            response = client.get(path)
            elapsed = time.perf_counter() - request_start
        result.status = response.status_code
        if result.missing:
            break
        result.times_ms.append(elapsed * 1000)
        result.queries.append(len(captured.captured_queries))
        result.size = len(response.content)
    done = "nicht vorhanden (404)" if result.missing else f"HTTP {result.status}"
    _step(label, time.perf_counter() - start, done)
    return result


def pages(plan: Plan) -> list[tuple[str, str]]:
    today = timezone.localdate()
    scope = plan.schools(today).order_by("school_number")
    school = (
        scope.filter(authority_number=SCHOOL_PAGE_AUTHORITY, school_form=SCHOOL_PAGE_FORM).first()
        or scope.first()
    )
    tracked = (
        Measure.objects.for_plan(plan)
        .filter(school_rollouts__isnull=False)
        .distinct()
        .order_by("field__position", "position")
    )
    measure = tracked.filter(status=Status.IN_PROGRESS).first() or tracked.first()
    # Not tracked per school, with a percentage that changes its base halfway: four charts.
    charted = (
        Measure.objects.for_plan(plan)
        .filter(school_rollouts__isnull=True, indicators__readings__unit_detail="der Schulen")
        .distinct()
        .order_by("field__position", "position")
        .first()
    )
    return [
        *[(f"school list {i + 1}", path) for i, path in enumerate(SCHOOL_LIST_PAGES)],
        ("school page", SCHOOL_PAGE.format(number=school.school_number)),
        ("tracked measure page", MEASURE_PAGE.format(slug=measure.slug)),
        # Schools imported without the city's district file have no district.
        ("  one district's schools", MEASURE_PAGE.format(slug=measure.slug) + "?bezirk=ohne"),
        ("measure page with charts", MEASURE_PAGE.format(slug=charted.slug)),
        (f"report ({Measure.objects.for_plan(plan).count()} measures)", REPORT_PAGE),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="timed requests per page (20)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed requests first (1)")
    parser.add_argument(
        "--keep-database",
        action="store_true",
        help="leave the database for a closer look (drop it yourself afterwards)",
    )
    args = parser.parse_args()
    if args.runs < 1 or args.warmup < 0:
        parser.error("--runs must be at least 1, --warmup at least 0")

    started = time.perf_counter()
    name = dj_database_url.parse(BENCH_DATABASE_URL)["NAME"]
    # Other work on the machine skews the timings; the load says how much there was.
    print(
        f"bench-schools: PostgreSQL database {name}, {os.cpu_count()} cores, "
        f"load {os.getloadavg()[0]:.1f}"
    )
    _create_database(BENCH_DATABASE_URL)
    try:
        print("setup")
        plan, user = setup()
        today = timezone.localdate()
        print(
            f"  plan: {plan.schools(today).count()} schools in operation in scope, "
            f"{SchoolRollout.objects.count()} per-school rows "
            f"({SchoolRollout.history.count()} history records)"
        )

        print(f"pages: {args.warmup} warm-up + {args.runs} timed requests each", flush=True)
        # As behind production's TLS proxy (SECURE_PROXY_SSL_HEADER): no redirect to https.
        behind_proxy = {"X-Forwarded-Proto": "https"}
        public = Client(headers=behind_proxy, raise_request_exception=False)
        staff = Client(headers=behind_proxy, raise_request_exception=False)
        # An administrator gives the second factor first, or every page is the code page.
        verified_login(staff, user)
        results = [
            measure(public, label, path, args.runs, args.warmup) for label, path in pages(plan)
        ]
        results += [
            measure(staff, "staff matrix (superuser)", STAFF_MATRIX, args.runs, args.warmup),
            measure(
                staff,
                "  page 50, Grundschulen",
                STAFF_MATRIX + "?schulform=02&seite=50",
                args.runs,
                args.warmup,
            ),
        ]
        # The first deck of the process (it also unpacks the fonts) takes seconds;
        # once shows the order of magnitude. bench-decks times it in detail.
        results.append(measure(public, "report PDF (once, first)", REPORT_PDF, 1, 0))

        print()
        print(HEADER)
        for result in results:
            print(result.row())
    finally:
        if args.keep_database:
            print(f"kept database {name}")
        else:
            _drop_database(BENCH_DATABASE_URL)
    print(f"peak memory (ru_maxrss): {_peak_mib():.0f} MiB")
    print(f"total: {time.perf_counter() - started:.0f} s, load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
