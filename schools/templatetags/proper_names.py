"""German proper names inside translated text."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def lang_de(name: str) -> SafeString:
    """`name` (a school, school form or district: German whatever the page's language)
    marked `lang="de"`, so that a screen reader on an English page reads it in German.
    For names inside a translated sentence; an element that holds only the name
    carries the attribute itself."""
    return format_html('<span lang="de">{}</span>', name)


@register.filter
def in_language(text: str, code: str) -> SafeString:
    """`text` written in the plan's language `code` (an edition's title, a reason
    staff typed) marked so inside a translated sentence, like `lang_de`."""
    return format_html('<span lang="{}">{}</span>', code, text)
