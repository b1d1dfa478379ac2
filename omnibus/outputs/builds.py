"""Queue a build, run it, and find its file: the life of one `Build`.

Queueing writes the build row and its task row in one transaction, so a build is never queued
without its task, nor a task without its build. Running makes the file in a scratch folder
beside where it will be kept, then moves it into place, sums it and marks the build done: a
failure leaves no half-written file, and the build says why it failed in words a person can act
on (the traceback goes to the worker's log, never to the page).
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from omnibus.analysis.spec import SpecError
from omnibus.fieldwork.models import Wave
from omnibus.frame.store import FrameError
from omnibus.outputs.catalogue import BY_KEY
from omnibus.outputs.making import OutputError, make_output
from omnibus.outputs.models import Build
from omnibus.report.libreoffice import ConversionError
from omnibus.report.making import ReportError
from omnibus.report.spec import ReportSpecError

log = logging.getLogger("omnibus.outputs")

# Errors whose message already names the problem in a person's words.
EXPLAINED = (SpecError, ReportSpecError, ReportError, ConversionError, FrameError, ValueError)


@dataclass
class Queued:
    """What asking for a build did: the build, and whether this request queued it (False: one was already there)."""

    build: Build
    new: bool


def queue_build(wave: Wave, output: str, fmt: str, user, request_key: str, compare: str = "") -> Queued:  # noqa: ANN001
    """Queue `output` of `wave` in `fmt` (compared with the wave `compare`), once.

    A key already used, or the same build waiting or running, is returned instead. The caller
    has checked that the output, format and earlier wave exist and that the user may build them.
    """
    from omnibus.outputs.tasks import build_output_task  # the task module imports this one

    earlier = _already_asked(wave, output, fmt, compare, request_key)
    if earlier is not None:
        return Queued(earlier, False)
    try:
        with transaction.atomic():
            build = Build.objects.create(
                wave=wave,
                output=output,
                format=fmt,
                compare=compare,
                request_key=request_key,
                requested_by=user,
                requested_by_name=user.get_username(),
                queued_at=timezone.now(),
            )
            build.task_id = str(build_output_task.enqueue(build.pk).id)
            build.save(update_fields=["task_id"])
    except IntegrityError:  # a second request with the same key or for the same build, at the same moment
        earlier = _already_asked(wave, output, fmt, compare, request_key)
        if earlier is None:
            raise
        return Queued(earlier, False)
    return Queued(build, True)


def _already_asked(wave: Wave, output: str, fmt: str, compare: str, request_key: str) -> Build | None:
    pending = Q(wave=wave, output=output, format=fmt, compare=compare, status__in=Build.PENDING)
    return Build.objects.filter(Q(request_key=request_key) | pending).order_by("-queued_at").first()


def run_build(build_id: int) -> Build | None:
    """Make the build's file and keep it, or record why it failed. Returns the build (None if it is gone).

    A build already started (a task run twice) is left alone.
    """
    claimed = Build.objects.filter(pk=build_id, status=Build.QUEUED).update(
        status=Build.RUNNING, started_at=timezone.now()
    )
    build = Build.objects.select_related("wave").filter(pk=build_id).first()
    if not claimed or build is None:
        return build
    try:
        kept = _make_and_keep(build)
    except EXPLAINED as error:
        _fail(build, str(error))
    except OSError as error:
        log.exception("build %s: cannot write", build.pk)
        reason = error.strerror or error
        _fail(build, f"The file could not be written on the server ({reason}). Tell the administrator.")
    except Exception:
        log.exception("build %s failed", build.pk)
        _fail(
            build,
            f"The build stopped on an unexpected error, logged on the server as build {build.pk}. "
            "Try again; if it fails again, tell the administrator.",
        )
    else:
        build.path = kept.relative_to(outputs_dir()).as_posix()
        build.size = kept.stat().st_size
        build.sha256 = _sha256(kept)
        build.status = Build.DONE
        build.finished_at = timezone.now()
        build.save(update_fields=["path", "size", "sha256", "status", "finished_at"])
    return build


def _make_and_keep(build: Build) -> Path:
    """The file made in a scratch folder inside the build's own folder, then moved into that folder."""
    folder = outputs_dir() / build.wave.slug / str(build.pk)
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder, prefix=".making-") as scratch:
        earlier = _earlier(build)
        made = make_output(build.wave, build.output, build.format, Path(scratch), earlier)
        target = folder / made.name
        shutil.move(made, target)
    return target


def _earlier(build: Build) -> list[Wave]:
    if not build.compare:
        return []
    found = Wave.objects.filter(slug=build.compare).first()
    if found is None:
        raise OutputError(f"The wave {build.compare} it was to be compared with no longer exists")
    return [found]


def _fail(build: Build, message: str) -> None:
    build.status = Build.FAILED
    build.error = message
    build.finished_at = timezone.now()
    build.save(update_fields=["status", "error", "finished_at"])


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def outputs_dir() -> Path:
    """Where builds are kept (settings.OUTPUTS_DIR, under the data folder unless set)."""
    return Path(settings.OUTPUTS_DIR)


def kept_file(build: Build) -> Path | None:
    """The file of a finished build, or None when it is not done or its file is no longer on disk."""
    if build.status != Build.DONE or not build.path:
        return None
    path = outputs_dir() / build.path
    return path if path.is_file() else None


def title_of(build: Build) -> str:
    """ "Client report (PDF)", "Tab book (Excel) compared with cso-w2": what a build is, in words."""
    output = BY_KEY.get(build.output)
    what = f"{output.title} ({output.format_label(build.format)})" if output else f"{build.output} ({build.format})"
    return f"{what} compared with {build.compare}" if build.compare else what
