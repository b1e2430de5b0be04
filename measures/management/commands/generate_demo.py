"""A large synthetic plan for benchmarks and query-count tests.

    manage.py generate_demo --fields 8 --measures 500 --schools 400 --seed 1
    manage.py generate_demo --measures 60 --tracked 50 --existing-schools

Creates one plan "Demo-Medienentwicklungsplan" of the "Demo-Schulträger" (an
authority of its own, made if new, whose pages are at the host name an
administrator gives it) with "Plan vom" today (its current plan if it has none,
see Plan.make_current_if_first), its fields of action
and measures (every status including none, every kind of target, some past and
some future, work items, some entered rollout counts), and schools with
per-school rollout rows for every tenth measure (`--tracked N`: for N measures
spread over the plan), budget lines for every third measure under a total
volume, and for every measure `--indicators` indicators (3) of `--readings`
readings each (10), half-yearly up to this year, in units that vary from
measure to measure (Schulen of the plan's schools, which add to "Umsetzung an
Schulen", devices, a percentage whose base changes halfway for every 25th
measure, an own unit, euros, posts, rooms, sites). Everything goes in with
`bulk_create`; the same seed gives the same plan.

`--existing-schools` creates no schools: the plan covers every school in
operation that is already in the database (blank Trägernummer and school
forms), e.g. the whole NRW directory after `import_schools`.
"""

import datetime
import random
import time
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from authorities.logos import checked_logo
from authorities.models import Authority
from bielefeld_digital.text import german_slugify
from legal.importers import GENERIC_DRAFTS, put_drafts, read_drafts
from measures.indicators import Indicator, Reading, Unit
from measures.models import FieldOfAction, Measure, Plan, Status
from measures.money import BudgetLine, FundingSource
from measures.rollout import RolloutState, SchoolRollout
from measures.targets import HALF_KINDS, UNDATED_KINDS, TargetKind
from schools.models import School

AUTHORITY = "Demo-Schulträger"
# Its identity, so that two authorities side by side look like two.
DEMO_IDENTITY = {
    "office": "Schulverwaltungsamt",
    "committee": "Ausschuss für Schule und Bildung",
    "contact": "Musterstraße 1\n12345 Musterstadt\nschulverwaltung@demo.example",
}
DEMO_LOGO = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="48" height="48" viewBox="0 0 48 48">'
    b'<rect width="48" height="48" rx="8" fill="#00603a"/>'
    b'<path d="M10 34 L24 12 L38 34 Z" fill="#ffffff"/></svg>'
)
# Each demo plan covers its own (made-up) Schulträger's schools, numbered after
# its first school; one school in twenty belongs to another Träger, which the
# counts must skip.
OTHER_AUTHORITY_NUMBER = "D0"
TITLE = "Demo-Medienentwicklungsplan"

# Demo schools get numbers from here on; real NRW school numbers stay below.
FIRST_SCHOOL_NUMBER = 900000
LAST_SCHOOL_NUMBER = 999999

# Upper bounds: positions are small integers, and nobody needs more for a benchmark.
MAX_FIELDS = 1000
MAX_MEASURES = 30000

# Every TRACKED_EVERY-th measure (the first included) has a row per school,
# unless --tracked says how many.
TRACKED_EVERY = 10
# Every ENTERED_EVERY-th of the other measures has entered counts ("59/74").
ENTERED_EVERY = 4

# Indicators per measure and readings per indicator, unless the options say otherwise.
INDICATORS = 3
READINGS = 10
MAX_INDICATORS = 20
MAX_READINGS = 100
# Every UNIT_BREAK_EVERY-th measure's percentage changes its base halfway.
UNIT_BREAK_EVERY = 25
PUPILS, SCHOOLS = "der Schülerinnen und Schüler", "der Schulen"
# (name, unit, own unit's name or a percentage's base); a measure's indicators
# are consecutive kinds, starting at its index.
INDICATOR_KINDS = [
    ("Schulen mit Anschluss", Unit.SCHOOLS, ""),
    ("Endgeräte im Bestand", Unit.DEVICES, ""),
    ("Erreichte Schülerinnen und Schüler", Unit.PERCENT, PUPILS),
    ("Access Points", Unit.OTHER, "Access Points"),
    ("Ausgaben bisher", Unit.EURO, ""),
    ("Besetzte Stellen", Unit.POSTS, ""),
    ("Ausgestattete Räume", Unit.ROOMS, ""),
    ("Standorte mit Glasfaser", Unit.SITES, ""),
]

# Rows per INSERT; well below PostgreSQL's 65535 parameters and SQLite's limit.
BATCH_SIZE = 5000
REASON = "Demo-Plan erzeugt"

FIELD_TOPICS = [
    "Technische Infrastruktur",
    "Hardwareausstattung",
    "Software und Lernplattformen",
    "Medienbildung im Unterricht",
    "Fortbildung der Lehrkräfte",
    "Support und Wartung",
    "Datenschutz und Informationssicherheit",
    "Digitale Schulverwaltung",
    "Inklusion und Barrierefreiheit",
    "Kooperation und Vernetzung",
]
MEASURE_ACTIONS = [
    "Ausbau",
    "Einführung",
    "Erneuerung",
    "Pilotierung",
    "Evaluation",
    "Konzept für",
    "Rahmenvertrag für",
    "Fortbildungsreihe zu",
    "Beschaffung",
    "Migration",
]
MEASURE_OBJECTS = [
    "WLAN in allen Unterrichtsräumen",
    "Präsentationstechnik",
    "Tablet-Klassensätze",
    "Lehrkräfte-Endgeräte",
    "Schulserver",
    "Lernmanagementsystem",
    "Videokonferenzsystem",
    "Medienkompetenzrahmen",
    "3D-Drucker und Makerspaces",
    "Glasfaseranschluss",
    "Passwortverwaltung",
    "Jugendmedienschutz",
    "Ticketsystem für den Support",
    "Schulverwaltungssoftware",
    "Förderprogramme",
]
WORK_ITEMS = [
    "Bedarfserhebung an den Schulen",
    "Ausschreibung vorbereiten",
    "Vergabe und Vertragsabschluss",
    "Pilotschulen auswählen",
    "Abstimmung mit dem Datenschutz",
    "Schulungen für Lehrkräfte",
    "Rollout in Tranchen",
    "Auswertung und Bericht an den Schulausschuss",
    "Abstimmung mit dem IT-Dienstleister",
    "Fördermittel beantragen",
]
DESCRIPTIONS = [
    "",
    "Synthetische Maßnahme für Last- und Abfragetests.",
    "Schrittweise Umsetzung an allen Schulen des Schulträgers.",
    "Gemeinsam mit den Schulen und dem kommunalen IT-Dienstleister.",
]
RESPONSIBLES = ["", "Amt für Schule", "IT-Dienstleister", "Medienzentrum", "Schulaufsicht"]
SCHOOL_FORMS = [
    ("02", "Grundschule"),
    ("04", "Hauptschule"),
    ("10", "Realschule"),
    ("15", "Gesamtschule"),
    ("20", "Gymnasium"),
]
SCHOOL_PLACES = [
    "Am Lindenhof",
    "Am Stadtpark",
    "An der Mühle",
    "Bergstraße",
    "Am Rosenhügel",
    "Hafenviertel",
    "Kastanienallee",
    "Am Markt",
    "Sonnenhang",
    "Wiesental",
    "Am Kirchplatz",
    "Heideweg",
]
DISTRICTS = ["Mitte", "Nord", "Ost", "Süd", "West", "Altstadt", "Neustadt", "Heide"]

# Shares (by repetition) of the statuses and target kinds; "" is "none".
STATUSES = [
    Status.IN_PROGRESS,
    Status.IN_PROGRESS,
    Status.IN_PROGRESS,
    Status.PREPARING,
    Status.PREPARING,
    Status.WAITING,
    Status.DONE,
    Status.DONE,
    "",
]
DEMO_SOURCES = [
    FundingSource.DIGITALPAKT,
    FundingSource.DIGITALPAKT_ADMIN,
    FundingSource.LAND,
    FundingSource.MUNICIPAL,
    FundingSource.EU,
]
TARGET_KINDS = [
    TargetKind.QUARTER,
    TargetKind.QUARTER,
    TargetKind.YEAR,
    TargetKind.YEAR_ONWARDS,
    TargetKind.TBD,
    TargetKind.ONGOING,
    TargetKind.HALF,
    TargetKind.HALF_SHORT,
    TargetKind.UNTIL,
    TargetKind.YEAR_END,
    TargetKind.SCHOOL_YEAR,
    "",
]


def _positive(name: str, value, maximum: int, *, zero: bool = False) -> int:
    """`value` as a whole number from 1 (with `zero` from 0) to `maximum`, or a
    CommandError saying what is wrong."""
    try:
        # Not bool (an int subclass), not float: "1.5" and True are typing mistakes.
        number = int(value) if isinstance(value, int | str) and not isinstance(value, bool) else -1
    except ValueError:
        number = -1
    if number < 0 or (number == 0 and not zero):
        kind = "eine ganze Zahl ab 0" if zero else "eine positive ganze Zahl"
        raise CommandError(f"--{name} muss {kind} sein, nicht „{value}“.")
    if number > maximum:
        raise CommandError(f"--{name} darf höchstens {maximum} sein, nicht {number}.")
    return number


def _spread(values: list, count: int, rng: random.Random) -> list:
    """`count` items of `values` in their shares, shuffled: each occurs if count allows."""
    items = [values[i % len(values)] for i in range(count)]
    rng.shuffle(items)
    return items


class Command(BaseCommand):
    help = (
        "Erzeugt einen großen synthetischen Plan (Demo-Schulträger) mit Handlungsfeldern, "
        "Maßnahmen, Schulen und Umsetzungsständen je Schule; für Lasttests und "
        "Abfragezählungen. Mit --seed reproduzierbar."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        # Strings, so that a wrong value gets the German message of handle().
        parser.add_argument("--fields", default="8", help="Zahl der Handlungsfelder (8).")
        parser.add_argument("--measures", default="100", help="Zahl der Maßnahmen (100).")
        parser.add_argument("--schools", help="Zahl der Schulen (50).")
        parser.add_argument(
            "--tracked",
            help="Zahl der Maßnahmen mit Umsetzungsstand je Schule, über den Plan verteilt "
            "(jede zehnte).",
        )
        parser.add_argument(
            "--existing-schools",
            action="store_true",
            help="Keine Demo-Schulen anlegen: Der Plan umfasst alle Schulen in Betrieb, "
            "die schon in der Datenbank sind (z. B. nach import_schools).",
        )
        parser.add_argument(
            "--indicators", default=str(INDICATORS), help="Kennzahlen je Maßnahme (3)."
        )
        parser.add_argument(
            "--readings", default=str(READINGS), help="Werte je Kennzahl, halbjährlich (10)."
        )
        parser.add_argument("--seed", default="0", help="Startwert des Zufalls (0).")
        parser.add_argument(
            "--host",
            default="",
            help="Hostname der Seiten des Demo-Schulträgers, z. B. demo.localhost: so steht "
            "er neben dem Schulträger der Standardadresse (http://demo.localhost:8000/).",
        )

    def handle(self, *args, **options) -> None:
        fields = _positive("fields", options["fields"], MAX_FIELDS)
        measures = _positive("measures", options["measures"], MAX_MEASURES)
        existing = options["existing_schools"]
        if existing and options["schools"] is not None:
            raise CommandError("--schools und --existing-schools schließen sich aus.")
        schools = None
        if not existing:
            schools = _positive(
                "schools",
                "50" if options["schools"] is None else options["schools"],
                LAST_SCHOOL_NUMBER - FIRST_SCHOOL_NUMBER + 1,
            )
        indicators = _positive("indicators", options["indicators"], MAX_INDICATORS, zero=True)
        readings = _positive("readings", options["readings"], MAX_READINGS)
        if options["tracked"] is None:
            tracked = set(range(0, measures, TRACKED_EVERY))
        else:
            count = _positive("tracked", options["tracked"], measures)
            # Spread over the plan: the first measure and then every measures/count-th.
            tracked = {i * measures // count for i in range(count)}
        try:
            seed = int(options["seed"])
        except (TypeError, ValueError):
            raise CommandError(
                f"--seed muss eine ganze Zahl sein, nicht „{options['seed']}“."
            ) from None

        host = options["host"].strip().lower()
        rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
        started = time.perf_counter()
        with transaction.atomic():
            owner, created = Authority.objects.get_or_create(name=AUTHORITY, defaults=DEMO_IDENTITY)
            if created:
                logo = checked_logo(DEMO_LOGO)
                owner.logo.save(f"logo.{logo.extension}", ContentFile(logo.content))
                put_drafts(read_drafts(GENERIC_DRAFTS), owner)  # its footer's pages
            if host and owner.host != host:
                owner.host = host
                try:
                    owner.full_clean()
                except ValidationError as error:
                    raise CommandError(f"--host: {' '.join(error.messages)}") from None
                owner.save()
            stats = self.generate(
                fields,
                measures,
                schools,
                rng,
                tracked=tracked,
                indicators=(indicators, readings),
                owner=owner,
            )
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Demo-Plan „{stats['plan'].title}“ (ID {stats['plan'].pk}) angelegt: "
            f"{fields} Handlungsfelder, {measures} Maßnahmen, {stats['schools']} Schulen, "
            f"{stats['rollouts']} Umsetzungsstände je Schule, {stats['budget_lines']} "
            f"Budgetposten, {stats['indicators']} Kennzahlen mit {stats['readings']} Werten "
            f"in {elapsed:.1f} s. "
            + (
                "Er ist der aktuelle Plan."
                if stats["plan"].is_current
                else "Er ist in Vorbereitung, nicht öffentlich (ein anderer Plan des "
                "Demo-Schulträgers ist aktuell)."
            )
            + (f" Seine Seiten: http://{host}:8000/ (runserver)." if host else "")
        )

    def generate(
        self,
        n_fields: int,
        n_measures: int,
        n_schools: int | None,
        rng: random.Random,
        *,
        tracked: set[int],
        owner: Authority,
        indicators: tuple[int, int] = (INDICATORS, READINGS),
    ):
        """`n_schools` None: no new schools, the plan covers all schools in operation;
        `indicators`: how many per measure, and how many readings each."""
        today = timezone.localdate()
        if n_schools is None:
            # Blank Trägernummer and school forms: every school in operation.
            authority_number = ""
            school_ids = list(
                Plan(school_authority_number="", school_forms="")
                .schools(today)
                .order_by("school_number")
                .values_list("pk", flat=True)
            )
            if not school_ids:
                raise CommandError(
                    "--existing-schools: Es ist keine Schule in Betrieb in der Datenbank. "
                    "Bitte zuerst das Schulverzeichnis importieren (import_schools)."
                )
        else:
            first_number = self._first_school_number(n_schools)
            authority_number = f"D{first_number}"
        period = {"period_start": today.year - 2, "period_end": today.year + 3}
        plan = Plan.objects.create(
            owner=owner,
            title=TITLE,
            slug=Plan.free_slug(period, owner),
            **period,
            as_of=today,
            school_authority_number=authority_number,
            total_budget=Decimal(n_measures * 400_000),
        )
        plan.make_current_if_first(reason=REASON)

        fields = bulk_create_with_history(
            [
                FieldOfAction(
                    plan=plan,
                    title=f"Handlungsfeld {i + 1}: {FIELD_TOPICS[i % len(FIELD_TOPICS)]}",
                    slug=german_slugify(f"feld {i + 1} {FIELD_TOPICS[i % len(FIELD_TOPICS)]}"),
                    position=i + 1,
                )
                for i in range(n_fields)
            ],
            FieldOfAction,
            default_change_reason=REASON,
        )

        # Every field gets a measure (as far as there are enough), the rest at random.
        field_of = [i % n_fields for i in range(min(n_fields, n_measures))]
        field_of += [rng.randrange(n_fields) for _ in range(n_measures - len(field_of))]
        statuses = _spread(STATUSES, n_measures, rng)
        kinds = _spread(TARGET_KINDS, n_measures, rng)
        positions = [0] * n_fields
        measures = []
        for i in range(n_measures):
            positions[field_of[i]] += 1
            measure = self._measure(
                i,
                plan,
                today,
                statuses[i],
                kinds[i],
                i in tracked,
                n_schools or len(school_ids),
                rng,
            )
            measure.field = fields[field_of[i]]
            measure.plan = plan  # bulk_create skips Measure.save, which sets it
            measure.position = positions[field_of[i]]
            measures.append(measure)
        # With their first history records: a timeline pairs each change with the
        # record before it.
        measures = bulk_create_with_history(
            measures, Measure, batch_size=BATCH_SIZE, default_change_reason=REASON
        )

        if n_schools is not None:
            schools = School.objects.bulk_create(
                (
                    self._school(first_number + i, i, plan.school_authority_number, rng)
                    for i in range(n_schools)
                ),
                batch_size=BATCH_SIZE,
            )
            school_ids = [school.pk for school in schools]

        start = datetime.date(plan.period_start, 1, 1)
        rollouts = 0
        # Measure by measure: the whole of NRW with 50 tracked measures is some
        # 280,000 rows, and as model instances plus their history records all at
        # once they would hold the process's memory for nothing.
        for i, measure in enumerate(measures):
            if i not in tracked:
                continue
            rows = self._rollouts(measure, school_ids, start, today, rng)
            # One moment for the measure's rows: its timeline shows them as one
            # change per state, like a bulk change in the matrix.
            bulk_create_with_history(
                rows,
                SchoolRollout,
                batch_size=BATCH_SIZE,
                default_change_reason=REASON,
                default_date=timezone.now(),
            )
            rollouts += len(rows)

        # Every third measure is costed, from one or two sources; last, so that the
        # data before it stays what a seed made before measures had money.
        lines = [
            self._budget_line(measure, source, rng)
            for measure in measures[::3]
            for source in rng.sample(DEMO_SOURCES, rng.randint(1, 2))
        ]
        bulk_create_with_history(
            lines, BudgetLine, batch_size=BATCH_SIZE, default_change_reason=REASON
        )

        # Last too, for the same reason.
        per_measure, n_readings = indicators
        made = bulk_create_with_history(
            [
                self._indicator(index, n, measure, len(school_ids))
                for index, measure in enumerate(measures)
                for n in range(per_measure)
            ],
            Indicator,
            batch_size=BATCH_SIZE,
            default_change_reason=REASON,
        )
        values = [
            reading
            for number, indicator in enumerate(made)
            for reading in self._readings(
                indicator,
                n_readings,
                today,
                number // max(per_measure, 1) % UNIT_BREAK_EVERY == 0,
                rng,
            )
        ]
        bulk_create_with_history(
            values, Reading, batch_size=BATCH_SIZE, default_change_reason=REASON
        )
        return {
            "plan": plan,
            "rollouts": rollouts,
            "schools": len(school_ids),
            "budget_lines": len(lines),
            "indicators": len(made),
            "readings": len(values),
        }

    @staticmethod
    def _indicator(index: int, n: int, measure: Measure, n_schools: int) -> Indicator:
        name, unit, detail = INDICATOR_KINDS[(index + n) % len(INDICATOR_KINDS)]
        total = {
            Unit.SCHOOLS: n_schools,
            Unit.OTHER: 2500,
        }.get(unit)
        return Indicator(
            measure=measure,
            name=name,
            position=n + 1,
            unit=unit,
            unit_detail=detail,
            total=None if total is None else Decimal(total),
            target_value=Decimal(100) if unit == Unit.PERCENT else None,
        )

    @staticmethod
    def _readings(
        indicator: Indicator,
        count: int,
        today: datetime.date,
        breaks: bool,
        rng: random.Random,
    ) -> list[Reading]:
        """`count` half-yearly readings up to `today`, rising; a percentage that
        `breaks` is counted of the schools from halfway on."""
        top = {
            Unit.PERCENT: 100,
            Unit.EURO: 3_000_000,
            Unit.POSTS: 20,
            Unit.ROOMS: 900,
            Unit.SITES: 150,
        }.get(indicator.unit, indicator.total or 20_000)
        shares = sorted(rng.random() for _ in range(count))
        readings = []
        for k, share in enumerate(shares):
            months_back = 6 * (count - 1 - k)
            year, month = divmod(today.year * 12 + today.month - 1 - months_back, 12)
            unit, detail = indicator.unit, indicator.unit_detail
            if breaks and indicator.unit == Unit.PERCENT and k >= count // 2:
                detail = SCHOOLS
            readings.append(
                Reading(
                    indicator=indicator,
                    date=datetime.date(year, month + 1, 1),
                    value=Decimal(int(share * int(top))),
                    unit=unit,
                    unit_detail=detail,
                    source="Demo-Erhebung" if k % 2 else "",
                )
            )
        return readings

    @staticmethod
    def _budget_line(measure: Measure, source: str, rng: random.Random) -> BudgetLine:
        planned = Decimal(rng.randrange(10_000, 2_000_000, 500))
        spent = (planned * rng.randint(0, 100) / 100).quantize(Decimal("0.01"))
        return BudgetLine(measure=measure, source=source, planned=planned, spent=spent)

    @staticmethod
    def _first_school_number(count: int) -> int:
        """The first of `count` free numbers above every earlier demo school's."""
        highest = School.objects.filter(school_number__gte=str(FIRST_SCHOOL_NUMBER)).aggregate(
            Max("school_number")
        )["school_number__max"]
        first = int(highest) + 1 if highest else FIRST_SCHOOL_NUMBER
        if first + count - 1 > LAST_SCHOOL_NUMBER:
            raise CommandError(
                f"Für {count} weitere Demo-Schulen sind nicht genug Schulnummern frei "
                f"(ab {first}, höchstens {LAST_SCHOOL_NUMBER}). Bitte alte Demo-Daten löschen."
            )
        return first

    @staticmethod
    def _measure(
        index: int,
        plan: Plan,
        today: datetime.date,
        status: str,
        kind: str,
        tracked: bool,
        n_schools: int,
        rng: random.Random,
    ) -> Measure:
        action, thing = rng.choice(MEASURE_ACTIONS), rng.choice(MEASURE_OBJECTS)
        title = f"Demo-Maßnahme {index + 1}: {action} {thing}"
        year = quarter = None
        if kind and kind not in UNDATED_KINDS:
            # From two years back to three ahead: some targets passed, some to come.
            year = today.year + rng.randint(-2, 3)
        if kind == TargetKind.QUARTER:
            quarter = rng.randint(1, 4)
        elif kind in HALF_KINDS:
            quarter = rng.choice((2, 4))  # a half year by the quarter it ends with
        work_items = rng.sample(WORK_ITEMS, rng.randint(0, 4))
        measure = Measure(
            title=title,
            slug=f"demo-{plan.pk}-" + german_slugify(f"{index + 1} {action} {thing}")[:100],
            description=rng.choice(DESCRIPTIONS),
            work_items="\n".join(work_items),
            status=status,
            target_kind=kind,
            target_year=year,
            target_quarter=quarter,
            responsible=rng.choice(RESPONSIBLES),
        )
        if not tracked and index % ENTERED_EVERY == 1:
            total = rng.randint(1, max(n_schools, 1))
            measure.rollout_total = total
            measure.rollout_done = total if status == Status.DONE else rng.randint(0, total)
        return measure

    @staticmethod
    def _school(number: int, index: int, authority: str, rng: random.Random) -> School:
        form, form_name = rng.choice(SCHOOL_FORMS)
        place = SCHOOL_PLACES[index % len(SCHOOL_PLACES)]
        # Somewhere in a city of 40 x 30 km (UTM zone 32N), for the school maps; drawn
        # from the school's number, so the seed's other data stay as they were.
        where = random.Random(number)  # noqa: S311 - demo data, not secrets
        round_ = index // len(SCHOOL_PLACES)
        return School(
            school_number=f"{number:06d}",
            name=f"{form_name} {place}" + (f" {round_ + 1}" if round_ else ""),
            school_form=form,
            school_form_name=form_name,
            district=rng.choice(DISTRICTS),
            authority_number=OTHER_AUTHORITY_NUMBER if index % 20 == 7 else authority,
            utm_east=where.randint(450_000, 490_000),
            utm_north=where.randint(5_750_000, 5_780_000),
        )

    @staticmethod
    def _rollouts(
        measure: Measure,
        school_ids: list[int],
        start: datetime.date,
        today: datetime.date,
        rng: random.Random,
    ) -> list[SchoolRollout]:
        if measure.status == Status.DONE:
            done_share, busy_share = 1.0, 0.0
        elif measure.status in ("", Status.PREPARING):
            done_share, busy_share = 0.0, rng.random() * 0.2
        else:
            done_share = rng.random()
            busy_share = (1 - done_share) * rng.random()
        days = (today - start).days
        rows = []
        for school_id in school_ids:
            draw = rng.random()
            if draw < done_share:
                state = RolloutState.DONE
                date = start + datetime.timedelta(days=rng.randint(0, days))
            elif draw < done_share + busy_share:
                state, date = RolloutState.IN_PROGRESS, None
            else:
                state, date = RolloutState.OPEN, None
            # Plain ids: assigning model instances costs more than the insert itself.
            rows.append(
                SchoolRollout(measure_id=measure.pk, school_id=school_id, state=state, date=date)
            )
        return rows
