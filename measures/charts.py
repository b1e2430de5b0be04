"""Charts drawn on the server: the geometry of an indicator's series as plain
numbers, which `measures/_indicator_chart.html` turns into an SVG (no
JavaScript, no inline style: the colours come from the stylesheet).

A chart shows one segment of a series, the readings in one unit
(`Indicator.segments`): values in different units share no axis. Dates are
placed by their distance in time; the value axis starts at zero and ends at a
round number above the largest value, the indicator's total and its target
where those are in the segment's unit (a percentage always ends at 100).
"""

import datetime
import math
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext

from .indicators import Indicator, Quantity, Reading, Unit
from .rollout import MAX_MAP_SCHOOLS, RolloutState

# The drawing's own coordinates (its viewBox); it scales to the page's width.
# Narrow, so that its 16-unit text is still 12 px on a 320 px phone.
WIDTH = 400
HEIGHT = 240
RIGHT, TOP, BOTTOM = 32, 32, 36
# Left of the value axis: a gap and the longest value label, of characters of
# about this width (Fira Sans at 16 units; digits and separators are narrower).
GAP, CHARACTER = 8, 9
# More dates than this on the time axis would overlap: the others are in the table.
MAX_DATE_LABELS = 4


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    reading: Reading


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Chart:
    quantity: Quantity
    points: list[Point]
    value_ticks: list[Tick]
    date_ticks: list[Tick]
    target: Tick | None
    # The value at the top of the value axis.
    axis_top: Decimal
    first: datetime.date
    last: datetime.date
    # Where the value axis stands (room for its labels to its left).
    left: int
    # The unit of the readings before this segment, if the unit changed at its start.
    unit_before: Quantity | None = None
    # The indicator's name.
    name: str = ""

    width = WIDTH
    height = HEIGHT
    right_edge = WIDTH - RIGHT
    top = TOP
    baseline = HEIGHT - BOTTOM

    @property
    def title(self) -> str:
        """ "Access Points, 01.07.2022 bis 01.07.2024": the chart's name (its SVG `title`)."""
        return gettext("%(name)s, %(first)s bis %(last)s") % {
            "name": self.name,
            "first": date_format(self.first, "SHORT_DATE_FORMAT"),
            "last": date_format(self.last, "SHORT_DATE_FORMAT"),
        }

    @property
    def summary(self) -> str:
        """What the chart shows, for those who cannot see it (its SVG `desc`)."""
        earliest, latest = self.points[0].reading, self.points[-1].reading
        text = ngettext(
            "%(count)d Wert vom %(first)s bis %(last)s: von %(earlier)s auf %(later)s.",
            "%(count)d Werte vom %(first)s bis %(last)s: von %(earlier)s auf %(later)s.",
            len(self.points),
        ) % {
            "count": len(self.points),
            "first": date_format(earliest.date, "SHORT_DATE_FORMAT"),
            "last": date_format(latest.date, "SHORT_DATE_FORMAT"),
            "earlier": self.quantity.number(earliest.value),
            "later": self.quantity.format(latest.value),
        }
        if self.target is not None:
            text += " " + gettext("Ziel: %(value)s.") % {"value": self.target.label}
        return text

    @property
    def line(self) -> str:
        """The SVG path through the points."""
        return " ".join(
            f"{'M' if n == 0 else 'L'}{point.x},{point.y}" for n, point in enumerate(self.points)
        )


def nice_step(raw: Decimal) -> Decimal:
    """The smallest of 1, 2, 5 × 10^k not below `raw` (at least 1, counts are whole)."""
    if raw <= 1:
        return Decimal(1)
    power = Decimal(10) ** (len(str(int(raw))) - 1)
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return factor * power
    raise AssertionError("unreachable")  # pragma: no cover


def charts_of(indicator: Indicator) -> list[Chart]:
    """A chart per segment of two or more readings (a single value is just a number)."""
    segments = indicator.segments
    return [
        chart_of(indicator, segment, unit_before=segments[n - 1][0].quantity if n else None)
        for n, segment in enumerate(segments)
        if len(segment) > 1
    ]


def chart_of(
    indicator: Indicator, segment: list[Reading], unit_before: Quantity | None = None
) -> Chart:
    """The chart of `segment`, readings of `indicator` in one unit, oldest first."""
    quantity = segment[0].quantity
    in_indicator_unit = quantity == indicator.quantity
    target = indicator.target_value if in_indicator_unit else None
    total = indicator.total if in_indicator_unit else None
    if quantity.unit == Unit.PERCENT:
        step, top = Decimal(25), Decimal(100)
    else:
        largest = max([r.value for r in segment] + [v for v in (target, total) if v is not None])
        step = nice_step(largest / 4)
        top = step * max(1, math.ceil(largest / step))
    labels = [quantity.number(step * n, cents=False) for n in range(int(top / step) + 1)]
    # Room for the longest value label left of the axis.
    left = GAP + round(max(len(label) for label in labels) * CHARACTER)
    plot_height = HEIGHT - BOTTOM - TOP

    def y_of(value: Decimal) -> float:
        return round(HEIGHT - BOTTOM - float(value / top) * plot_height, 1)

    first, last = segment[0].date, segment[-1].date
    span = (last - first).days
    plot_width = WIDTH - left - RIGHT

    def x_of(date: datetime.date) -> float:
        if span == 0:
            return left + plot_width / 2
        return round(left + (date - first).days / span * plot_width, 1)

    # Yearly readings are labelled by their year, others by month: a whole date
    # would not fit on a phone (it is in the point's title and the table).
    yearly = len({r.date.year for r in segment}) == len(segment)
    date_label = "Y" if yearly else "m/Y"
    return Chart(
        quantity=quantity,
        points=[Point(x_of(r.date), y_of(r.value), r) for r in segment],
        value_ticks=[Tick(y_of(step * n), label) for n, label in enumerate(labels)],
        date_ticks=[
            Tick(x_of(r.date), date_format(r.date, date_label))
            for r in _spread(segment, MAX_DATE_LABELS)
        ],
        target=None if target is None else Tick(y_of(target), quantity.number(target)),
        axis_top=top,
        first=first,
        last=last,
        left=left,
        unit_before=unit_before,
        name=indicator.name,
    )


def _spread(readings: list[Reading], most: int) -> list[Reading]:
    """At most `most` readings, the first and the last among them, evenly apart."""
    if len(readings) <= most:
        return readings
    last = len(readings) - 1
    return [readings[round(n * last / (most - 1))] for n in range(most)]


# --- Statuses across reports -----------------------------------------------------

# Fill and label colour of each status (a value, "" for none): the decks' markers
# (editions.decks.STATUS_COLOURS) and a status chart's bars, white text on each
# but the light grey of "Ohne Status". The stylesheets repeat them as classes
# (CSP: no inline style): deck-common.css, and portal.css for the legend.
STATUS_FILLS = {
    "preparing": ("#6b7280", "#ffffff"),
    "in_progress": ("#1f5ea8", "#ffffff"),
    "waiting": ("#a15c00", "#ffffff"),
    "done": ("#1e7a3c", "#ffffff"),
    "": ("#9ca3af", "#1a1f29"),
}
STATUS_WIDTH = 400  # as narrow as the indicator charts, so that text stays legible on a phone
STATUS_LABELS = 104  # room for "01.03.2025" left of the bars
STATUS_BAR, STATUS_GAP = 28, 12
# A part narrower than this shows its count only in the table.
STATUS_MIN_LABELLED = 26


@dataclass(frozen=True)
class StatusPart:
    status: str
    x: float
    width: float
    count: int
    labelled: bool

    @property
    def css_status(self) -> str:
        return self.status or "none"

    @property
    def fill(self) -> str:
        return STATUS_FILLS[self.status][0]

    @property
    def text_fill(self) -> str:
        return STATUS_FILLS[self.status][1]

    @property
    def middle(self) -> float:
        return round(self.x + self.width / 2, 1)


@dataclass(frozen=True)
class StatusBar:
    label: str
    y: float
    parts: list[StatusPart]

    @property
    def middle(self) -> float:
        return self.y + STATUS_BAR / 2


@dataclass(frozen=True)
class StatusChart:
    """One bar per report, its length split by the measures' statuses."""

    bars: list[StatusBar]
    width = STATUS_WIDTH
    left = STATUS_LABELS
    bar_height = STATUS_BAR

    @property
    def height(self) -> int:
        return len(self.bars) * (STATUS_BAR + STATUS_GAP) + STATUS_GAP


def status_chart(rows: list[tuple[str, list]]) -> StatusChart:
    """`rows` of (label, `StatusCount`s) as bars of the full width, each status a part
    in proportion to its count (statuses no measure has take no room)."""
    plot = STATUS_WIDTH - STATUS_LABELS - GAP
    bars = []
    for index, (label, counts) in enumerate(rows):
        total = sum(count.count for count in counts)
        x, parts = float(STATUS_LABELS), []
        for count in counts:
            if not count.count:
                continue
            width = round(plot * count.count / total, 1)
            parts.append(
                StatusPart(
                    count.status, round(x, 1), width, count.count, width >= STATUS_MIN_LABELLED
                )
            )
            x += width
        bars.append(StatusBar(label, STATUS_GAP + index * (STATUS_BAR + STATUS_GAP), parts))
    return StatusChart(bars)


# --- Schools on a map ------------------------------------------------------------

MAP_WIDTH = 400
MAP_MARGIN = 8


# A school's mark by its state: done a filled circle, in progress a filled
# square, open a hollow circle, so that shape tells the state as well as colour.
MAP_MARKS = {
    "done": ("#1e7a3c", "circle"),
    "in_progress": ("#1f5ea8", "square"),
    "open": ("#ffffff", "ring"),
}
MARK_RADIUS = 4


@dataclass(frozen=True)
class MapPoint:
    x: float
    y: float
    state: str  # a RolloutState value
    name: str

    @property
    def shape(self) -> str:
        return MAP_MARKS[self.state][1]

    @property
    def fill(self) -> str:
        return MAP_MARKS[self.state][0]

    @property
    def label(self) -> str:
        return str(RolloutState(self.state).label)

    @property
    def corner_x(self) -> float:  # a square's
        return round(self.x - MARK_RADIUS, 1)

    @property
    def corner_y(self) -> float:
        return round(self.y - MARK_RADIUS, 1)


@dataclass(frozen=True)
class MapLegendEntry:
    state: str
    label: str
    count: int
    shape: str
    fill: str


@dataclass(frozen=True)
class SchoolMap:
    """The plan's schools where they are, each drawn by its state of one measure."""

    points: list[MapPoint]
    height: float
    width = MAP_WIDTH
    radius = MARK_RADIUS
    side = 2 * MARK_RADIUS

    @property
    def legend(self) -> list[MapLegendEntry]:
        """Each state with its mark and how many schools are in it, done first."""
        counts = dict.fromkeys(MAP_MARKS, 0)
        for point in self.points:
            counts[point.state] += 1
        return [
            MapLegendEntry(state, str(RolloutState(state).label), count, *MAP_MARKS[state][::-1])
            for state, count in counts.items()
        ]


def school_map(schools: list[tuple[int, int, str, str]]) -> SchoolMap | None:
    """`schools` as (UTM east, UTM north, state, name) drawn to scale, north up:
    UTM coordinates are metres, so a plain linear projection keeps the shapes. None
    without schools or for more than MAX_MAP_SCHOOLS."""
    if not schools or len(schools) > MAX_MAP_SCHOOLS:
        return None
    easts = [school[0] for school in schools]
    norths = [school[1] for school in schools]
    west, south = min(easts), min(norths)
    span = max(max(easts) - west, max(norths) - south, 1)
    scale = (MAP_WIDTH - 2 * MAP_MARGIN) / span
    height = round((max(norths) - south) * scale + 2 * MAP_MARGIN, 1)
    points = [
        MapPoint(
            round(MAP_MARGIN + (east - west) * scale, 1),
            round(height - MAP_MARGIN - (north - south) * scale, 1),
            state,
            name,
        )
        for east, north, state, name in schools
    ]
    return SchoolMap(points, height)
