"""The embedded worker: runs the periodic jobs in this process, no broker or extra server.

Used by `congdong worker` (a process of its own) and by `congdong demo` (a daemon thread in
the web server's process).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import close_old_connections, connections

from congdong.worker.jobs import JOBS, Job

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """One run of one job: what it returned, or the error that stopped it."""

    job: str
    result: object = None
    error: str = ""
    seconds: float = 0.0

    def __str__(self) -> str:
        done = f"failed: {self.error}" if self.error else f"{self.result}"
        return f"{self.job}: {done} ({self.seconds:.2f} s)"


def release_connections() -> None:
    """Close this thread's connections that outlived CONN_MAX_AGE or broke; keep the rest.

    Django does this around each request, and a loop is not a request. A connection inside a
    transaction belongs to the caller (a test, say): it is left alone.
    """
    if not any(conn.in_atomic_block for conn in connections.all(initialized_only=True)):
        close_old_connections()


def run_job(job: Job) -> Outcome:
    """Run `job` once here and now; an exception is logged and returned, never raised."""
    release_connections()
    started = time.monotonic()
    try:
        result = job.callable()()
    except Exception as error:
        logger.exception("worker job %s failed", job.name)
        outcome = Outcome(job.name, error=repr(error), seconds=time.monotonic() - started)
    else:
        outcome = Outcome(job.name, result=result, seconds=time.monotonic() - started)
        # Quiet when a sweep found nothing: it runs every few seconds.
        logger.log(logging.INFO if result else logging.DEBUG, "worker %s", outcome)
    finally:
        release_connections()
    return outcome


class Loop:
    """Runs each job when its interval has passed, until `stop()`.

    `interval` overrides the default interval of jobs that do not set their own (tests use a
    tiny one). Jobs are due at start, so a restarted worker catches up at once.
    """

    def __init__(self, jobs: Iterable[Job] = JOBS, interval: float | None = None) -> None:
        self.jobs = tuple(jobs)
        self.interval = interval
        self.stopping = threading.Event()
        self.next_run = dict.fromkeys((job.name for job in self.jobs), 0.0)

    def every(self, job: Job) -> float:
        if job.every is None and self.interval is not None:
            return self.interval
        return job.interval()

    def run_once(self) -> list[Outcome]:
        """Every job, once, now."""
        return [run_job(job) for job in self.jobs]

    def run_due(self) -> list[Outcome]:
        """The jobs whose time has come, once each."""
        outcomes = []
        for job in self.jobs:
            now = time.monotonic()
            if now >= self.next_run[job.name]:
                self.next_run[job.name] = now + self.every(job)
                outcomes.append(run_job(job))
        return outcomes

    def run_forever(self) -> None:
        logger.info("worker started: %s", ", ".join(job.name for job in self.jobs))
        try:
            while not self.stopping.is_set():
                self.run_due()
                wait = min(self.next_run.values(), default=time.monotonic() + 1) - time.monotonic()
                self.stopping.wait(max(wait, 0.0))
        finally:
            # A thread's connections are its own; close them so the database does not keep them.
            connections.close_all()
            logger.info("worker stopped")

    def stop(self) -> None:
        self.stopping.set()


def start_in_thread(loop: Loop | None = None) -> tuple[Loop, threading.Thread]:
    """Run `loop` (the registered jobs by default) in a daemon thread; returns both."""
    loop = loop or Loop()
    thread = threading.Thread(target=loop.run_forever, name="congdong-worker", daemon=True)
    thread.start()
    return loop, thread
