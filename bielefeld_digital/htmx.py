"""One URL serves the page and its fragments (django-htmx's request.htmx)."""

from django.http import HttpRequest


def page_or_partial(request: HttpRequest, template: str, partial: str) -> str:
    """`template`, or its `{% partialdef %}` named `partial` for an HTMX request.

    A history restore (htmx found the page in no cache) gets the whole page.
    """
    if request.htmx and not request.htmx.history_restore_request:
        return f"{template}#{partial}"
    return template
