"""Charts of indicators (measures.charts) for the templates."""

from django import template
from django.utils.formats import date_format
from django.utils.translation import gettext

from measures.charts import Chart, StatusChart, charts_of, status_chart
from measures.indicators import Indicator

register = template.Library()


@register.simple_tag
def indicator_charts(indicator: Indicator) -> list[Chart]:
    """{% indicator_charts indicator as charts %}: a chart per segment of its series."""
    return charts_of(indicator)


@register.simple_tag
def status_history_chart(rows) -> StatusChart:
    """{% status_history_chart history as chart %}: a bar per row (editions.reports.
    StatusHistoryRow), labelled by its date, today's by "heute"."""
    return status_chart(
        [
            (
                date_format(row.date, "SHORT_DATE_FORMAT") if row.title else gettext("heute"),
                row.counts,
            )
            for row in rows
        ]
    )
