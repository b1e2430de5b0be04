"""Each Schulträger's identity (issue 13): its name, office, logo, contact and
committee in the header, the footer and the report pages at its address, edited
by its own administrators ("Auftritt"). A logo is a PNG or an SVG rebuilt without
anything active; its own address lets it draw and nothing else."""

import io

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from authorities.logos import MAX_LOGO_BYTES, checked_logo
from authorities.models import Identity
from tests.authorities.conftest import HOST
from tests.authorities.test_admin_isolation import administrator
from tests.two_factor import client_for

SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="40" height="40" '
    b'onload="alert(1)"><script>alert(2)</script><a href="javascript:alert(3)">'
    b'<circle cx="20" cy="20" r="10" fill="#005ca9"/></a>'
    b'<image href="https://tracker.example/pixel.png"/></svg>'
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploads go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path


def png(width: int = 60, height: int = 40) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "#005ca9").save(out, "PNG")
    return out.getvalue()


# --- What an upload is ------------------------------------------------------------


def test_a_png_is_kept_as_it_is():
    content = png()
    logo = checked_logo(content)
    assert (logo.content, logo.extension) == (content, "png")


def test_an_svg_is_rebuilt_without_anything_active():
    logo = checked_logo(SVG)
    assert logo.extension == "svg"
    assert b"<circle" in logo.content
    for active in [b"script", b"onload", b"javascript:", b"tracker.example"]:
        assert active not in logo.content


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (png()[:40] + b"\0" * 100, "beschädigt oder keine PNG-Datei"),
        (png(4001, 10), "4001 × 10 Pixel"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><g></svg>", "kein gültiges XML"),
        (b"GIF89a" + b"\0" * 100, "als PNG- oder SVG-Datei"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * MAX_LOGO_BYTES, "höchstens 512 KB"),
    ],
    ids=["broken-png", "huge-png", "broken-svg", "gif", "too-large"],
)
def test_other_uploads_are_refused_in_german(content, message):
    with pytest.raises(ValidationError, match=message):
        checked_logo(content)


# --- Edited by the authority's own administrators --------------------------------------


@pytest.fixture
def kreis_client(county):
    user = administrator("kreis")
    user.user_permissions.add(*Permission.objects.filter(codename__endswith="_identity"))
    county.owner.staff.add(user)
    return client_for(user)


def _change(identity) -> str:
    return reverse("admin:authorities_identity_change", args=[identity.pk])


def _post(client, identity, logo: bytes | None, name: str = "logo.svg", **values):
    data = {
        "office": "Schulamt",
        "committee": "Ausschuss für Schule und Sport",
        "contact": "Kreishaus, Musterstraße 1\n12345 Musterstadt\nschulamt@example-kreis.de",
        **values,
    }
    if logo is not None:
        data["logo"] = SimpleUploadedFile(name, logo)
    return client.post(_change(identity), data)


def test_an_authoritys_administrator_edits_its_identity_only(kreis_client, county, bielefeld):
    own = Identity.objects.get(pk=county.owner_id)
    other = Identity.objects.get(pk=bielefeld.owner_id)
    listed = kreis_client.get(reverse("admin:authorities_identity_changelist"))
    assert list(listed.context["cl"].result_list) == [own]
    missing = kreis_client.get(reverse("admin:authorities_identity_change", args=[987654]))
    assert kreis_client.get(_change(other))["Location"] == missing["Location"]
    # Name and address stay the platform administrator's.
    form = kreis_client.get(_change(own)).context["adminform"].form
    assert set(form.fields) == {"office", "committee", "contact", "logo"}


def test_an_uploaded_svg_is_stored_rebuilt_and_a_replaced_one_removed(
    kreis_client, county, tmp_path
):
    identity = Identity.objects.get(pk=county.owner_id)
    assert _post(kreis_client, identity, SVG).status_code == 302
    identity.refresh_from_db()
    stored = identity.logo.read()
    assert b"<circle" in stored and b"script" not in stored
    first = identity.logo.name
    assert first.startswith(f"authorities/{identity.pk}/logo-") and first.endswith(".svg")

    assert _post(kreis_client, identity, png(), name="logo.png").status_code == 302
    identity.refresh_from_db()
    assert identity.logo.name.endswith(".png") and identity.logo.name != first
    assert [path.name for path in (tmp_path / "authorities" / str(identity.pk)).iterdir()] == [
        identity.logo.name.rsplit("/", 1)[-1]
    ]


def test_a_refused_logo_changes_nothing(kreis_client, county, tmp_path):
    identity = Identity.objects.get(pk=county.owner_id)
    response = _post(kreis_client, identity, b"<html><script>x</script></html>", name="logo.svg")
    assert response.status_code == 422
    assert "als PNG- oder SVG-Datei" in response.text
    identity.refresh_from_db()
    assert not identity.logo and identity.office == ""
    assert not (tmp_path / "authorities").exists()


# --- Shown at its address -----------------------------------------------------------


def test_the_pages_at_its_address_show_its_identity(kreis_client, county, bielefeld, client):
    identity = Identity.objects.get(pk=county.owner_id)
    _post(kreis_client, identity, SVG)
    identity.refresh_from_db()

    page = client.get("/", HTTP_HOST=HOST).text
    assert "Kreis Musterland – Schulamt · Schulamt" in page
    assert f'src="{identity.logo_url}"' in page and 'alt=""' in page
    assert "Kreishaus, Musterstraße 1<br>12345 Musterstadt" in page
    assert 'Berichte an den <span lang="de">Ausschuss für Schule und Sport</span>' in page
    editions = client.get("/berichte/", HTTP_HOST=HOST).text
    assert "<title>Berichte an den Ausschuss für Schule und Sport" in editions
    legal_or_missing = client.get("/schulen/", HTTP_HOST=HOST).text
    assert "Kreis Musterland – Schulamt" in legal_or_missing

    bielefeld_page = client.get("/").text
    assert "Kreis Musterland" not in bielefeld_page and identity.logo_url not in bielefeld_page
    assert 'Berichte an den <span lang="de">Schulausschuss</span>' in bielefeld_page


def test_the_logo_may_draw_and_nothing_else(kreis_client, county, bielefeld, client):
    identity = Identity.objects.get(pk=county.owner_id)
    _post(kreis_client, identity, SVG)
    identity.refresh_from_db()
    response = client.get(identity.logo_url, HTTP_HOST=HOST)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert b"".join(response.streaming_content) == identity.logo.read()
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "sandbox" in policy
    assert "script-src" not in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "immutable" in response["Cache-Control"]
    # Not at another authority's address, not under another name.
    assert client.get(identity.logo_url).status_code == 404
    assert client.get("/logo/logo-000000000000.svg", HTTP_HOST=HOST).status_code == 404


def test_the_decks_carry_the_logo(kreis_client, county, client):
    """The live PDF and PowerPoint of the county: its logo on the title page (the
    PowerPoint a PNG only), and a new logo gives new files."""
    import io as _io

    from pptx import Presentation

    identity = Identity.objects.get(pk=county.owner_id)
    first = client.get("/bericht.pptx", HTTP_HOST=HOST).content
    _post(kreis_client, identity, png(), name="logo.png")
    pptx = client.get("/bericht.pptx", HTTP_HOST=HOST).content
    assert pptx != first  # not the cached file of before the logo
    title = Presentation(_io.BytesIO(pptx)).slides[0]
    [picture] = [shape for shape in title.shapes if shape.shape_type == 13]  # PICTURE
    assert picture._element.nvPicPr.cNvPr.get("descr") == "Kreis Musterland – Schulamt"
    pdf = client.get("/bericht.pdf", HTTP_HOST=HOST).content
    assert b"/Subtype /Image" in pdf or b"/Subtype/Image" in pdf
