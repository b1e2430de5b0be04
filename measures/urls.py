from django.urls import path

from . import views

app_name = "measures"

urlpatterns = [
    path("", views.report, name="report"),
    path("massnahmen/<slug:slug>/", views.detail, name="detail"),
    path("schulen/", views.school_list, name="schools"),
    # Any text, so that a wrong number gets the page's own 404 message.
    path("schulen/<str:school_number>/", views.school_detail, name="school"),
]
