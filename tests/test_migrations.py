"""Migrations: a fresh database migrates from zero, and the models have no change without a migration.

From release 0.1.0 on, a migration that has been released is never rewritten: a change to the models
gets a new migration. On PostgreSQL (CI) the fresh database is a real one, made and dropped here."""
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
APPS = ("partnerships", "strategy", "actionplan", "audits", "workforce", "reviews", "impact", "exports")


def _run(args, **env_overrides):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update({"DJANGO_SETTINGS_MODULE": "partnership_portal.settings", "DEBUG": "1", **env_overrides})
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)


def test_the_models_have_no_change_without_a_migration():
    result = _run(["makemigrations", "--check", "--dry-run"])
    assert result.returncode == 0 and "No changes detected" in result.stdout, result.stdout + result.stderr


def test_each_app_has_one_clean_history_with_no_merge_migrations():
    for app in APPS:
        names = sorted(p.stem for p in (ROOT / app / "migrations").glob("[0-9]*.py"))
        assert names, app
        assert not [n for n in names if "merge" in n], (app, names)
        numbers = [n.split("_")[0] for n in names]
        assert len(numbers) == len(set(numbers)), f"{app} has parallel migrations: {names}"


@pytest.mark.skipif(settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
                    reason="the fresh-database migration runs against PostgreSQL (CI sets DATABASE_URL)")
def test_a_fresh_postgresql_database_migrates_from_zero():
    db = settings.DATABASES["default"]
    name = f"portal_fresh_{secrets.token_hex(4)}"
    host, port, user = db.get("HOST") or "127.0.0.1", str(db.get("PORT") or 5432), db.get("USER") or "postgres"
    base_url = f"postgres://{user}@{host}:{port}"
    import psycopg

    with psycopg.connect(f"{base_url}/postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        result = _run(["migrate", "--no-input"], DATABASE_URL=f"{base_url}/{name}")
        assert result.returncode == 0, result.stdout + result.stderr
        result = _run(["showmigrations", "--plan"], DATABASE_URL=f"{base_url}/{name}")
        assert "[ ]" not in result.stdout, result.stdout
        # The reference data of the national guide is there once the database is migrated.
        with psycopg.connect(f"{base_url}/{name}") as connection:
            (count,) = connection.execute("SELECT count(*) FROM partnerships_formofabuse").fetchone()
        assert count == 6
    finally:
        with psycopg.connect(f"{base_url}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
