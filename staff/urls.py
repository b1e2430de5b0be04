from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views
from .forms import StaffAuthenticationForm, StaffPasswordChangeForm

app_name = "staff"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path(
        "anmelden/",
        auth_views.LoginView.as_view(
            template_name="staff/login.html",
            authentication_form=StaffAuthenticationForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("abmelden/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "passwort/",
        auth_views.PasswordChangeView.as_view(
            template_name="staff/password_change.html",
            form_class=StaffPasswordChangeForm,
            success_url=reverse_lazy("staff:password-change-done"),
        ),
        name="password-change",
    ),
    path(
        "passwort/geaendert/",
        auth_views.PasswordChangeDoneView.as_view(template_name="staff/password_change_done.html"),
        name="password-change-done",
    ),
    path("passwort/vergessen/", views.password_reset, name="password-reset"),
    path(
        "passwort/vergessen/gesendet/",
        views.password_reset_done,
        name="password-reset-done",
    ),
    path(
        "passwort/neu/<uidb64>/<token>/",
        views.StaffPasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "einladung/<uidb64>/<token>/",
        views.AcceptInvitationView.as_view(),
        name="accept-invitation",
    ),
    path(
        "passwort/neu/fertig/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="staff/password_reset_complete.html"
        ),
        name="password-reset-complete",
    ),
    path("berichte/neu/", views.publish_edition, name="publish-edition"),
    path("berichte/nachtraeglich/", views.record_past_edition, name="record-past-edition"),
    path("berichte/plandatei.toml", views.plan_file_download, name="plan-file"),
    path("berichte/neu/vorschau.pdf", views.preview_edition_pdf, name="preview-edition-pdf"),
    path("schulen/", views.school_matrix, name="matrix"),
    path("massnahmen/<slug:slug>/", views.edit_measure, name="edit-measure"),
    path("massnahmen/<slug:slug>/schulen/", views.edit_rollout, name="edit-rollout"),
    path("massnahmen/<slug:slug>/kennzahlen/", views.edit_indicators, name="edit-indicators"),
]
