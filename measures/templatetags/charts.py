"""Charts of indicators (measures.charts) for the templates."""

from django import template

from measures.charts import Chart, charts_of
from measures.indicators import Indicator

register = template.Library()


@register.simple_tag
def indicator_charts(indicator: Indicator) -> list[Chart]:
    """{% indicator_charts indicator as charts %}: a chart per segment of its series."""
    return charts_of(indicator)
