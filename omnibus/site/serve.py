"""The production server: migrate the database, then serve omnibus.site.wsgi with gunicorn.

`omnibus serve` is what a deployment runs on each machine behind the load balancer. Every
worker is a separate process and keeps nothing between requests that another worker or
server would need (sessions, answers, attempts at access codes are all in PostgreSQL), so
any number of workers and servers can share one database.

Settings are read from the environment when Django starts, so everything the workers must
see (secure cookies above all) is put into the environment before Django is imported.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from gunicorn import util
from gunicorn.app.base import BaseApplication

from omnibus.core.keys import from_environment
from omnibus.core.setup import setup_django

DEMO_SECRET_KEY = "omnibus-demo-key-not-for-production"  # the key settings.py falls back to
WSGI_APP = "omnibus.site.wsgi:application"
MIGRATE_LOCK = 0x6F6D6E69  # "omni": the advisory lock `serve` holds while it migrates
DEFAULT_THREADS = 4  # per worker: gunicorn's gthread workers, which keep connections alive
KEEPALIVE = 75  # seconds an idle keep-alive connection stays open
SUPERUSER_RESERVED = 3  # PostgreSQL's superuser_reserved_connections default: not for us


class ServeError(Exception):
    """A server that must not start as configured; the message says what to set."""


@dataclass(frozen=True)
class ServeOptions:
    """How to run the server (the options of `omnibus serve`)."""

    addrport: str = "127.0.0.1:8000"
    workers: int | None = None  # None: cores + 1
    threads: int = DEFAULT_THREADS
    secure_cookies: bool = True
    access_log: bool = True
    forwarded_allow_ips: str | None = None  # None: gunicorn's default (FORWARDED_ALLOW_IPS or 127.0.0.1,::1)
    timeout: int = 30

    @property
    def worker_count(self) -> int:
        """The number of worker processes."""
        return self.workers if self.workers else default_workers()

    @property
    def connections(self) -> int:
        """Database connections this server may hold at once: one per worker thread."""
        return self.worker_count * self.threads


def default_workers() -> int:
    """One worker per core, plus one: each worker's threads overlap their waits on the database."""
    return (os.cpu_count() or 1) + 1


def worker_environment(options: ServeOptions) -> dict[str, str]:
    """The variables `serve` sets for itself and its workers before Django reads its settings."""
    return {
        "DJANGO_SETTINGS_MODULE": "omnibus.core.settings",
        "OMNIBUS_SECURE_COOKIES": "1" if options.secure_cookies else "0",
    }


def problems(options: ServeOptions, environ: Mapping[str, str]) -> list[str]:
    """What stops the server from starting: a production server without its own secret key."""
    secret = environ.get("OMNIBUS_SECRET_KEY", "")
    if options.secure_cookies and (not secret or secret == DEMO_SECRET_KEY):
        # The demo key is in the source code: with it anyone could forge what Django signs.
        return [
            "OMNIBUS_SECRET_KEY is not set: set it to a long random value "
            '(python -c "import secrets; print(secrets.token_urlsafe(50))"), '
            "or pass --insecure-cookies for a trial over plain HTTP that is not a deployment"
        ]
    return []


def warnings(options: ServeOptions, environ: Mapping[str, str]) -> list[str]:
    """What is allowed but not how production should run: said plainly at start-up."""
    found = []
    if not environ.get("DATABASE_URL"):
        found.append(
            "DATABASE_URL is not set: serving the embedded SQLite database, which is for the demo; "
            "production uses PostgreSQL (DATABASE_URL=postgres://USER:PASSWORD@HOST:5432/NAME)"
        )
    if not from_environment(environ):
        found.append(
            "OMNIBUS_CODE_HASH_KEY and OMNIBUS_CODE_KEY are not both set: access-code keys come from keys.json "
            "in the data folder, which every server behind a load balancer would need an identical copy of"
        )
    if not options.secure_cookies:
        found.append("--insecure-cookies: session and CSRF cookies are sent over plain HTTP (never in production)")
    return found


def connection_warning(options: ServeOptions, max_connections: int | None) -> str | None:
    """A warning when this server alone could take more connections than PostgreSQL allows."""
    if max_connections is None:
        return None
    usable = max_connections - SUPERUSER_RESERVED
    if options.connections <= usable:
        return None
    return (
        f"{options.worker_count} workers × {options.threads} threads may hold {options.connections} database "
        f"connections, but PostgreSQL allows {usable}: use fewer workers or threads (see docs/deployment.md)"
    )


def gunicorn_options(options: ServeOptions) -> dict[str, object]:
    """gunicorn's settings for these options."""
    settings: dict[str, object] = {
        "bind": options.addrport,
        "workers": options.worker_count,
        # Threads share a process but each holds its own database connection (see docs/deployment.md).
        "worker_class": "gthread" if options.threads > 1 else "sync",
        "threads": options.threads,
        "timeout": options.timeout,
        # A browser or load balancer keeps its connection between pages; with threads, an idle
        # connection costs a file descriptor, not a worker. 75 s, as nginx does.
        "keepalive": KEEPALIVE,
        "graceful_timeout": 10,
        "accesslog": "-" if options.access_log else None,
        # Invitation links carry access codes: the log shows /s/[code] (see site/access_log.py).
        "logger_class": "omnibus.site.access_log.RedactingLogger",
        "errorlog": "-",
        "proc_name": "omnibus",
        # Page-shown paradata waits in each worker to be written in batches: written as the worker stops.
        "worker_exit": _write_waiting_paradata,
        # What every request reuses (Django, the views, the parsed URLs) is set aside from the collector.
        "post_worker_init": _freeze_what_was_loaded,
        # The control socket has one default path per user: a second server on the machine would take it over.
        "control_socket_disable": True,
    }
    if options.forwarded_allow_ips is not None:
        settings["forwarded_allow_ips"] = options.forwarded_allow_ips
    return settings


def prepare_server(options: ServeOptions, say: Callable[[str], None]) -> None:
    """Check the environment, set the workers' variables, migrate; raise ServeError when it must not start."""
    for problem in problems(options, os.environ):
        raise ServeError(problem)
    for warning in warnings(options, os.environ):
        say(f"Warning: {warning}")
    _check_settings_not_read(options)
    os.environ.update(worker_environment(options))
    setup_django()
    from django.db import connections

    _migrate()
    warning = connection_warning(options, _max_connections())
    if warning:
        say(f"Warning: {warning}")
    # Workers are forked from this process: a connection opened here must not be shared by them.
    connections.close_all()


def _migrate() -> None:
    """Apply migrations; on PostgreSQL under a lock, so servers started together migrate one at a time."""
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        call_command("migrate", verbosity=0)
        return
    with connection.cursor() as cursor:
        # A session-level advisory lock: the second server waits, then finds nothing left to apply.
        cursor.execute("SELECT pg_advisory_lock(%s)", [MIGRATE_LOCK])
        try:
            call_command("migrate", verbosity=0)
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [MIGRATE_LOCK])


def _check_settings_not_read(options: ServeOptions) -> None:
    """Refuse to go on when Django read its settings already (in-process callers) with other cookies."""
    from django.conf import settings

    if settings.configured and options.secure_cookies != settings.SECURE_COOKIES:
        raise ServeError("Django's settings were read before `serve` could choose the cookie settings")


def _max_connections() -> int | None:
    """PostgreSQL's max_connections, or None for another database."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_connections")
        return int(cursor.fetchone()[0])


def run(options: ServeOptions, say: Callable[[str], None] = print) -> None:
    """Migrate, then serve until stopped (SIGTERM or Ctrl-C stop the workers gracefully)."""
    prepare_server(options, say)
    say(
        f"Omnibus at http://{options.addrport}/ ({options.worker_count} workers"
        f"{f' × {options.threads} threads' if options.threads > 1 else ''}, "
        f"{'secure' if options.secure_cookies else 'insecure'} cookies)"
    )
    _Server(gunicorn_options(options)).run()


def _freeze_what_was_loaded(worker: object) -> None:
    """gunicorn's post_worker_init hook: load the views, then keep what is loaded out of garbage collection.

    A worker holds a few hundred thousand objects from start-up (Django, the views, the
    libraries they import) that live as long as it does. Left to the cyclic garbage collector,
    each full collection walks them all; `gc.freeze` moves them to a generation it never walks
    (the use Python's documentation gives for it). Requests' own objects are collected as before.
    """
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every view module now, not on the first request
    gc.collect()
    gc.freeze()


def _write_waiting_paradata(server: object, worker: object) -> None:
    """gunicorn's worker_exit hook: the worker's waiting page-shown events go to the database."""
    from omnibus.collect import paradata

    paradata.flush()


class _Server(BaseApplication):
    """gunicorn run from Python: our settings, and the WSGI application imported in each worker."""

    def __init__(self, settings: dict[str, object]) -> None:
        self._settings = settings
        super().__init__(prog="omnibus serve")

    def load_config(self) -> None:
        """Apply our settings."""
        for key, value in self._settings.items():
            self.cfg.set(key, value)

    def load(self) -> object:
        """The WSGI application (imported after the fork, so nothing is shared between workers)."""
        return util.import_app(WSGI_APP)
