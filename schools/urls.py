from django.urls import path

from . import views

app_name = "schools"

urlpatterns = [
    path("schulen/", views.school_list, name="list"),
    # Any text, so that a wrong number gets the page's own 404 message.
    path("schulen/<str:school_number>/", views.school_detail, name="detail"),
    path("datenquellen/", views.sources, name="sources"),
]
