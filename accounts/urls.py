from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.account, name="account"),
    path("code/", views.verify, name="verify"),
    path("code/wiederherstellung/", views.recovery, name="recovery"),
    path("zwei-faktor/einrichten/", views.setup, name="setup"),
    path("zwei-faktor/neue-codes/", views.new_recovery_codes, name="new-recovery-codes"),
    path("zwei-faktor/entfernen/", views.remove, name="remove"),
]
