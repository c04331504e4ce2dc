"""Periodic background work: one registry of jobs, run by the embedded loop or by Celery beat.

The embedded default (`congdong worker`, or the thread `congdong demo` starts) calls each job's
task in-process; at scale Celery beat sends the same tasks to `celery -A congdong worker`.
Either way the jobs are sweeps over rows, so running one twice, late or concurrently is safe.
"""
