"""The build as a task on the database queue, and what a worker does for builds whose worker died."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from omnibus.outputs.builds import run_build
from omnibus.outputs.models import Build

log = logging.getLogger("omnibus.outputs")

RECOVER_EVERY = 60.0  # seconds between looks for builds that will never finish
STUCK_AFTER = timedelta(hours=1)


@task()
def build_output_task(build_id: int) -> str:
    """Run build `build_id` (`omnibus worker` works the queue); returns its status."""
    build = run_build(build_id)
    return build.status if build is not None else "gone"


def recover_builds() -> int:
    """Mark failed the builds that will never finish; returns how many.

    Those whose task ended without them (it could not start), and those running longer than
    STUCK_AFTER: a worker killed mid-build leaves its task marked running for ever, and no
    build of ours takes minutes, let alone an hour.
    """
    pending = {b.task_id: b.pk for b in Build.objects.filter(status__in=Build.PENDING).exclude(task_id="")}
    ended = DBTaskResult.objects.filter(
        id__in=list(pending), status__in=[TaskResultStatus.FAILED, TaskResultStatus.SUCCESSFUL]
    ).values_list("id", flat=True)
    stopped = [pending[str(task_id)] for task_id in ended]
    stuck = Build.objects.filter(status=Build.RUNNING, started_at__lt=timezone.now() - STUCK_AFTER)
    found = Build.objects.filter(Q(pk__in=stopped) | Q(pk__in=stuck.values("pk")), status__in=Build.PENDING)
    marked = found.update(
        status=Build.FAILED,
        finished_at=timezone.now(),
        error="The worker building this stopped before it finished. Build it again.",
    )
    if marked:
        log.warning("%d output builds stopped with their worker: marked failed", marked)
    return marked
