"""The portal's Celery app, for the tests that kill a worker in the middle of an export.

`celery -A tests.held_render worker` runs the same app and tasks. With HELD_RENDER_KEY set:

- every task run appends to the Redis list `<key>:deliveries` whether its message was handed out again
  ("redelivered") or for the first time ("first");
- every render of an export counts itself under `<key>:renders`, and the first one holds: it pushes its
  process id to `<key>:held` and waits for `<key>:release` (two minutes at most) before rendering. A test can
  so kill the worker while the export is certainly RENDERING, without guessing how long a render takes;
- the broker's record of unacknowledged messages is kept under keys of the test's own, so a worker started
  with a short visibility timeout hands out again only the test's messages, never those of another worker
  sharing the Redis database, and looks for them every second rather than every hundred or so.

Nothing outside the tests imports this module.
"""
import os

import redis
from celery.signals import task_prerun

from partnership_portal.celery import app

KEY = os.environ.get("HELD_RENDER_KEY", "")

if KEY:
    app.conf.broker_transport_options = {
        **app.conf.broker_transport_options,
        "unacked_key": f"{KEY}:unacked",
        "unacked_index_key": f"{KEY}:unacked_index",
        "unacked_mutex_key": f"{KEY}:unacked_mutex",
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }


def _held(render_pdf):
    def held_render_pdf(html, *args, **kwargs):
        # redis-py gives up reading after 5 s unless told otherwise; this wait is longer.
        broker = redis.Redis.from_url(os.environ["REDIS_URL"], socket_timeout=150)
        if broker.incr(f"{KEY}:renders") == 1:
            broker.rpush(f"{KEY}:held", os.getpid())
            broker.blpop([f"{KEY}:release"], timeout=120)
        return render_pdf(html, *args, **kwargs)

    held_render_pdf.held = True
    return held_render_pdf


@task_prerun.connect
def _record_delivery_and_hold_renders(task=None, **kwargs):
    if not KEY:
        return
    from exports import document as export

    if not getattr(export.render_pdf, "held", False):
        export.render_pdf = _held(export.render_pdf)
    redelivered = (task.request.delivery_info or {}).get("redelivered")
    redis.Redis.from_url(os.environ["REDIS_URL"]).rpush(
        f"{KEY}:deliveries", "redelivered" if redelivered else "first"
    )
