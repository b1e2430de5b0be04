from django.urls import path

from . import views

app_name = "measures"

urlpatterns = [
    path("", views.report, name="report"),
    path("massnahmen/<slug:slug>/", views.detail, name="detail"),
]
