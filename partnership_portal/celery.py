"""The Celery application. With no REDIS_URL, tasks run in-process (eagerly)."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership_portal.settings")

app = Celery("partnership_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
