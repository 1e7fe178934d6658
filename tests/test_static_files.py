"""Static files as production serves them: hashed names, compressed copies, module imports rewritten."""
import gzip
import json
import re

import pytest
from django.core.management import call_command
from django.templatetags.static import static


@pytest.fixture
def collected(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    # Only the portal's own folder: the admin's and the API docs' files would only make this slow.
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.STORAGES = {
        **settings.STORAGES, "staticfiles": {"BACKEND": "partnership_portal.storage.PortalStaticFilesStorage"}
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    return settings.STATIC_ROOT


def test_collectstatic_hashes_and_compresses_the_portals_assets(collected):
    paths = json.loads((collected / "staticfiles.json").read_text())["paths"]
    for name in ("portal/portal.js", "portal/portal.css", "govuk/govuk-frontend.min.js", "govuk/govuk-frontend.min.css"):
        hashed = paths[name]
        assert re.search(r"\.[0-9a-f]{12}\.(js|css)$", hashed), hashed
        assert static(name) == f"/static/{hashed}"
        original = (collected / hashed).read_bytes()
        assert gzip.decompress((collected / f"{hashed}.gz").read_bytes()) == original


def test_the_module_import_in_portal_js_points_at_the_hashed_govuk_frontend(collected):
    paths = json.loads((collected / "staticfiles.json").read_text())["paths"]
    script = (collected / paths["portal/portal.js"]).read_text()
    imported = re.search(r'import \{ initAll \} from "\.\./([^"]+)"', script).group(1)
    assert imported == paths["govuk/govuk-frontend.min.js"]
    assert (collected / imported).exists()


@pytest.mark.django_db
def test_the_portal_has_its_own_favicon_not_the_crown(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file
    page = client.get("/accounts/login/").content.decode()
    assert 'href="/static/portal/favicon.svg"' in page or "portal/favicon." in page
    from django.contrib.staticfiles import finders

    assert finders.find("govuk/assets/images/favicon.svg") is None


def test_the_preview_script_portal_js_imports_is_hashed_too(collected):
    paths = json.loads((collected / "staticfiles.json").read_text())["paths"]
    script = (collected / paths["portal/portal.js"]).read_text()
    imported = re.search(r'import ?"\./(preview[^"]+)"', script).group(1)
    assert f"portal/{imported}" == paths["portal/preview.js"]
