from django.urls import path

from . import views
from .models import PageKind

app_name = "legal"

urlpatterns = [
    path("impressum/", views.text_page, {"kind": PageKind.IMPRINT}, name="imprint"),
    path("datenschutz/", views.text_page, {"kind": PageKind.PRIVACY}, name="privacy"),
    path("barrierefreiheit/", views.accessibility, name="accessibility"),
    path("barrierefreiheit/danke/", views.feedback_sent, name="feedback-sent"),
    path(
        "leichte-sprache/", views.text_page, {"kind": PageKind.EASY_LANGUAGE}, name="easy-language"
    ),
    path("gebaerdensprache/", views.sign_language, name="sign-language"),
    path("gebaerdensprache/video/", views.video, name="sign-language-video"),
]
