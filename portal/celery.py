import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# A request's id reaches the tasks it sent (portal.request_id).
from portal.request_id import connect_celery_signals  # noqa: E402

connect_celery_signals()
