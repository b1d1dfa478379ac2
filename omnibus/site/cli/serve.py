"""`omnibus serve`: the production server.

Imported without Django: `serve` puts the workers' settings (secure cookies above all) into the
environment before Django reads them, so nothing may set Django up before it runs.
"""

from __future__ import annotations

import click

from omnibus.site.serve import DEFAULT_THREADS, ServeError, ServeOptions, run


@click.command()
@click.option("--addrport", default="127.0.0.1:8000", show_default=True, help="Address and port to listen on.")
@click.option("--workers", type=click.IntRange(min=1), help="Worker processes [default: cores + 1].")
@click.option(
    "--threads",
    type=click.IntRange(min=1),
    default=DEFAULT_THREADS,
    show_default=True,
    help="Threads per worker (each holds its own database connection).",
)
@click.option("--insecure-cookies", is_flag=True, help="Cookies over plain HTTP: a local trial only.")
@click.option("--access-log/--no-access-log", default=True, show_default=True, help="Log each request to stdout.")
@click.option(
    "--forwarded-allow-ips",
    help="Load balancers trusted to say a request came over HTTPS (X-Forwarded-Proto) [default: 127.0.0.1,::1].",
)
def serve(
    addrport: str,
    workers: int | None,
    threads: int,
    insecure_cookies: bool,
    access_log: bool,
    forwarded_allow_ips: str | None,
) -> None:
    """Serve Omnibus in production: migrate, then gunicorn with several workers (settings from the environment)."""
    options = ServeOptions(
        addrport=addrport,
        workers=workers,
        threads=threads,
        secure_cookies=not insecure_cookies,
        access_log=access_log,
        forwarded_allow_ips=forwarded_allow_ips,
    )
    try:
        run(options, say=lambda line: click.echo(line, err=line.startswith("Warning")))
    except ServeError as error:
        raise click.ClickException(str(error)) from error
