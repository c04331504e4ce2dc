"""The periodic jobs. A feature adds its sweep here with one line.

Imports nothing from Django's apps, so that `congdong.celery` can read it before setup.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Job:
    """A sweep run every `every` seconds (None: `settings.WORKER_INTERVAL`).

    `task` is the dotted path of a Celery task that takes no arguments, re-reads the rows it
    works on, and returns what it did (a count). The path is resolved when the job first runs,
    so the registry can be read before the apps are loaded.
    """

    name: str
    task: str
    every: float | None = None

    def interval(self) -> float:
        return self.every if self.every is not None else settings.WORKER_INTERVAL

    def callable(self) -> Any:
        return import_string(self.task)


JOBS: tuple[Job, ...] = (
    # Job(name, dotted path of the task, every=seconds if not WORKER_INTERVAL)
    Job("publish-due-posts", "congdong.posts.tasks.publish_due_posts"),
    Job(
        "delete-stale-inline-pictures",
        "congdong.posts.tasks.delete_stale_inline_pictures",
        every=3600,
    ),
    Job("flush-events", "congdong.insights.tasks.flush_events", every=5),
    Job("prune-events", "congdong.insights.tasks.prune_events", every=86_400),
    # The one overdue sweep: every workflow's deadlines, declared in its state graph
    # (congdong.core.workflow.sweep); every minute for the takedowns' 24 hours.
    Job("sweep-overdue", "congdong.core.tasks.sweep_overdue", every=60),
    Job("close-answered-feedback", "congdong.feedback.tasks.close_answered_feedback", every=3600),
    Job("check-audit-chain", "congdong.audit.tasks.check_audit_chain", every=86_400),
    Job("notify-followers", "congdong.engagement.tasks.notify_followers"),
    Job("send-digests", "congdong.engagement.tasks.send_digests", every=3600),
    Job(
        "deliver-notifications",
        "congdong.engagement.tasks.deliver_pending_notifications",
        every=10,
    ),
    Job("run-exports", "congdong.insights.tasks.run_exports", every=5),
    Job("refresh-channel-tokens", "congdong.channels.tasks.refresh_channel_tokens", every=600),
    Job("check-channel-tokens", "congdong.channels.tasks.check_channel_tokens", every=3600),
    # Daily in effect: each link is imported up to yesterday once; hourly catches up after a
    # rate limit or a token connected again.
    Job("import-channel-figures", "congdong.insights.tasks.import_channel_figures", every=3600),
    # Webhook calls are stored as they come; this turns them into the inbox's messages.
    Job("process-channel-events", "congdong.listening.tasks.process_channel_events", every=2),
    Job("prune-channel-events", "congdong.listening.tasks.prune_channel_events", every=86_400),
    Job(
        "prune-channel-messages",
        "congdong.listening.tasks.prune_channel_messages",
        every=86_400,
    ),
    Job("fan-out-campaign-deliveries", "congdong.syndication.tasks.fan_out_campaigns", every=5),
    Job("send-deliveries", "congdong.syndication.tasks.send_deliveries", every=2),
    Job("detect-reshares", "congdong.syndication.tasks.detect_reshares", every=600),
)


def beat_schedule(jobs: tuple[Job, ...] = JOBS) -> dict[str, dict[str, Any]]:
    """The same jobs as a Celery beat schedule.

    A sweep message expires after one interval: if the workers were down, the next sweep does
    the work and a queue of stale sweeps is dropped instead of run back to back.
    """
    return {
        job.name: {
            "task": job.task,
            "schedule": job.interval(),
            "options": {"expires": job.interval()},
        }
        for job in jobs
    }
