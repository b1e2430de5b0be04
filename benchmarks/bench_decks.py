"""How long the deck takes: PDF (WeasyPrint) and PPTX (python-pptx) generation.

    DATABASE_URL=postgres://.../bielefeld_bench_decks SECRET_KEY=x \
        python benchmarks/bench_decks.py [--runs 3] [--measures 500]

Sets Django up itself (DJANGO_SETTINGS_MODULE defaults to the project's
settings), migrates the configured database, loads the Bielefeld plan and,
unless one exists already, a `generate_demo` plan with 500 measures. Use a
database of its own: the demo plan stays in it for the next run.

Prints per plan: pages, the snapshot's build time, the first PDF (which also
unpacks the fonts) and the median of the following runs of each renderer.

Then the live deck of the public plan (Bielefeld) as the download views get it
(editions/renders.py): a PDF rendered into the empty render cache, the same PDF
served from the cache (snapshot digest and cache read), four requests at once for
a PDF not yet cached (one renders, three wait and read its file), and the
presentation's page layout, which is not cached.
"""

import argparse
import datetime
import io
import os
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bielefeld_digital.settings")

import django  # noqa: E402

django.setup()

from django.core.cache import caches  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.utils import translation  # noqa: E402

from authorities.models import Authority  # noqa: E402
from editions import renders  # noqa: E402
from editions.decks import context, deck_pages, render_pdf, render_pptx  # noqa: E402
from editions.reports import build_snapshot  # noqa: E402
from measures.management.commands.generate_demo import AUTHORITY  # noqa: E402
from measures.models import Plan  # noqa: E402

TODAY = datetime.date(2023, 5, 1)
TITLE = "Fortschrittsbericht"


def _seconds(function, *args) -> tuple[float, object]:
    start = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - start, result


def _plans(measures: int) -> list[tuple[str, Plan]]:
    quiet = io.StringIO()
    call_command("migrate", verbosity=0, stdout=quiet)
    call_command("load_bielefeld", verbosity=0, stdout=quiet)
    others = Plan.objects.exclude(owner__name=AUTHORITY)
    bielefeld = others.get(title__startswith="Digitalstrategie")
    demos = Plan.objects.filter(owner__name=AUTHORITY).annotate(size=Count("fields__measures"))
    demo = demos.filter(size=measures).first()
    if demo is None:
        print(f"generate_demo --measures {measures} ...", flush=True)
        call_command(
            "generate_demo", measures=str(measures), fields="8", schools="74", stdout=quiet
        )
        demo = Plan.objects.filter(owner__name=AUTHORITY).latest("pk")
    return [("Bielefeld (20 measures)", bielefeld), (f"demo ({measures} measures)", demo)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="timed runs after the first (3)")
    parser.add_argument("--measures", type=int, default=500, help="size of the demo plan (500)")
    args = parser.parse_args()

    translation.activate("de")
    print(f"{'plan':<26} {'pages':>5} {'snapshot':>9} {'PDF 1st':>8} {'PDF':>8} {'PPTX':>8}")
    for label, plan in _plans(args.measures):
        snapshot_time, snapshot = _seconds(build_snapshot, plan, TODAY)
        deck = (snapshot, TITLE, TODAY, "")
        pages = len(deck_pages(*deck))
        first_pdf, pdf = _seconds(render_pdf, *deck)
        pdfs = [_seconds(render_pdf, *deck)[0] for _ in range(args.runs)]
        pptxs = [_seconds(render_pptx, *deck)[0] for _ in range(args.runs)]
        print(
            f"{label:<26} {pages:>5} {snapshot_time:>8.2f}s {first_pdf:>7.2f}s "
            f"{statistics.median(pdfs):>7.2f}s {statistics.median(pptxs):>7.2f}s"
            f"   ({len(pdf) // 1024} KiB PDF)",
            flush=True,
        )
    _bench_cache(args.runs)


def _default_plan() -> Plan:
    """Bielefeld's: the current plan at the installation's default address."""
    return Plan.objects.of(Authority.objects.serving("")).current()


def _bench_cache(runs: int) -> None:
    """The live PDF through the render cache: a miss, hits, four at once."""
    plan = _default_plan()
    store = caches[renders.CACHE]

    def download() -> bytes:
        return renders.deck_file(renders.live_deck(_default_plan(), TODAY), "pdf")

    store.delete(renders.live_deck(plan, TODAY).key("pdf"))
    miss, _ = _seconds(download)
    hits = [_seconds(download)[0] for _ in range(max(runs, 5))]

    def presentation() -> str:  # what the presentation view does, its own template aside
        deck = renders.live_deck(_default_plan(), TODAY)
        pages = deck_pages(*deck.arguments(), live=True)
        return render_to_string("editions/deck_pdf.html", context(pages))

    layout = [_seconds(presentation)[0] for _ in range(max(runs, 5))]

    rendered = []
    original = renders.DeckFile.render

    def counting(self, kind):
        rendered.append(kind)
        return original(self, kind)

    renders.DeckFile.render = counting
    store.delete(renders.live_deck(plan, TODAY).key("pdf"))
    threads = [threading.Thread(target=lambda: (download(), connection.close())) for _ in range(4)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    together = time.perf_counter() - start
    renders.DeckFile.render = original

    print(
        f"\nlive PDF of {plan.title[:30]}: cache miss {miss:.2f}s, "
        f"hit {statistics.median(hits) * 1000:.0f} ms (median of {len(hits)}), "
        f"4 at once {together:.2f}s with {len(rendered)} render(s); "
        f"presentation {statistics.median(layout) * 1000:.0f} ms (not cached)",
        flush=True,
    )


if __name__ == "__main__":
    main()
