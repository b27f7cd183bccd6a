"""When recurring jobs last ran, kept in the database so that every app server (and
/healthz) sees the same time whichever process ran them."""
from .models import JobRun, utcnow

SLA_WATCH = "sla-watch"


def record_run(name, now=None):
    now = now or utcnow()
    JobRun.insert(name=name, last_run_at=now).on_conflict(
        conflict_target=[JobRun.name], update={JobRun.last_run_at: now}).execute()


def last_run(name):
    row = JobRun.get_or_none(JobRun.name == name)
    return row.last_run_at if row else None
