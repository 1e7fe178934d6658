"""Settings for the test suite: the same as production except where tests need otherwise."""
import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-used-anywhere-else-0123456789")

from .settings import *  # noqa: E402,F403
from .settings import STORAGES  # noqa: E402

# Fast hashing keeps the suite quick; production uses Django's default.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
SECURE_SSL_REDIRECT = False
# Tasks run in-process in tests; the worker test switches this off to use a real worker.
CELERY_TASK_ALWAYS_EAGER = True
REST_FRAMEWORK = {  # noqa: F405
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"user": "100000/minute", "api-write": "100000/minute"},
}
