"""The background thread that anchors chain heads while the app runs (one per process)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.engine import Engine

from surveys.anchor_queries import newest_record_id, uncovered
from surveys.anchoring import anchor_due
from surveys.db import read_session
from surveys.models import utcnow
from surveys.settings import Settings

log = logging.getLogger(__name__)
INTERVAL = 5.0  # seconds between two looks at the chain heads


class AnchorWorker:
    """A daemon thread calling ``anchor_due`` every few seconds until stopped.

    While no record was added and no head waits for a TSA, a tick costs one indexed query.
    """

    def __init__(self, engine: Engine, settings: Settings, interval: float = INTERVAL,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.engine, self.settings, self.interval, self.clock = engine, settings, interval, clock
        self._stop = threading.Event()
        self._seen = -1  # the newest record id when nothing was left to anchor
        self.thread = threading.Thread(target=self._run, name="star-survey-anchoring",
                                       daemon=True)

    def tick(self) -> None:
        """Anchor what is due, unless nothing changed since everything was covered."""
        with read_session(self.engine) as session:
            newest = newest_record_id(session)
        if newest == self._seen:
            return
        anchor_due(engine=self.engine, settings=self.settings, now=self.clock())
        with read_session(self.engine) as session:
            self._seen = newest if not uncovered(session, self.settings) else -1

    def _run(self) -> None:
        """Tick, then wait; a failure is logged, never fatal."""
        while not self._stop.is_set():
            try:
                self.tick()
            except Exception:  # anchor_due does not raise; a database outage may
                log.exception("anchoring worker")
            self._stop.wait(self.interval)

    def stop(self, timeout: float | None = None) -> None:
        """Ask the thread to finish and wait for it (up to timeout seconds)."""
        self._stop.set()
        self.thread.join(timeout)


STARTED: list[AnchorWorker] = []  # every worker this process started (the app: one per database)


def start_worker(engine: Engine, settings: Settings, interval: float = INTERVAL
                 ) -> AnchorWorker | None:
    """Return the started worker, or None when no TSA is configured (nothing to do)."""
    if not settings.tsa_urls:
        return None
    worker = AnchorWorker(engine, settings, interval)
    worker.thread.start()
    STARTED.append(worker)
    return worker
