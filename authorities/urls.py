from django.urls import path

from . import views

app_name = "authorities"

urlpatterns = [
    path("logo/<str:name>", views.logo, name="logo"),
]
