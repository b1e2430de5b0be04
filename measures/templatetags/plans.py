"""`{% plan_url "measures:detail" slug=… %}`: a page of the plan in the context
(`plan`), at its address (Plan.reverse): the current plan's at the top, any other
plan's under /plaene/<slug>/."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def plan_url(context, name: str, **kwargs) -> str:
    return context["plan"].reverse(name, **kwargs)
