"""Every single select drawn by the form template gets KERN's select wrapper (its
border and arrow), also the Select subclasses that mark their options' language:
without it the comparison's "Von"/"Bis" and the staff filters look like plain text."""

import datetime
import re

from django import forms
from django.contrib.auth.models import User

from bielefeld_digital.forms import PortalForm
from editions.forms import ComparisonForm
from editions.models import Edition
from schools.forms import name_selects

WRAPPED = r'<div class="kern-form-input__select-wrapper"><select name="{}"'


def test_the_comparison_selects_look_like_selects(client, bielefeld):
    date = datetime.date(2025, 3, 12)
    Edition.publish(
        bielefeld, user=User.objects.create_user("paula"), today=date, date=date,
        title="Bericht März 2025", slug="bericht-maerz-2025",
    )  # fmt: skip
    html = client.get("/berichte/vergleich/").content.decode()
    for name in ("von", "bis"):
        assert re.search(WRAPPED.format(name), html), name


def test_proper_name_and_edition_selects_are_wrapped_plain_multiple_ones_not():
    class Filters(PortalForm):
        schulform = forms.ChoiceField(choices=[("02", "Grundschule")])
        bezirk = forms.ChoiceField(choices=[("Mitte", "Mitte")])
        plain = forms.ChoiceField(choices=[("a", "A")])
        several = forms.MultipleChoiceField(choices=[("a", "A")])

    form = Filters()
    name_selects(form)
    form.fields["schulform"].choices = [("02", "Grundschule")]
    form.fields["bezirk"].choices = [("Mitte", "Mitte")]
    for name in ("schulform", "bezirk", "plain"):
        assert re.search(WRAPPED.format(name), str(form[name].as_field_group())), name
    assert "select-wrapper" not in str(form["several"].as_field_group())
    comparison = ComparisonForm(editions=[], content_lang="de")
    assert re.search(WRAPPED.format("bis"), str(comparison["bis"].as_field_group()))
