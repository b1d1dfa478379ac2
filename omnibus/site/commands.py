"""Commands that run the site: `omnibus serve`, `omnibus demo`, `omnibus django …`."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

DEMO_QUESTIONNAIRE = Path("examples/questionnaires/cso-wave3.yaml")
DEMO_FRAME = Path("examples/frame/england-la-2017.csv")
DEMO_FRAME_AS_OF = date(2017, 9, 1)


def _django() -> None:
    from omnibus.site.setup import setup_django

    setup_django()


def _address(addrport: str) -> str:
    return f"http://{addrport}/"


@click.command()
@click.option("--addrport", default="127.0.0.1:8000", show_default=True, help="Address and port to listen on.")
def serve(addrport: str) -> None:
    """Serve Omnibus with Django's server (for a deployment, use any WSGI server on omnibus.site.wsgi)."""
    _django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    click.echo(f"Omnibus at {_address(addrport)}")
    call_command("runserver", addrport, use_reloader=False)


@click.command()
@click.option("--addrport", default="127.0.0.1:8000", show_default=True, help="Address and port to listen on.")
@click.option("--no-serve", is_flag=True, help="Set up the demo data and stop, without starting the server.")
def demo(addrport: str, no_serve: bool) -> None:
    """Set up the demo (database, the Wave 3 questionnaire, the frame of local authorities) and serve it."""
    _django()
    from django.conf import settings
    from django.core.management import call_command

    from omnibus.fieldwork.questionnaires import store_questionnaire
    from omnibus.frame.store import load_frame

    root = settings.PROJECT_DIR
    Path(settings.DATA_DIR).mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0)
    stored, _ = store_questionnaire(root / DEMO_QUESTIONNAIRE, replace=True)
    version = load_frame(root / DEMO_FRAME, DEMO_FRAME_AS_OF)
    url = _address(addrport)
    click.echo(
        "\n".join(
            [
                f"Questionnaire: {stored.title} ({stored.survey} {stored.version}) from {DEMO_QUESTIONNAIRE}",
                f"Frame: {version.row_count} local authorities as of {DEMO_FRAME_AS_OF} from {DEMO_FRAME}",
                "",
                "Where to look:",
                f"  {url}                      what is loaded",
                f"  {url}questionnaires/{stored.survey}/{stored.version}/   the questionnaire as printed",
                f"  {url}frame/                the population frame (?as_of=YYYY-MM-DD)",
                f"  omnibus questionnaire render {DEMO_QUESTIONNAIRE} --format xlsx -o out/cso-wave3.xlsx",
            ]
        )
    )
    if not no_serve:
        call_command("runserver", addrport, use_reloader=False)


@click.command("django", context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def django_admin(args: tuple[str, ...]) -> None:
    """Run a Django management command (migrate, createsuperuser, …) with Omnibus's settings."""
    _django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["omnibus django", *args])
