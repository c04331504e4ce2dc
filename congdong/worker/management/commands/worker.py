"""`congdong worker`: the embedded background worker (no Redis, no Celery process needed)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from congdong.worker.loop import Loop


class Command(BaseCommand):
    help = "Run the periodic jobs (publishing scheduled posts, …) in this process."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run every job once and exit.")
        parser.add_argument(
            "--interval",
            type=float,
            default=None,
            help="Seconds between runs of a job (default CONGDONG_WORKER_INTERVAL, 30).",
        )

    def handle(self, *args, once: bool, interval: float | None, **options) -> None:
        loop = Loop(interval=interval)
        if once:
            outcomes = loop.run_once()
            for outcome in outcomes:
                style = self.style.ERROR if outcome.error else self.style.SUCCESS
                self.stdout.write(style(str(outcome)))
            failed = [outcome.job for outcome in outcomes if outcome.error]
            if failed:
                # A non-zero exit, so cron or a health check notices.
                raise CommandError(f"failed: {', '.join(failed)}")
            return
        self.stdout.write(f"Running {', '.join(job.name for job in loop.jobs)}; Ctrl-C stops.")
        try:
            loop.run_forever()
        except KeyboardInterrupt:
            loop.stop()
