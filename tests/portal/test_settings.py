"""Start-up behaviour, checked in a fresh interpreter without pytest loaded
(the settings treat a pytest process as a test run)."""

import json
import os
import secrets
import subprocess
import sys

from django.conf import settings

# Every variable the settings read, so that a developer's own environment (or
# CI's DATABASE_URL) does not leak into these runs.
PORTAL_PREFIXES = ("DJANGO_", "PORTAL_", "EMAIL_", "CELERY_")
PORTAL_VARIABLES = {
    "DATABASE_URL",
    "DATABASE_CONN_MAX_AGE",
    "REDIS_URL",
    "MEDIA_ROOT",
    "STATIC_ROOT",
    "DEFAULT_FROM_EMAIL",
    "LOG_LEVEL",
}

PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "portal.example.org",
}


def run_portal(args, tmp_path, **variables):
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(PORTAL_PREFIXES) and name not in PORTAL_VARIABLES
    }
    env.update(PORTAL_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="portal.settings")
    env.update(variables)
    return subprocess.run(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


SHOW_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({
    "engine": s.DATABASES["default"]["ENGINE"],
    "cache": s.CACHES["default"]["BACKEND"],
    "eager": s.CELERY_TASK_ALWAYS_EAGER,
    "broker": s.CELERY_BROKER_URL,
    "email": s.EMAIL_BACKEND,
    "staticfiles": s.STORAGES["staticfiles"]["BACKEND"],
}))
"""


def show_settings(tmp_path, **variables) -> dict:
    result = run_portal(["-c", SHOW_SETTINGS], tmp_path, **variables)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_without_a_secret_key_stops_with_a_clear_message(tmp_path):
    result = run_portal(["manage.py", "check"], tmp_path, DJANGO_DEBUG="0")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_deploy_check_with_production_variables_reports_nothing(tmp_path):
    result = run_portal(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        tmp_path,
        **PRODUCTION,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_embedded_default_is_sqlite_eager_celery_and_console_mail(tmp_path):
    shown = show_settings(tmp_path, DJANGO_DEBUG="1")

    assert shown == {
        "engine": "django.db.backends.sqlite3",
        "cache": "django.core.cache.backends.locmem.LocMemCache",
        "eager": True,
        "broker": "memory://",
        "email": "django.core.mail.backends.console.EmailBackend",
        "staticfiles": "django.contrib.staticfiles.storage.StaticFilesStorage",
    }


def test_database_and_redis_urls_switch_to_the_real_stack(tmp_path):
    shown = show_settings(
        tmp_path,
        **PRODUCTION,
        DATABASE_URL="postgres://portal:pw@db.example.org:5432/portal",
        REDIS_URL="redis://cache.example.org:6379/0",
        EMAIL_HOST="smtp.example.org",
    )

    assert shown == {
        "engine": "django.db.backends.postgresql",
        "cache": "portal.cache.PortalRedisCache",
        "eager": False,
        "broker": "redis://cache.example.org:6379/0",
        "email": "django.core.mail.backends.smtp.EmailBackend",
        "staticfiles": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    }


def test_tests_serve_static_files_without_a_manifest():
    backend = settings.STORAGES["staticfiles"]["BACKEND"]
    assert backend == "django.contrib.staticfiles.storage.StaticFilesStorage"


def test_empty_variables_mean_the_default(tmp_path):
    shown = show_settings(
        tmp_path, DJANGO_DEBUG="1", EMAIL_BACKEND="", REDIS_URL="", DATABASE_URL=" "
    )
    assert shown["email"] == "django.core.mail.backends.console.EmailBackend"
    assert shown["engine"] == "django.db.backends.sqlite3"
    assert shown["eager"] is True
