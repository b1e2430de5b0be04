from django.urls import path

from . import views

app_name = "schools"

urlpatterns = [
    path("datenquellen/", views.sources, name="sources"),
]
