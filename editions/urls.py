from django.urls import path

from . import views

app_name = "editions"

urlpatterns = [
    path("berichte/", views.editions, name="list"),
    path("berichte/vergleich/", views.comparison, name="comparison"),
    path("bericht.pdf", views.report_pdf, name="report-pdf"),
    path("bericht.pptx", views.report_pptx, name="report-pptx"),
    path("praesentation/", views.presentation, name="report-presentation"),
    path("berichte/<slug:slug>/", views.edition, name="detail"),
    path("berichte/<slug:slug>/bericht.pdf", views.edition_pdf, name="pdf"),
    path("berichte/<slug:slug>/bericht.pptx", views.edition_pptx, name="pptx"),
    path("berichte/<slug:slug>/praesentation/", views.edition_presentation, name="presentation"),
]
