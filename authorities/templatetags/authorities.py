from django import template

from authorities.models import Authority

register = template.Library()


@register.simple_tag(takes_context=True)
def shown_authority(context) -> Authority | None:
    """The Schulträger a page is for: the owner its plan, legal page or measure
    (with its field's plan) brought along, no query more; else the one of the
    request's address (authorities.context_processors.authority, one query)."""
    measure = context.get("measure")
    field = getattr(measure, "field", None)
    for shown in (context.get("plan"), context.get("page"), getattr(field, "plan", None)):
        owner = getattr(shown, "owner", None)
        if isinstance(owner, Authority):
            return owner
    return context.get("authority")
