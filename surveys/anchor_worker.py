"""The background thread that anchors chain heads while the app runs (one per process)."""

from __future__ import annotations

import logging
import threading

from sqlalchemy.engine import Engine

from surveys.anchoring import anchor_due
from surveys.settings import Settings

log = logging.getLogger(__name__)
INTERVAL = 5.0  # seconds between two looks at the chain heads


class AnchorWorker:
    """A daemon thread calling ``anchor_due`` every few seconds until stopped."""

    def __init__(self, engine: Engine, settings: Settings, interval: float = INTERVAL) -> None:
        self.engine, self.settings, self.interval = engine, settings, interval
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="star-survey-anchoring",
                                       daemon=True)

    def _run(self) -> None:
        """Look for unanchored heads, then wait; a failure is logged, never fatal."""
        while not self._stop.is_set():
            try:
                anchor_due(engine=self.engine, settings=self.settings)
            except Exception:  # anchor_due does not raise; this guards the thread regardless
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
