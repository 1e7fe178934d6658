"""Production configuration: `check --deploy` is clean, every response carries the protective headers,
cookies are locked down, and errors never show internal detail."""
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent


def test_check_deploy_with_production_settings_gives_no_warnings():
    # DJANGO_ALLOW_ASYNC_UNSAFE is set by the browser tests for their own process only.
    env = {k: v for k, v in os.environ.items()
           if k not in ("DEBUG", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update({
        "DJANGO_SETTINGS_MODULE": "partnership_portal.settings", "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64), "ALLOWED_HOSTS": "portal.example.org",
    })
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_settings_refuse_to_start_without_a_secret():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update({"DJANGO_SETTINGS_MODULE": "partnership_portal.settings", "DEBUG": "0"})
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def test_commands_that_only_read_the_code_run_without_a_secret():
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "PORTAL_THROWAWAY_SECRET_KEY")}
    env.update({"DJANGO_SETTINGS_MODULE": "partnership_portal.settings", "DEBUG": "0"})
    result = subprocess.run([sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "No changes detected" in result.stdout, result.stderr
    # The throwaway key is for those commands alone: a settings import elsewhere still refuses.
    env["PORTAL_THROWAWAY_SECRET_KEY"] = ""
    result = subprocess.run([sys.executable, "manage.py", "migrate", "--plan"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


PRODUCTION_HEADERS = dict(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True, SECURE_HSTS_PRELOAD=True)


@override_settings(**PRODUCTION_HEADERS)
@pytest.mark.parametrize("who", ["anonymous", "manager"])
@pytest.mark.parametrize("path", ["/accounts/login/", "/healthz", "/no-such-page/", "/p/ashvale/", "/api/v1/actions/"])
def test_every_response_carries_the_protective_headers(world, client, who, path):
    if who != "anonymous":
        client.force_login(world.own.users[who])
    response = client.get(path, secure=True)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    if path != "/healthz":  # answered before SecurityMiddleware, for load balancers on plain HTTP
        assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    if who != "anonymous":
        assert response["Cache-Control"] == "no-store"


def test_scripts_need_the_per_response_nonce(world, client):
    client.force_login(world.own.users["manager"])
    response = client.get(reverse("partnership", kwargs={"slug": world.own.slug}))
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    assert nonce, response["Content-Security-Policy"]
    assert f'nonce="{nonce.group(1)}"' in response.content.decode()
    assert client.get(reverse("partnership", kwargs={"slug": world.own.slug}))["Content-Security-Policy"] != response[
        "Content-Security-Policy"]


def test_no_template_has_an_inline_script_or_event_handler():
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and "nonce=" not in tag:
                offenders.append(f"{path}: {tag}")
        if re.search(r"\son(click|load|submit|change|error)\s*=", text):
            offenders.append(f"{path}: inline event handler")
    assert offenders == []


def test_cookies_are_secure_httponly_and_samesite_in_production():
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(64)}
    code = ("import django, os; os.environ['DJANGO_SETTINGS_MODULE']='partnership_portal.settings'; django.setup();"
            "from django.conf import settings as s;"
            "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_HTTPONLY,"
            " s.SESSION_COOKIE_SAMESITE, s.CSRF_COOKIE_SAMESITE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS > 0)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.stdout.split() == ["True", "True", "True", "True", "Lax", "Lax", "True", "True"], result.stderr


def test_the_session_cookie_set_at_sign_in_is_httponly_and_samesite(db, client):
    from partnerships.tests.factories import TEST_PASSWORD, UserFactory

    UserFactory(email="lead@example.org")
    response = client.post("/accounts/login/", {"username": "lead@example.org", "password": TEST_PASSWORD})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


@pytest.fixture
def failing_view_urls(settings):
    """A URL whose view raises, so the 500 handler can be tested with DEBUG off."""
    import types

    from django.urls import path

    def boom(request):
        raise RuntimeError("secret internal detail: database password hunter2")

    module = types.ModuleType("failing_urls")
    from partnership_portal.urls import urlpatterns

    module.urlpatterns = [path("boom/", boom), *urlpatterns]
    sys.modules["failing_urls"] = module
    settings.ROOT_URLCONF = "failing_urls"
    yield
    del sys.modules["failing_urls"]


@override_settings(DEBUG=False)
def test_a_server_error_shows_the_service_page_and_no_traceback(db, client, failing_view_urls):
    client.raise_request_exception = False
    response = client.get("/boom/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in html
    for leak in ("Traceback", "RuntimeError", "hunter2", "secret internal detail"):
        assert leak not in html


@override_settings(DEBUG=False)
@pytest.mark.parametrize("status,path,heading", [
    (404, "/no-such-page/", "Page not found"),
    (403, "audit_list", "You do not have permission to do that"),
    (400, "/accounts/login/", "Sorry, there is a problem with that request"),
])
def test_error_pages_are_in_the_service_style(world, client, status, path, heading):
    client.force_login(world.own.users["viewer"])
    if path == "audit_list":
        path = reverse(path, kwargs={"slug": world.own.slug})
    extra = {"HTTP_HOST": "bad host name!"} if status == 400 else {}
    response = client.get(path, **extra)
    html = response.content.decode()
    assert response.status_code == status
    assert heading in html and 'class="govuk-heading-l"' in html and "Traceback" not in html


def test_a_stale_form_token_gets_the_service_403_page(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x@example.org", "password": "y"})
    assert response.status_code == 403
    assert "Your form has expired" in response.content.decode()


@pytest.mark.parametrize("value, expected", [("1", True), ("TRUE", True), (" yes ", True), ("on", True),
                                             ("0", False), ("false", False), ("No", False), ("off", False), ("", False)])
def test_env_bool_reads_the_usual_spellings(monkeypatch, value, expected):
    from partnership_portal.settings import env_bool

    monkeypatch.setenv("PORTAL_TEST_FLAG", value)
    assert env_bool("PORTAL_TEST_FLAG", not expected) is expected


@pytest.mark.parametrize("typo", ["ture", "flase", "2", "enabled"])
def test_a_mistyped_yes_no_setting_stops_start_up(monkeypatch, typo):
    """A typo must not silently read as false (DEBUG=ture, SECURE_SSL_REDIRECT=ture)."""
    from django.core.exceptions import ImproperlyConfigured

    from partnership_portal.settings import env_bool

    monkeypatch.setenv("PORTAL_TEST_FLAG", typo)
    with pytest.raises(ImproperlyConfigured, match="PORTAL_TEST_FLAG"):
        env_bool("PORTAL_TEST_FLAG", True)
