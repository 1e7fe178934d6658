"""Forms of the published document: challenges on an export, responses, and the partnership's branding."""
import io
import re

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Size
from django import forms

from partnerships.forms import PortalForm

from .models import LOGO_MAX_BYTES, LOGO_MAX_PIXELS

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
# Pillow's name for each accepted format, and the extension the stored file gets.
LOGO_FORMATS = {"PNG": "png", "JPEG": "jpeg"}


def _relative_luminance(hex_colour):
    def channel(value):
        c = int(value, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(hex_colour[i:i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_with_white(hex_colour):
    """The WCAG contrast ratio of the colour against white."""
    return 1.05 / (_relative_luminance(hex_colour) + 0.05)


def read_logo(upload):
    """Check an uploaded logo by its content, not its name: a PNG or JPEG image Pillow can decode,
    within the size limits. Returns (bytes, format) or raises ValidationError."""
    from PIL import Image, UnidentifiedImageError

    if upload.size > LOGO_MAX_BYTES:
        raise forms.ValidationError(f"The logo must be smaller than {LOGO_MAX_BYTES // 1024} KB.")
    data = upload.read()
    try:
        with Image.open(io.BytesIO(data)) as image:
            image_format = image.format
            width, height = image.size
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()  # verify() does not decode the pixels; a truncated image fails here
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise forms.ValidationError("The logo must be a PNG or JPEG image.") from None
    if image_format not in LOGO_FORMATS:
        raise forms.ValidationError("The logo must be a PNG or JPEG image.")
    if max(width, height) > LOGO_MAX_PIXELS:
        raise forms.ValidationError(f"The logo must be at most {LOGO_MAX_PIXELS} pixels wide and high.")
    return data, LOGO_FORMATS[image_format]


class BrandingForm(PortalForm):
    accent_colour = forms.CharField(
        label="Accent colour", max_length=20,
        help_text="A hex code such as #1d4f91. It is used for headings, so it must be dark enough to read on white.",
    )
    logo = forms.FileField(
        label="Logo", required=False,
        help_text=f"A PNG or JPEG image, up to {LOGO_MAX_BYTES // 1024} KB and {LOGO_MAX_PIXELS} pixels across.",
    )
    logo_alt = forms.CharField(
        label="Describe the logo", max_length=200, required=False,
        help_text="Screen readers read this in place of the logo, for example "
                  "“Ashvale and Northmere Safeguarding Children Partnership logo”.",
    )
    remove_logo = forms.BooleanField(label="Remove the current logo", required=False)

    def __init__(self, *args, has_logo=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_logo = has_logo
        if not has_logo:
            del self.fields["remove_logo"]
            self.helper = FormHelper(self)  # the layout follows the fields that remain
            self.helper.form_tag = False
            self.helper.label_size = Size.SMALL

    def clean_accent_colour(self):
        value = self.cleaned_data["accent_colour"].strip()
        if not HEX_COLOUR.match(value):
            raise forms.ValidationError("Enter the colour as # followed by six hex digits, for example #1d4f91.")
        if contrast_with_white(value) < 4.5:
            raise forms.ValidationError(
                "This colour is too light to read on white (contrast below 4.5 to 1). Choose a darker colour."
            )
        return value.lower()

    def clean_logo(self):
        upload = self.cleaned_data.get("logo")
        if not upload:
            return None
        data, image_format = read_logo(upload)
        self.logo_format = image_format
        return data

    def clean(self):
        data = super().clean()
        keeps_logo = (self.has_logo and not data.get("remove_logo")) or data.get("logo")
        if keeps_logo and not (data.get("logo_alt") or "").strip():
            self.add_error("logo_alt", "Describe the logo, so people who cannot see it know what it is.")
        return data


class ChallengeForm(PortalForm):
    section_key = forms.ChoiceField(label="Which part of the document", required=False)
    page_reference = forms.CharField(label="Page", max_length=40, required=False,
                                     help_text="The page number in the PDF, for example 12 or 12–14.")
    text = forms.CharField(label="Your challenge", widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, sections=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section_key"].choices = [("", "The whole document"), *[(s["key"], s["title"]) for s in sections]]


class ChallengeReplyForm(PortalForm):
    text = forms.CharField(label="Your reply", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)
