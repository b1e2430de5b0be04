"""What every ModelAdmin of the portal shares."""

from django.http import HttpRequest, HttpResponse
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext


class RefusedChangeFormMixin:
    """A change or add form that refuses its input answers 422, not 200.

    Django's admin re-renders a refused form with 200, as if it had been saved;
    the portal's other forms answer 422 (the request was well-formed, its
    content is not valid), and monitoring and tests tell the two apart by it.
    """

    def render_change_form(
        self, request: HttpRequest, context: dict, *args, **kwargs
    ) -> HttpResponse:
        response = super().render_change_form(request, context, *args, **kwargs)
        if request.method == "POST" and context.get("errors"):
            response.status_code = 422
        return response


def yes_no_icon(value: bool) -> str:
    """The admin's yes/no icon with a German text: Django's says "True"/"False"."""
    return format_html(
        '<img src="{}" alt="{}">',
        static(f"admin/img/icon-{'yes' if value else 'no'}.svg"),
        gettext("Ja") if value else gettext("Nein"),
    )
