from django.contrib import admin
from django.urls import include, path

from measures.views import healthz

urlpatterns = [
    path("", include("measures.urls")),
    path("", include("editions.urls")),
    path("", include("schools.urls")),
    path("", include("legal.urls")),
    path("verwaltung/", include("staff.urls")),
    path("verwaltung/konto/", include("accounts.urls")),
    path("healthz/", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

# 503 with Retry-After while the database is unreachable, else the 500 page.
handler500 = "bielefeld_digital.errors.server_error"
