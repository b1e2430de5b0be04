from django.urls import path

from . import views

app_name = "measures"

# A plan's own pages. The current plan's are here, at the top; every public plan's,
# the current one's included, also under /plaene/<plan>/ (namespace
# "plan-measures", bielefeld_digital/urls.py; Plan.reverse picks the address).
plan_pages = [
    path("", views.report, name="report"),
    path("massnahmen/<slug:slug>/", views.detail, name="detail"),
]

urlpatterns = [
    *plan_pages,
    path("plaene/", views.plans, name="plans"),
    path("schulen/", views.school_list, name="schools"),
    # Any text, so that a wrong number gets the page's own 404 message.
    path("schulen/<str:school_number>/", views.school_detail, name="school"),
]
