"""The partnership's logo and accent colour: validated by content, stored privately, used in the document."""
import io
import os

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from exports.document import build_document, render_pdf
from exports.forms import contrast_with_white
from exports.models import PartnershipBranding
from strategy.tests.helpers import pdf_reader, pdf_structure

pytestmark = pytest.mark.django_db


def png_bytes(size=(120, 60), colour=(29, 79, 145), image_format="PNG"):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format=image_format)
    return buffer.getvalue()


def post_branding(client, side, **data):
    body = {"accent_colour": "#6f2c91", "logo_alt": "Ashvale partnership logo", **data}
    return client.post(reverse("branding_edit", kwargs={"slug": side.slug}), body)


def test_it_stores_a_valid_logo_privately_under_a_server_chosen_name(world, client):
    side = world.own
    client.force_login(side.users["manager"])
    upload = SimpleUploadedFile("../../static/evil name.png", png_bytes(), content_type="image/png")
    assert post_branding(client, side, logo=upload).status_code == 302
    branding = PartnershipBranding.objects.get(partnership=side.partnership)
    assert branding.logo.name.startswith(f"branding/{side.partnership.pk}/logo-") and branding.logo.name.endswith(".png")
    assert "evil" not in branding.logo.name
    location = settings.STORAGES["default"]["OPTIONS"]["location"]
    assert branding.logo.path.startswith(location) and not branding.logo.path.startswith(str(settings.BASE_DIR / "static"))
    assert (branding.accent_colour, branding.logo_alt, branding.logo_format) == ("#6f2c91", "Ashvale partnership logo", "png")

    html, _ = build_document(side.strategy)
    assert 'alt="Ashvale partnership logo"' in html and 'src="data:image/png;base64,' in html
    assert "h2 { color: #6f2c91; }" in html
    pdf, _ = render_pdf(html)
    cover = pdf_reader(pdf).pages[0]
    assert any(obj.get_object()["/Subtype"] == "/Image" for obj in cover["/Resources"]["/XObject"].values())
    assert "Ashvale partnership logo" in pdf_structure(pdf_reader(pdf)).alt_texts


@pytest.mark.parametrize("name,content,message", [
    ("logo.png", b"<svg onload=alert(1)>", "The logo must be a PNG or JPEG image."),
    ("logo.gif", None, "The logo must be a PNG or JPEG image."),
    ("logo.png", png_bytes()[:60], "The logo must be a PNG or JPEG image."),
    ("huge.png", b"x" * (1024 * 1024 + 1), "The logo must be smaller than 1024 KB."),
])
def test_it_refuses_a_file_that_is_not_a_usable_image(world, client, name, content, message):
    side = world.own
    if content is None:
        buffer = io.BytesIO()
        Image.new("RGB", (10, 10)).save(buffer, format="GIF")
        content = buffer.getvalue()
    client.force_login(side.users["manager"])
    response = post_branding(client, side, logo=SimpleUploadedFile(name, content))
    assert response.status_code == 200 and message in response.content.decode()
    assert 'value="Ashvale partnership logo"' in response.content.decode()  # what was typed is kept
    assert not PartnershipBranding.objects.exists()


@pytest.mark.parametrize("colour,message", [
    ("blue", "Enter the colour as # followed by six hex digits"),
    ("#ffee00", "This colour is too light to read on white"),
    ("#1d4f91;}", "Enter the colour as # followed by six hex digits"),
])
def test_it_refuses_an_unusable_accent_colour(world, client, colour, message):
    side = world.own
    client.force_login(side.users["manager"])
    response = post_branding(client, side, accent_colour=colour)
    assert response.status_code == 200 and message in response.content.decode()
    assert not PartnershipBranding.objects.exists()


def test_a_logo_needs_a_description(world, client):
    side = world.own
    client.force_login(side.users["manager"])
    response = post_branding(client, side, logo_alt="", logo=SimpleUploadedFile("l.png", png_bytes()))
    assert "Describe the logo" in response.content.decode() and not PartnershipBranding.objects.exists()


def test_contrast_is_measured_as_wcag_does():
    assert round(contrast_with_white("#000000"), 1) == 21.0
    assert round(contrast_with_white("#ffffff"), 1) == 1.0
    assert contrast_with_white("#1d4f91") > 4.5


def test_a_logo_can_be_removed(world, client, django_capture_on_commit_callbacks):
    side = world.own
    client.force_login(side.users["manager"])
    post_branding(client, side, logo=SimpleUploadedFile("l.png", png_bytes()))
    branding = PartnershipBranding.objects.get()
    old_path = branding.logo.path
    page = client.get(reverse("branding_edit", kwargs={"slug": side.slug})).content.decode()
    assert "Remove the current logo" in page
    with django_capture_on_commit_callbacks(execute=True):
        post_branding(client, side, remove_logo="on", logo_alt="")
    branding.refresh_from_db()
    assert not branding.logo and branding.logo_format == ""
    assert not os.path.exists(old_path)
    assert 'class="cover-logo"' not in build_document(side.strategy)[0]
