from django.urls import path

from . import views

app_name = "measures"

urlpatterns = [
    path("", views.report, name="report"),
    path("massnahmen/<slug:slug>/", views.detail, name="detail"),
    path("berichte/", views.editions, name="editions"),
    path("berichte/vergleich/", views.comparison, name="comparison"),
    path("berichte/<slug:slug>/", views.edition, name="edition"),
]
