from django.urls import path

from . import views

app_name = "measures"

urlpatterns = [
    path("", views.report, name="report"),
    path("massnahmen/<slug:slug>/", views.detail, name="detail"),
    path("berichte/", views.editions, name="editions"),
    path("berichte/vergleich/", views.comparison, name="comparison"),
    path("bericht.pdf", views.report_pdf, name="report-pdf"),
    path("bericht.pptx", views.report_pptx, name="report-pptx"),
    path("praesentation/", views.presentation, name="presentation"),
    path("berichte/<slug:slug>/", views.edition, name="edition"),
    path("berichte/<slug:slug>/bericht.pdf", views.edition_pdf, name="edition-pdf"),
    path("berichte/<slug:slug>/bericht.pptx", views.edition_pptx, name="edition-pptx"),
    path(
        "berichte/<slug:slug>/praesentation/",
        views.edition_presentation,
        name="edition-presentation",
    ),
]
