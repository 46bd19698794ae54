"""The service's alert delivery, on a thread of its own: collections never wait for a channel.

Collection threads call `request()` after each run; it never blocks. Requests go through a queue holding one:
when it is full a pass is already owed, and a pass reads every pending (event, channel) from `change_event` and
`alert_delivery`, so a request dropped then loses nothing (pending deliveries, also those of before a restart,
are planned from the tables, never from the queue). Between requests the worker wakes when the first failing
channel's backoff ends, to retry what is still pending.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading

from gapwatch.settings import Settings
from jobs.alerts.delivery import ChannelHealth, deliver_pending
from jobs.pipeline import Pipeline

log = logging.getLogger("gapwatch.alerts")


class DeliveryWorker:
    def __init__(self, pipe: Pipeline, settings: Settings) -> None:
        self.pipe = pipe
        self.settings = settings
        self.health = ChannelHealth(settings.alert_backoff_s, settings.alert_backoff_max_s)
        self._requests: queue.Queue[None] = queue.Queue(maxsize=1)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="alert-delivery", daemon=True)

    def start(self) -> None:
        self._thread.start()
        self.request()  # what was pending when the service last stopped

    def request(self) -> None:
        """Ask for a pass soon. Never blocks: when one is already owed, this one adds nothing."""
        with contextlib.suppress(queue.Full):
            self._requests.put_nowait(None)

    def stop(self, timeout_s: float) -> bool:
        """End the pass in flight at its next step (a send in flight is abandoned, not recorded); whether the
        thread ended within `timeout_s`. It must end before the pipeline closes."""
        self._stop.set()
        self.request()
        if self._thread.ident is None:
            return True  # never started (the service failed to start)
        self._thread.join(timeout_s)
        return not self._thread.is_alive()

    def _run(self) -> None:
        while not self._stop.is_set():
            # Empty: a failing channel's backoff ended, so what it has pending is retried.
            with contextlib.suppress(queue.Empty):
                self._requests.get(timeout=self.health.next_ready_in())
            if self._stop.is_set():
                return
            try:
                deliver_pending(self.pipe, self.settings, health=self.health, stop=self._stop)
            except Exception:  # a broken rules file or a bug: logged; pending deliveries wait for the next pass
                log.exception("alert delivery pass failed")
