"""The user list's "Darf bearbeiten" column in English (found in the review of issue 10):
its two sentences were missing from the English catalogue."""

from django.contrib import admin
from django.contrib.auth.models import Permission, User
from django.utils import translation


def test_the_responsibilities_column_speaks_english(db):
    column = admin.site.get_model_admin(User).responsibilities
    everything = User.objects.create_user("alle")
    everything.user_permissions.add(Permission.objects.get(codename="edit_all_measures"))
    nothing = User.objects.create_user("keine")
    with translation.override("en"):
        assert column(User.objects.get(pk=everything.pk)) == (
            "All measures (permission “May edit all measures”)"
        )
        assert column(nothing) == "No measure. Responsibilities are assigned through the groups."
    with translation.override("de"):
        assert column(nothing).startswith("Keine Maßnahme.")
