"""Sending work to Celery without ever failing a web request because the broker is down."""
import logging
import socket
from urllib.parse import urlsplit

logger = logging.getLogger(__name__)


def broker_reachable(url, timeout=0.5):
    """Whether something accepts connections at the broker's address. Celery's own connection
    attempts retry for several seconds, too long for a web request, so this quick look comes first."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("redis", "rediss", "amqp", "amqps"):
        return True  # in-memory or eager: nothing to reach
    default_port = 6379 if parts.scheme.startswith("redis") else 5672
    try:
        with socket.create_connection((parts.hostname or "localhost", parts.port or default_port), timeout=timeout):
            return True
    except OSError:
        return False


def _registered(name):
    """The task registered under `name`, importing the apps' task modules first if no worker has."""
    from celery import current_app

    if name not in current_app.tasks:
        current_app.loader.import_default_modules()  # runs autodiscover_tasks: every app's tasks.py
    return current_app.tasks[name]


def enqueue(task, *args, in_process_if_unreachable=True):
    """Queue `task(*args)`; if the broker cannot be reached, run it here and now instead.

    Tasks are idempotent, so a task that did reach the broker and also runs here does no harm. A task too long
    for a web request (a PDF) passes in_process_if_unreachable=False: it is then left to wait, its record
    still queued, and is sent again later (partnerships.documents.requeue_waiting); None is returned.

    `task` is a task or its registered name: services name their tasks, so that the task modules, which call
    the services, are the only ones to import the other (no import cycle)."""
    if isinstance(task, str):
        task = _registered(task)
    app = task.app
    if app.conf.task_always_eager:
        return task.apply_async(args=args)
    if broker_reachable(app.conf.broker_url):
        try:
            return task.apply_async(args=args, retry=False)
        except Exception as exc:  # kombu OperationalError, redis ConnectionError, OSError…
            reason = type(exc).__name__
    else:
        reason = "no answer at its address"
    if not in_process_if_unreachable:
        logger.warning("Broker unreachable (%s); %s waits in its queue and is sent again later", reason, task.name)
        return None
    logger.warning("Broker unreachable (%s); running %s in-process", reason, task.name)
    return task.apply(args=args)
