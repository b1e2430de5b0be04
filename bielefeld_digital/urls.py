from django.contrib import admin
from django.urls import include, path

from authorities.views import view_on_site
from editions.urls import urlpatterns as edition_pages
from measures.urls import plan_pages
from measures.views import healthz

urlpatterns = [
    path("", include("measures.urls")),
    path("", include("editions.urls")),
    # Every public plan at its own address (Plan.reverse), earlier ones included.
    # Namespaces of their own, not instances of "measures" and "editions": Django
    # would then resolve {% url "measures:…" %} on these pages to this instance.
    path("plaene/<slug:plan>/", include((plan_pages, "plan-measures"))),
    path("plaene/<slug:plan>/", include((edition_pages, "plan-editions"))),
    path("", include("schools.urls")),
    path("", include("legal.urls")),
    path("", include("authorities.urls")),
    path("verwaltung/", include("staff.urls")),
    path("verwaltung/konto/", include("accounts.urls")),
    path("healthz/", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    # Before the admin's own: its "view on site" kept to the staff's own authorities.
    path(
        "admin/r/<path:content_type_id>/<path:object_id>/",  # as the admin's own
        admin.site.admin_view(view_on_site),
        name="own-view-on-site",
    ),
    path("admin/", admin.site.urls),
]

# 503 with Retry-After while the database is unreachable, else the 500 page.
handler500 = "bielefeld_digital.errors.server_error"
