"""The background thread that sends queued e-mail while the app runs (one per process)."""

from __future__ import annotations

import logging
import threading

from surveys.context import Context
from surveys.mail_queue import SendReport, send_due
from surveys.mailer import MailNotConfigured

log = logging.getLogger(__name__)
INTERVAL = 5.0  # seconds between two looks at the queue (a poke wakes the thread at once)
STARTED: list[MailWorker] = []  # every worker this process started (tests stop them)


class MailWorker:
    """A daemon thread calling ``send_due`` until stopped; a tick with nothing due is one query."""

    def __init__(self, ctx: Context, interval: float = INTERVAL) -> None:
        self.ctx, self.interval = ctx, interval
        self._stop = threading.Event()
        self._wake = threading.Event()
        self.last: SendReport | None = None
        self.thread = threading.Thread(target=self._run, name="star-survey-mail", daemon=True)

    def poke(self) -> None:
        """Look at the queue now (after a wave was queued or failures were retried)."""
        self._wake.set()

    def _run(self) -> None:
        """Send what is due, then wait; a failure is logged, never fatal."""
        warned = False
        while not self._stop.is_set():
            try:
                self.last = send_due(self.ctx)
                warned = False
            except MailNotConfigured as exc:  # said once, not every few seconds
                if not warned:
                    log.warning("mail worker: %s", exc)
                warned = True
            except Exception:  # a database outage
                log.exception("mail worker")
            self._wake.wait(self.interval)
            self._wake.clear()

    def stop(self, timeout: float | None = None) -> None:
        """Ask the thread to finish and wait for it (up to timeout seconds)."""
        self._stop.set()
        self._wake.set()
        self.thread.join(timeout)


def start_mail_worker(ctx: Context, interval: float = INTERVAL) -> MailWorker | None:
    """Return the started worker, or None when e-mail is off (STAR_SURVEY_SMTP_URL unset)."""
    if not ctx.settings.smtp_url:
        return None
    worker = MailWorker(ctx, interval)
    worker.thread.start()
    STARTED.append(worker)
    return worker
