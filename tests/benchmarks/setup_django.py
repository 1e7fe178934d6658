"""Django for the benchmarks: production settings (DEBUG off) against PostgreSQL."""
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

BENCH_ENV = {
    "DJANGO_SETTINGS_MODULE": "partnership_portal.settings",
    "DEBUG": "0",
    "SECRET_KEY": "benchmark-only-secret-key-0123456789abcdefghijklmnop",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "SECURE_SSL_REDIRECT": "0",
    "PLAIN_STATIC_STORAGE": "1",
    "PORTAL_BENCH_VIEWS": "1",
    "API_THROTTLE_RATE": "100000000/minute",
    "LOG_LEVEL": "WARNING",
}


def database_url():
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(
            "The benchmarks need PostgreSQL: set BENCH_DATABASE_URL (or DATABASE_URL), for example\n"
            "  BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench make benchmarks\n"
            "The database is created if missing and keeps the generated partnerships between runs."
        )
    return url


def setup():
    url = database_url()
    for key, value in BENCH_ENV.items():
        os.environ.setdefault(key, value)
    os.environ["DATABASE_URL"] = url
    os.environ.pop("REDIS_URL", None)  # exports render in-process
    sys.path.insert(0, str(ROOT))
    _create_database(url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return url


def _create_database(url):
    from urllib.parse import urlparse

    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
